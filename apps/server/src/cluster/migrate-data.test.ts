/**
 * `pantau migrate-data` (PostgreSQL tier only): an embedded database a real server filled
 * (12,000 detections through the device API and the pipeline, a device whose parent came later,
 * users, a layout) copied into PostgreSQL by the CLI, killed with `kill -9` half-way and run
 * again; then a server on PostgreSQL answers what the SQLite server answered, and its new ids
 * follow the old ones. Also: what it refuses, and that its verification notices a changed row.
 */
import { spawn, spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '@pantau/shared';
import { startHarness, tempDataDir, waitFor, WsRecorder, type Harness } from '../test-support/harness.js';
import { testDatabaseUrl, testPostgresAdminUrl } from '../test-support/postgres.js';
import { PANTAU_BIN } from '../test-support/cli-server.js';
import { PgConnection } from '../db/pg-connection.js';
import { migrate, openDatabase } from '../db/database.js';
import type { DataMigrationResult } from '../services/data-migration.js';

const pg = testPostgresAdminUrl() !== null;
const N = 12_000;

/** What the SQLite server answered, compared with the PostgreSQL server after the copy. */
interface Answers {
  devices: unknown;
  persons: unknown;
  events: unknown;
  branches: unknown;
  layouts: unknown;
}

async function answers(c: ApiClient): Promise<Answers> {
  return {
    devices: await c.listDevices(),
    persons: await c.listPersons({ per_page: 100 }),
    events: await c.listEvents({ limit: 100 }),
    branches: await c.listBranches(),
    layouts: await c.listLayouts(),
  };
}

/** Run the CLI to the end. */
function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [PANTAU_BIN, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const result = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as DataMigrationResult;

let dataDir: string;
let before: Answers;
let lastEventId = 0;
let branchId = 0;
let target: string;

beforeAll(async () => {
  if (!pg) return;
  dataDir = tempDataDir();
  const h: Harness = await startHarness({ dataDir, databaseUrl: null });
  branchId = h.branches[0]!.id;
  // a camera whose NVR is added after it: its parent comes later in key order
  await h.admin.createDevice({ device_id: 'cam-9', device_name: 'Dock', device_type: 'camera', branch_id: branchId });
  const nvr = await h.admin.createDevice({
    device_id: 'nvr-1',
    device_name: 'NVR',
    device_type: 'nvr',
    branch_id: branchId,
  });
  const cam9 = (await h.admin.listDevices()).find((d) => d.device_id === 'cam-9')!;
  await h.admin.updateDevice(cam9.id, { parent_device_id: 'nvr-1' });
  expect(nvr.id).toBeGreaterThan(cam9.id);
  await h.admin.createUser({
    email: 'op@test.local',
    password: 'operator-pass',
    role: 'operator',
    name: 'Operator Ñandú',
  });
  await h.admin.createLayout({ layout_name: 'Lobby wall', layout_type: '4' });
  for (let from = 0; from < N; from += 500) {
    const r = await h.device.logDetectionBatch({
      detections: Array.from({ length: 500 }, (_, k) => ({
        event_id: `ev-${from + k}`,
        re_id: `p-${(from + k) % 300}`,
        branch_id: (from + k) % 4 === 0 ? h.branches[1]!.id : branchId,
        device_id: (from + k) % 4 === 0 ? 'cam-2' : 'cam-1',
        detected_count: 1 + ((from + k) % 3),
        detection_timestamp: new Date(Date.UTC(2026, 10, 1) + (from + k) * 60_000).toISOString(),
        detection_data: { confidence: 0.5 + ((from + k) % 50) / 100, note: 'ünïcödé ✓' },
      })),
    });
    expect(r.accepted).toBe(500);
  }
  await waitFor(
    () => h.server.services.queue.stats().pending === 0 && h.server.services.queue.stats().running === 0,
    60_000,
    'the pipeline drained',
  );
  before = await answers(h.admin);
  lastEventId = h.server.services.hub.lastEventId;
  await h.stop();
  target = testDatabaseUrl()!;
}, 180_000);

describe.skipIf(!pg)('pantau migrate-data', () => {
  it('refuses a source a server runs on', async () => {
    const h = await startHarness({ dataDir: tempDataDir(), databaseUrl: null });
    try {
      const r = runCli(['migrate-data', '--from', `sqlite:${h.dataDir}`, '--to', testDatabaseUrl()!]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/CONFLICT: a server is running on the source/);
    } finally {
      await h.stop();
    }
  });

  it('refuses a source behind this version’s migrations', async () => {
    const dir = tempDataDir();
    const db = openDatabase(dir);
    await migrate(db);
    await migrate(db, 'down');
    await db.close();
    const r = runCli(['migrate-data', '--from', `sqlite:${dir}`, '--to', testDatabaseUrl()!]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/VALIDATION_ERROR: the source is behind this version \(missing 022-data-migration\)/);
  });

  it('copies, stopped by kill -9 half-way, and goes on when run again: every row once, verified', async () => {
    const child = spawn(
      process.execPath,
      [PANTAU_BIN, 'migrate-data', '--from', `sqlite:${dataDir}`, '--to', target, '--chunk-rows', '300'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    const killed = await new Promise<boolean>((resolve) => {
      child.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        const pct = [...err.matchAll(/copying: (\d+)%/g)].map((m) => Number(m[1]));
        if (pct.some((p) => p >= 20 && p < 100) && child.exitCode === null) {
          child.kill('SIGKILL');
          resolve(true);
        }
      });
      child.once('exit', () => resolve(false));
    });
    expect(killed, err).toBe(true);
    await new Promise((r) => child.once('exit', r));
    const reader = new PgConnection(target, 'pantau-test-reader');
    const progress = reader
      .prepare(`SELECT table_name, phase, rows_copied FROM data_migration_progress`)
      .all() as Array<{
      phase: string;
      rows_copied: number;
    }>;
    reader.close();
    // stopped in the middle: some tables done or begun, not all
    expect(progress.some((p) => p.rows_copied > 0)).toBe(true);
    expect(progress.some((p) => p.phase !== 'done')).toBe(true);

    const again = runCli(['migrate-data', '--from', `sqlite:${dataDir}`, '--to', target, '--chunk-rows', '300']);
    expect(again.status, again.stderr).toBe(0);
    const r = result(again.stdout);
    expect(r.resumed).toBe(true);
    expect(r.verified).toBe(true);
    expect(again.stderr).toMatch(/verifying: 100%/);
    const byTable = new Map(r.tables.map((t) => [t.table, t]));
    expect(byTable.get('re_id_branch_detections')!.target_rows).toBe(N);
    expect(byTable.get('event_logs')!.source_rows).toBeGreaterThanOrEqual(N);
    expect(byTable.get('device_masters')!.target_rows).toBe(4);
    for (const t of r.tables) {
      expect(t.target_rows, t.table).toBe(t.source_rows);
      expect(t.target_checksum, t.table).toBe(t.source_checksum);
    }
    // the second run copied only what the first had not committed
    const copiedNow = r.tables.reduce((n, t) => n + t.copied_now, 0);
    expect(copiedNow).toBeGreaterThan(0);
    expect(copiedNow).toBeLessThan(r.rows);
    expect(r.tables.map((t) => t.table)).not.toContain('job_counts');

    // run once more: nothing to copy, verified again
    const third = result(runCli(['migrate-data', '--from', `sqlite:${dataDir}`, '--to', target]).stdout);
    expect(third.verified).toBe(true);
    expect(third.tables.every((t) => t.copied_now === 0)).toBe(true);
  }, 120_000);

  it('refuses a target holding another copy, and its verification names a changed table', async () => {
    const other = tempDataDir();
    const db = openDatabase(other);
    await migrate(db);
    await db.close();
    const r = runCli(['migrate-data', '--from', `sqlite:${other}`, '--to', target]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/CONFLICT: the target holds a copy from sqlite:/);

    const fresh = testDatabaseUrl()!;
    const d = openDatabase(tempDataDir(), fresh);
    await migrate(d);
    await d.close();
    const used = new PgConnection(fresh, 'pantau-test-writer');
    used.exec(
      `INSERT INTO company_groups (province_code, province_name, group_name, created_at, updated_at) VALUES ('X', 'X', 'X', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`,
    );
    used.close();
    const refused = runCli(['migrate-data', '--from', `sqlite:${other}`, '--to', fresh]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/CONFLICT: the target already holds data \(company_groups: 1 rows\)/);

    // one value changed on the target after the copy: named, and nothing else
    const w = new PgConnection(target, 'pantau-test-writer');
    w.exec(`UPDATE users SET name = 'Changed' WHERE email = 'op@test.local'`);
    const changed = runCli(['migrate-data', '--from', `sqlite:${dataDir}`, '--to', target]);
    expect(changed.status).toBe(1);
    expect(changed.stderr).toMatch(/the copy differs from the source in users\n/);
    const res = result(changed.stdout);
    expect(res.tables.filter((x) => !x.match).map((x) => x.table)).toEqual(['users']);
    w.exec(`UPDATE users SET name = 'Operator Ñandú' WHERE email = 'op@test.local'`);
    w.close();
    expect(runCli(['migrate-data', '--from', `sqlite:${dataDir}`, '--to', target]).status).toBe(0);
  }, 60_000);
  it('a server on the copy answers as the SQLite server did, and its new ids follow the old ones', async () => {
    const h = await startHarness({ dataDir, databaseUrl: target });
    try {
      const after = await answers(h.admin);
      // the harness made one more credential on each start: not among these answers
      expect(after).toEqual(before);
      expect(
        (after.devices as Array<{ device_id: string; parent_device_id: string | null }>).find(
          (d) => d.device_id === 'cam-9',
        )!.parent_device_id,
      ).toBe('nvr-1');
      // the migrated operator signs in with the password set on SQLite
      const { ApiClient } = await import('@pantau/shared');
      const op = new ApiClient({ baseUrl: h.server.url });
      await op.login({ email: 'op@test.local', password: 'operator-pass' });
      // a console resuming from the last event id it had on SQLite misses nothing
      const ws = new WsRecorder(h.server.url);
      await ws.opened;
      ws.send({ type: 'auth', token: h.admin.token!, since: lastEventId });
      await waitFor(() => ws.frames.find((f) => f.type === 'resumed'), 5000, 'resumed');
      await h.device.logDetection({ re_id: 'p-new', branch_id: branchId, device_id: 'cam-1', detected_count: 1 });
      await waitFor(() => ws.events().some((e) => e.type === 'detection_update'), 10_000, 'the new event');
      const ev = ws.events().find((e) => e.type === 'detection_update')!;
      expect(ev.id).toBeGreaterThan(lastEventId);
      expect(ws.frames.some((f) => f.type === 'resync_required')).toBe(false);
      ws.close();
    } finally {
      await h.stop();
    }
  }, 60_000);
});
