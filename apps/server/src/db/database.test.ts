/**
 * Migrations run up, down and up again on a real file; the pragmas that durability rests on
 * are set.
 */
import { describe, expect, it } from 'vitest';
import { migrate, openDatabase } from './database.js';
import { tempDataDir } from '../test-support/harness.js';

const tables = (db: ReturnType<typeof openDatabase>) =>
  (
    db.sqlite
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'kysely_%' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
      )
      .all() as Array<{ name: string }>
  ).map((r) => r.name);

describe('database', () => {
  it('applies, reverts (each one, down to nothing) and re-applies the migrations', async () => {
    const db = openDatabase(tempDataDir());
    const up = await migrate(db);
    const names = [
      '001-initial',
      '002-access-audit',
      '003-device-api',
      '004-snapshots',
      '005-notifications',
      '006-layouts',
      '007-alarms',
      '008-webhook-parked',
      '009-job-claim',
      '010-idempotency-window',
      '011-detection-times',
      '012-rollups',
      '013-person-tracking',
      '014-person-branches',
      '015-counting-reports',
      '016-person-periods',
      '017-report-delivery',
    ];
    expect(up.results?.map((r) => [r.migrationName, r.status])).toEqual(names.map((n) => [n, 'Success']));
    expect(tables(db)).toEqual(
      expect.arrayContaining([
        'jobs',
        'realtime_outbox',
        're_id_masters',
        'event_logs',
        'detection_idempotency',
        'api_credentials',
        'storage_files',
        'notification_deliveries',
        'alarm_actions',
        'notification_status_parked',
      ]),
    );
    expect((await migrate(db)).results).toEqual([]);
    for (const name of [...names].reverse()) {
      const down = await migrate(db, 'down');
      expect(down.results?.map((r) => [r.migrationName, r.direction, r.status])).toEqual([[name, 'Down', 'Success']]);
      if (name === '010-idempotency-window')
        expect(
          (
            db.sqlite.prepare(`SELECT sql FROM sqlite_schema WHERE name = 'detection_idempotency'`).get() as {
              sql: string;
            }
          ).sql,
        ).not.toMatch(/WITHOUT ROWID/);
      if (name === '017-report-delivery') expect(tables(db)).not.toContain('report_recipients');
      if (name === '016-person-periods') expect(tables(db)).not.toContain('person_periods');
      if (name === '015-counting-reports') expect(tables(db)).not.toContain('counting_reports');
      if (name === '014-person-branches') expect(tables(db)).not.toContain('person_branches');
      if (name === '012-rollups') expect(tables(db)).not.toContain('detection_hourly');
      if (name === '009-job-claim') expect(tables(db)).not.toContain('job_counts');
      if (name === '008-webhook-parked') expect(tables(db)).not.toContain('notification_status_parked');
      if (name === '003-device-api') expect(tables(db)).not.toContain('api_usage_summary');
      if (name === '002-access-audit') {
        expect(tables(db)).not.toContain('audit_logs');
        expect(
          (db.sqlite.prepare('PRAGMA table_info(users)').all() as Array<{ name: string }>).map((c) => c.name),
        ).toContain('branch_scope');
      }
    }
    expect(tables(db)).toEqual([]);
    await migrate(db);
    expect(tables(db)).toContain('jobs');
    await db.close();
  });

  it('converts the detection times between ISO text and epoch ms, exactly, both ways (011)', async () => {
    const db = openDatabase(tempDataDir());
    await migrate(db);
    await migrate(db, 'down'); // 017 off
    await migrate(db, 'down'); // 016 off
    await migrate(db, 'down'); // 015 off
    await migrate(db, 'down'); // 014 off
    await migrate(db, 'down'); // 013 off
    await migrate(db, 'down'); // 012 off
    await migrate(db, 'down'); // back to 010: ISO text
    const insert = db.sqlite.prepare(
      `INSERT INTO re_id_branch_detections (re_id, branch_id, device_id, detected_count, detection_timestamp, created_at) VALUES ('p1', 1, 'cam-1', 2, ?, ?)`,
    );
    const times = ['2026-12-02T06:12:55.123Z', '2024-02-29T23:59:59.999Z', '2026-01-01T00:00:00.000Z'];
    for (const t of times) insert.run(t, t);
    await migrate(db);
    const row = () =>
      db.sqlite
        .prepare(`SELECT detection_timestamp AS d, created_at AS c FROM re_id_branch_detections ORDER BY id`)
        .all();
    expect(row()).toEqual(times.map((t) => ({ d: Date.parse(t), c: Date.parse(t) })));
    expect(db.sqlite.prepare(`PRAGMA index_list(re_id_branch_detections)`).all()).toHaveLength(2);
    await migrate(db, 'down'); // 017
    await migrate(db, 'down'); // 016
    await migrate(db, 'down'); // 015
    await migrate(db, 'down'); // 014
    await migrate(db, 'down'); // 013
    await migrate(db, 'down'); // 012
    await migrate(db, 'down'); // 011
    expect(row()).toEqual(times.map((t) => ({ d: t, c: t })));
    await db.close();
  });

  it('backfills the person periods from the stored detections, each in the zone of its branch (016)', async () => {
    const db = openDatabase(tempDataDir());
    await migrate(db);
    await migrate(db, 'down'); // 017 off
    await migrate(db, 'down'); // 016 off
    db.sqlite.pragma('foreign_keys = OFF'); // detections without their person and camera rows
    db.sqlite.exec(
      `INSERT INTO company_branches (id, group_id, branch_code, branch_name, city, timezone, updated_at) VALUES (1, 1, 'A', 'A', 'A', 'Asia/Makassar', ''), (2, 1, 'B', 'B', 'B', 'Asia/Jakarta', '')`,
    );
    const insert = db.sqlite.prepare(
      `INSERT INTO re_id_branch_detections (re_id, branch_id, device_id, detected_count, detection_timestamp, created_at) VALUES (?, ?, 'cam-1', ?, ?, 0)`,
    );
    // 2026-11-30 16:30 UTC is Tuesday 1 December 00:30 in Makassar (UTC+8), still Monday 30 November in Jakarta
    const late = Date.parse('2026-11-30T16:30:00Z');
    const early = Date.parse('2026-11-29T03:00:00Z'); // Sunday 29 November in both
    insert.run('p1', 1, 2, late);
    insert.run('p1', 1, 3, early);
    insert.run('p1', 2, 1, late);
    await migrate(db);
    const rows = db.sqlite
      .prepare(`SELECT * FROM person_periods ORDER BY period_type, period_start, branch_id, re_id`)
      .all();
    expect(rows).toEqual([
      {
        period_type: 'monthly',
        period_start: '2026-11-01',
        branch_id: 1,
        re_id: 'p1',
        detections: 1,
        detected_sum: 3,
        first_detection: early,
        last_detection: early,
      },
      {
        period_type: 'monthly',
        period_start: '2026-11-01',
        branch_id: 2,
        re_id: 'p1',
        detections: 1,
        detected_sum: 1,
        first_detection: late,
        last_detection: late,
      },
      {
        period_type: 'monthly',
        period_start: '2026-12-01',
        branch_id: 1,
        re_id: 'p1',
        detections: 1,
        detected_sum: 2,
        first_detection: late,
        last_detection: late,
      },
      {
        period_type: 'weekly',
        period_start: '2026-11-23',
        branch_id: 1,
        re_id: 'p1',
        detections: 1,
        detected_sum: 3,
        first_detection: early,
        last_detection: early,
      },
      {
        period_type: 'weekly',
        period_start: '2026-11-30',
        branch_id: 1,
        re_id: 'p1',
        detections: 1,
        detected_sum: 2,
        first_detection: late,
        last_detection: late,
      },
      {
        period_type: 'weekly',
        period_start: '2026-11-30',
        branch_id: 2,
        re_id: 'p1',
        detections: 1,
        detected_sum: 1,
        first_detection: late,
        last_detection: late,
      },
    ]);
    await db.close();
  });

  it('opens in WAL mode with foreign keys on', async () => {
    const db = openDatabase(tempDataDir());
    expect(db.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.sqlite.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    await db.close();
  });
});
