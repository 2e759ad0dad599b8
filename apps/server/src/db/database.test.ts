/**
 * Migrations run up, down and up again on a real file; the pragmas that durability rests on
 * are set.
 */
import { describe, expect, it } from 'vitest';
import { migrate, migrateTo, openDatabase, sqliteHandle } from './database.js';
import { tempDataDir } from '../test-support/harness.js';

const tables = (db: ReturnType<typeof openDatabase>) =>
  (
    db.conn
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
      '018-alarm-rules',
      '019-stream-media',
      '020-cluster',
      '021-shared-limits',
      '022-data-migration',
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
            db.conn.prepare(`SELECT sql FROM sqlite_schema WHERE name = 'detection_idempotency'`).get() as {
              sql: string;
            }
          ).sql,
        ).not.toMatch(/WITHOUT ROWID/);
      if (name === '022-data-migration') expect(tables(db)).not.toContain('data_migration_progress');
      if (name === '021-shared-limits') expect(tables(db)).not.toContain('api_rate_windows');
      if (name === '020-cluster') expect(tables(db)).not.toContain('server_processes');
      if (name === '019-stream-media') expect(tables(db)).not.toContain('gateway_settings');
      if (name === '018-alarm-rules') expect(tables(db)).not.toContain('alarm_rules');
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
          (db.conn.prepare('PRAGMA table_info(users)').all() as Array<{ name: string }>).map((c) => c.name),
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
    await migrateTo(db, '010-idempotency-window'); // back to 010: ISO text
    const insert = db.conn.prepare(
      `INSERT INTO re_id_branch_detections (re_id, branch_id, device_id, detected_count, detection_timestamp, created_at) VALUES ('p1', 1, 'cam-1', 2, ?, ?)`,
    );
    const times = ['2026-12-02T06:12:55.123Z', '2024-02-29T23:59:59.999Z', '2026-01-01T00:00:00.000Z'];
    for (const t of times) insert.run(t, t);
    await migrate(db);
    const row = () =>
      db.conn
        .prepare(`SELECT detection_timestamp AS d, created_at AS c FROM re_id_branch_detections ORDER BY id`)
        .all();
    expect(row()).toEqual(times.map((t) => ({ d: Date.parse(t), c: Date.parse(t) })));
    expect(db.conn.prepare(`PRAGMA index_list(re_id_branch_detections)`).all()).toHaveLength(2);
    await migrateTo(db, '010-idempotency-window'); // 011 off
    expect(row()).toEqual(times.map((t) => ({ d: t, c: t })));
    await db.close();
  });

  it('backfills the person periods from the stored detections, each in the zone of its branch (016)', async () => {
    const db = openDatabase(tempDataDir());
    await migrate(db);
    await migrateTo(db, '015-counting-reports'); // 016 off
    sqliteHandle(db).pragma('foreign_keys = OFF'); // detections without their person and camera rows
    db.conn.exec(
      `INSERT INTO company_branches (id, group_id, branch_code, branch_name, city, timezone, updated_at) VALUES (1, 1, 'A', 'A', 'A', 'Asia/Makassar', ''), (2, 1, 'B', 'B', 'B', 'Asia/Jakarta', '')`,
    );
    const insert = db.conn.prepare(
      `INSERT INTO re_id_branch_detections (re_id, branch_id, device_id, detected_count, detection_timestamp, created_at) VALUES (?, ?, 'cam-1', ?, ?, 0)`,
    );
    // 2026-11-30 16:30 UTC is Tuesday 1 December 00:30 in Makassar (UTC+8), still Monday 30 November in Jakarta
    const late = Date.parse('2026-11-30T16:30:00Z');
    const early = Date.parse('2026-11-29T03:00:00Z'); // Sunday 29 November in both
    insert.run('p1', 1, 2, late);
    insert.run('p1', 1, 3, early);
    insert.run('p1', 2, 1, late);
    await migrate(db);
    const rows = db.conn
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

  it('makes every stored event a medium alarm in its state, gives each branch the default rule, and keeps the rows that reference an event (018)', async () => {
    const db = openDatabase(tempDataDir());
    await migrate(db);
    await migrateTo(db, '017-report-delivery'); // 018 off: every event is an alarm
    db.conn.exec(
      `INSERT INTO company_groups (id, province_code, province_name, group_name, updated_at) VALUES (1, 'G', 'G', 'G', '');
       INSERT INTO company_branches (id, group_id, branch_code, branch_name, city, timezone, updated_at) VALUES (1, 1, 'A', 'A', 'A', 'Asia/Makassar', ''), (2, 1, 'B', 'B', 'B', 'Asia/Jakarta', '');
       INSERT INTO users (id, email, name, password_hash, role, updated_at) VALUES (1, 'op@x', 'Op', 'x', 'operator', '');
       INSERT INTO event_logs (id, branch_id, device_id, re_id, event_type, detected_count, event_timestamp, alarm_state, acknowledged_by, acknowledged_at)
         VALUES (1, 1, 'cam-1', 'p1', 'person_detected', 1, '2026-12-01T00:00:00.000Z', 'new', NULL, NULL),
                (7, 2, 'cam-2', 'p2', 'person_detected', 3, '2026-12-01T00:01:00.000Z', 'acknowledged', 1, '2026-12-01T00:02:00.000Z');
       INSERT INTO alarm_actions (event_log_id, action, user_id, note, at) VALUES (7, 'acknowledged', 1, 'seen', '2026-12-01T00:02:00.000Z');
       DELETE FROM event_logs WHERE id = 7;
       INSERT INTO event_logs (id, branch_id, device_id, re_id, event_type, detected_count, event_timestamp, alarm_state, acknowledged_by, acknowledged_at)
         VALUES (5, 2, 'cam-2', 'p2', 'person_detected', 3, '2026-12-01T00:01:00.000Z', 'acknowledged', 1, '2026-12-01T00:02:00.000Z');
       INSERT INTO alarm_actions (event_log_id, action, user_id, note, at) VALUES (5, 'acknowledged', 1, 'seen', '2026-12-01T00:02:00.000Z');`,
    );
    await migrate(db);
    expect(db.conn.prepare(`SELECT id, alarm_state, priority, rule_id FROM event_logs ORDER BY id`).all()).toEqual([
      { id: 1, alarm_state: 'new', priority: 'medium', rule_id: null },
      { id: 5, alarm_state: 'acknowledged', priority: 'medium', rule_id: null },
    ]);
    // the action of event 5 survived the rebuild (no cascade), and ids of deleted events are not handed out again
    expect(db.conn.prepare(`SELECT event_log_id, note FROM alarm_actions`).all()).toEqual([
      { event_log_id: 5, note: 'seen' },
    ]);
    const next = db.conn
      .prepare(
        `INSERT INTO event_logs (branch_id, device_id, re_id, event_type, detected_count, event_timestamp, created_at) VALUES (1, 'cam-1', 'p3', 'person_detected', 1, '2026-12-01T00:03:00.000Z', '2026-12-01T00:03:00.000Z')`,
      )
      .run();
    expect(Number(next.lastInsertRowid)).toBe(8);
    expect(db.conn.prepare(`SELECT alarm_state FROM event_logs WHERE id = 8`).get()).toEqual({ alarm_state: null });
    expect(
      db.conn
        .prepare(
          `SELECT branch_id, name, condition, schedule, priority, cooldown_s, enabled FROM alarm_rules ORDER BY branch_id`,
        )
        .all(),
    ).toEqual(
      [1, 2].map((b) => ({
        branch_id: b,
        name: 'Any person',
        condition: '{"type":"any_person"}',
        schedule: null,
        priority: 'medium',
        cooldown_s: 0,
        enabled: 1,
      })),
    );
    expect(db.conn.prepare(`SELECT armed, arming_mode FROM company_branches WHERE id = 1`).get()).toEqual({
      armed: 1,
      arming_mode: null,
    });
    expect(sqliteHandle(db).pragma('foreign_keys', { simple: true })).toBe(1);
    // a plain event is refused a priority (one without the other is not an alarm)
    expect(() =>
      db.conn.exec(
        `INSERT INTO event_logs (branch_id, device_id, re_id, event_type, detected_count, event_timestamp, priority) VALUES (1, 'c', 'p', 'person_detected', 1, '', 'high')`,
      ),
    ).toThrow(/CHECK/);
    await migrateTo(db, '017-report-delivery');
    expect(db.conn.prepare(`SELECT id, alarm_state FROM event_logs ORDER BY id`).all()).toEqual([
      { id: 1, alarm_state: 'new' },
      { id: 5, alarm_state: 'acknowledged' },
      { id: 8, alarm_state: 'new' },
    ]);
    expect(db.conn.prepare(`SELECT COUNT(*) AS n FROM alarm_actions`).get()).toEqual({ n: 1 });
    await db.close();
  });

  it('opens in WAL mode with foreign keys on', async () => {
    const db = openDatabase(tempDataDir());
    expect(sqliteHandle(db).pragma('journal_mode', { simple: true })).toBe('wal');
    expect(sqliteHandle(db).pragma('foreign_keys', { simple: true })).toBe(1);
    expect(sqliteHandle(db).pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    await db.close();
  });
});
