/**
 * Migrations run up, down and up again on a real file; the pragmas that durability rests on
 * are set.
 */
import { describe, expect, it } from 'vitest';
import { migrate, openDatabase } from './database.js';
import { tempDataDir } from '../test-support/harness.js';

const tables = (db: ReturnType<typeof openDatabase>) =>
  (db.sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'kysely_%' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as Array<{ name: string }>).map((r) => r.name);

describe('database', () => {
  it('applies, reverts (each one, down to nothing) and re-applies the migrations', async () => {
    const db = openDatabase(tempDataDir());
    const up = await migrate(db);
    const names = ['001-initial', '002-access-audit', '003-device-api', '004-snapshots', '005-notifications', '006-layouts', '007-alarms', '008-webhook-parked'];
    expect(up.results?.map((r) => [r.migrationName, r.status])).toEqual(names.map((n) => [n, 'Success']));
    expect(tables(db)).toEqual(
      expect.arrayContaining(['jobs', 'realtime_outbox', 're_id_masters', 'event_logs', 'detection_idempotency', 'api_credentials', 'storage_files', 'notification_deliveries', 'alarm_actions', 'notification_status_parked']),
    );
    expect((await migrate(db)).results).toEqual([]);
    for (const name of [...names].reverse()) {
      const down = await migrate(db, 'down');
      expect(down.results?.map((r) => [r.migrationName, r.direction, r.status])).toEqual([[name, 'Down', 'Success']]);
      if (name === '008-webhook-parked') expect(tables(db)).not.toContain('notification_status_parked');
      if (name === '003-device-api') expect(tables(db)).not.toContain('api_usage_summary');
      if (name === '002-access-audit') {
        expect(tables(db)).not.toContain('audit_logs');
        expect((db.sqlite.prepare('PRAGMA table_info(users)').all() as Array<{ name: string }>).map((c) => c.name)).toContain('branch_scope');
      }
    }
    expect(tables(db)).toEqual([]);
    await migrate(db);
    expect(tables(db)).toContain('jobs');
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
