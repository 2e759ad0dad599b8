/**
 * `kill -9` of the server while detections pour in: no acknowledged detection is lost and
 * none is counted twice, after a restart and the device re-sending what was not answered.
 * Runs the built CLI (`npm run build` first) as a real child process.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient, PantauError } from '@pantau/shared';
import { createCliAdmin, spawnServer } from '../test-support/cli-server.js';
import { tempDataDir, waitFor } from '../test-support/harness.js';
import { openReader, testEngine } from '../test-support/postgres.js';

const dataDir = tempDataDir();
let proc: ChildProcess | null = null;

/** The server on this test's data directory, remembered for the final kill. */
const serve = () => spawnServer(dataDir, (child) => (proc = child));

afterAll(() => {
  proc?.kill('SIGKILL');
});

describe('crash recovery', () => {
  it('loses no acknowledged detection and counts none twice across kill -9', async () => {
    const made = createCliAdmin(dataDir);
    expect(made.status, made.stderr).toBe(0);
    let { url, child } = await serve();
    const admin = new ApiClient({ baseUrl: url });
    await admin.login({ email: 'a@test.local', password: 'password1' });
    // the built server stores and applies detections in its detection thread (SQLite; on PostgreSQL
    // on its main thread): that is what is killed here
    expect((await admin.health()).worker.detection_thread).toBe(testEngine === 'sqlite');
    const g = await admin.createGroup({ province_code: 'C', province_name: 'Crash', group_name: 'Crash' });
    const b = await admin.createBranch({ group_id: g.id, branch_code: 'C-1', branch_name: 'Crash 1', city: 'Jakarta' });
    await admin.createDevice({ device_id: 'cam-c', device_name: 'C', device_type: 'camera', branch_id: b.id });
    const cred = await admin.createCredential({ credential_name: 'crash' });

    type Item = { event_id: string; re_id: string; detected_count: number };
    const items: Item[] = Array.from({ length: 3000 }, (_, i) => ({
      event_id: `ev-${i}`,
      re_id: `p-${i % 50}`,
      detected_count: 1 + (i % 3),
    }));
    const acked = new Set<string>();
    const post = (client: ApiClient, it: Item) =>
      client.logDetection({ ...it, branch_id: b.id, device_id: 'cam-c' }).then((r) => {
        acked.add(it.event_id);
        return r.status;
      });

    // Pour detections in with 16 in flight; kill -9 once 600 are acknowledged.
    let device = new ApiClient({
      baseUrl: url,
      apiKey: { key: cred.api_key, secret: cred.api_secret },
      timeoutMs: 2000,
    });
    let next = 0;
    let killed = false;
    const lane = async () => {
      while (next < items.length && !killed) {
        const it = items[next++]!;
        await post(device, it).catch((e: unknown) => {
          if (!(e instanceof PantauError && e.code === 'UNAVAILABLE')) throw e;
        });
        if (acked.size >= 600 && !killed) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, lane));
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
    const ackedBeforeCrash = acked.size;
    expect(ackedBeforeCrash).toBeGreaterThanOrEqual(600);

    ({ url, child } = await serve());
    device = new ApiClient({ baseUrl: url, apiKey: { key: cred.api_key, secret: cred.api_secret } });
    // The device re-sends everything it posted (store and forward does not know what was
    // committed when the answer was lost), then the rest.
    const statuses: number[] = [];
    for (let i = 0; i < items.length; i += 50)
      statuses.push(...(await Promise.all(items.slice(i, i + 50).map((it) => post(device, it)))));
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(ackedBeforeCrash);
    const admin2 = new ApiClient({ baseUrl: url });
    await admin2.login({ email: 'a@test.local', password: 'password1' });
    await waitFor(
      async () => {
        const h = await admin2.health();
        return h.queue.pending === 0 && h.queue.running === 0;
      },
      30_000,
      'queue drained',
    );
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));

    const db = openReader(dataDir);
    const events = (db.prepare('SELECT COUNT(*) AS n FROM event_logs').get() as { n: number }).n;
    const detections = (db.prepare('SELECT COUNT(*) AS n FROM re_id_branch_detections').get() as { n: number }).n;
    const total = (db.prepare('SELECT SUM(total_actual_count) AS n FROM re_id_masters').get() as { n: number }).n;
    const failed = (db.prepare('SELECT COUNT(*) AS n FROM failed_jobs').get() as { n: number }).n;
    const outbox = (
      db.prepare(`SELECT COUNT(*) AS n FROM realtime_outbox WHERE type = 'detection_update'`).get() as { n: number }
    ).n;
    db.close();
    expect(failed).toBe(0);
    expect(events).toBe(items.length);
    expect(detections).toBe(items.length);
    expect(outbox).toBe(items.length);
    expect(total).toBe(items.reduce((s, it) => s + it.detected_count, 0));
  }, 120_000); // two server starts, a kill -9 and a drain: tens of seconds on a loaded 2-core machine
});
