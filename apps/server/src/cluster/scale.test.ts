/**
 * Scale mode end to end (PostgreSQL tier, HAProxy installed): PostgreSQL, three `pantau serve`
 * processes and HAProxy terminating TLS (cluster/local-cluster.ts). 20,000 detections are posted
 * through HAProxy while one process is killed with `kill -9` and started again; the device
 * resends whatever was not answered. Every acknowledged detection is counted exactly once, and
 * two consoles connected through HAProxy (the feed's WebSocket) reconnect when their process
 * dies and resume with no gap in event ids.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ApiClient, PantauError } from '@pantau/shared';
import { startLocalCluster, type LocalCluster } from './local-cluster.js';
import { testPostgresAdminUrl } from '../test-support/postgres.js';
import { waitFor } from '../test-support/harness.js';
import { PgConnection } from '../db/pg-connection.js';
import { PANTAU_BIN } from '../test-support/cli-server.js';

const ready = testPostgresAdminUrl() !== null && spawnSync('haproxy', ['-v']).status === 0;
let cluster: LocalCluster | null = null;
afterAll(async () => {
  await cluster?.stop(true);
});

/**
 * A console's feed socket through HAProxy that reconnects (every 200 ms until it can) and
 * resumes from the last id it saw, as the console's realtime client does.
 */
class ResumingFeed {
  readonly ids: number[] = [];
  reconnects = 0;
  resyncs = 0;
  private ws: WebSocket | null = null;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly ca: Buffer,
  ) {
    this.open();
  }

  /** the newest id of any event seen: a resume goes on from there */
  private last = 0;

  private open(): void {
    const since = this.last || undefined;
    const ws = new WebSocket(`${this.url.replace(/^https/, 'wss')}/ws`, { ca: this.ca });
    this.ws = ws;
    ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token: this.token, ...(since ? { since } : {}) })));
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as { id?: number; type: string };
      if (m.type === 'resync_required') this.resyncs += 1;
      if (typeof m.id !== 'number') return;
      if (m.type === 'detection_update') this.ids.push(m.id);
      this.last = m.id;
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      if (this.closed) return;
      this.reconnects += 1;
      setTimeout(() => this.open(), 200);
    });
  }

  close(): void {
    this.closed = true;
    this.ws?.close();
  }
}

describe.skipIf(!ready)('scale mode: PostgreSQL, three processes and HAProxy', () => {
  it('counts 20,000 detections exactly once across a kill -9, and consoles resume with no gap', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pantau-scale-'));
    cluster = await startLocalCluster({ dir });
    const c = cluster;
    const ca = fs.readFileSync(c.certFile);
    // the API client (axios) and ws trust HAProxy's certificate
    https.globalAgent.options.ca = ca;
    const made = spawnSync(
      process.execPath,
      [PANTAU_BIN, 'users', 'create', '--email', 'a@test.local', '--password', 'password1', '--role', 'admin'],
      { encoding: 'utf8', env: { ...process.env, PANTAU_DATA_DIR: c.dataDir, PANTAU_DATABASE_URL: c.databaseUrl } },
    );
    expect(made.status, made.stderr).toBe(0);
    const admin = new ApiClient({ baseUrl: c.url });
    await admin.login({ email: 'a@test.local', password: 'password1' });
    const health = await admin.health();
    expect(health.database.driver).toBe('postgres');
    await waitFor(async () => (await admin.health()).cluster.processes.length === 3, 10_000, 'three processes');
    const g = await admin.createGroup({ province_code: 'S', province_name: 'Scale', group_name: 'Scale' });
    const b = await admin.createBranch({ group_id: g.id, branch_code: 'S-1', branch_name: 'Scale 1', city: 'Jakarta' });
    await admin.createDevice({ device_id: 'cam-s', device_name: 'S', device_type: 'camera', branch_id: b.id });
    const cred = await admin.createCredential({ credential_name: 'scale' });
    const consoles = [new ResumingFeed(c.url, admin.token!, ca), new ResumingFeed(c.url, admin.token!, ca)];
    // the process to kill: one holding a console's feed (each process's own /health says)
    let victim = -1;
    await waitFor(
      async () => {
        for (const [i, p] of c.processes.entries()) {
          const h = (await (await fetch(`${p.url}/health`)).json()) as { data: { websocket: { clients: number } } };
          if (h.data.websocket.clients > 0) victim = i;
        }
        return victim >= 0;
      },
      10_000,
      'a console on a process',
    );

    const N = 20_000;
    const BATCH = 50;
    const acked = new Set<number>();
    const device = new ApiClient({
      baseUrl: c.url,
      apiKey: { key: cred.api_key, secret: cred.api_secret },
      timeoutMs: 5000,
    });
    const post = async (from: number): Promise<void> => {
      const items = Array.from({ length: Math.min(BATCH, N - from) }, (_, k) => ({
        event_id: `ev-${from + k}`,
        re_id: `p-${(from + k) % 500}`,
        branch_id: b.id,
        device_id: 'cam-s',
        detected_count: 1 + ((from + k) % 3),
      }));
      const r = await device.logDetectionBatch({ detections: items });
      r.results.forEach((x, k) => {
        if (x.status === 'accepted' || x.status === 'duplicate') acked.add(from + k);
      });
    };
    // eight lanes; kill -9 one process once a quarter is acknowledged, start it again 2 s later
    let next = 0;
    let killedAt = 0;
    const lane = async () => {
      while (next < N) {
        const from = next;
        next += BATCH;
        await post(from).catch((err: unknown) => {
          // a batch cut by the kill is resent below; nothing else is expected
          if (!(err instanceof PantauError)) throw err;
        });
        if (!killedAt && acked.size >= N / 4) {
          killedAt = Date.now();
          void c.kill(victim).then(() => setTimeout(() => void c.restart(victim), 2000));
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, lane));
    expect(killedAt).toBeGreaterThan(0);
    // the device resends what was not answered (and some that was: duplicates change nothing)
    await waitFor(async () => c.processes[victim]!.child !== null, 30_000, 'the killed process back');
    for (let round = 0; acked.size < N && round < 20; round++)
      for (let from = 0; from < N; from += BATCH) {
        const missing = Array.from({ length: Math.min(BATCH, N - from) }, (_, k) => from + k).some(
          (i) => !acked.has(i),
        );
        if (missing || from === 0) await post(from).catch(() => undefined);
      }
    expect(acked.size).toBe(N);
    await waitFor(
      async () => {
        const h = await admin.health();
        return h.queue.pending === 0 && h.queue.running === 0;
      },
      90_000,
      'queues drained',
    );

    const db = new PgConnection(c.databaseUrl, 'scale-test-reader');
    const one = (sql: string) => Number((db.prepare(sql).get() as { n: number }).n);
    expect(one(`SELECT COUNT(*) AS n FROM failed_jobs`)).toBe(0);
    expect(one(`SELECT COUNT(*) AS n FROM event_logs`)).toBe(N);
    expect(one(`SELECT COUNT(*) AS n FROM re_id_branch_detections`)).toBe(N);
    expect(one(`SELECT SUM(total_actual_count) AS n FROM re_id_masters`)).toBe(
      Array.from({ length: N }, (_, i) => 1 + (i % 3)).reduce((a, x) => a + x, 0),
    );
    const outbox = (
      db.prepare(`SELECT id FROM realtime_outbox WHERE type = 'detection_update' ORDER BY id`).all() as Array<{
        id: number;
      }>
    ).map((r) => r.id);
    db.close();
    expect(outbox.length).toBe(N);
    // the consoles: every detection event, in order, once, across their reconnects
    await waitFor(() => consoles.every((f) => f.ids.length >= N), 30_000, 'consoles caught up').catch((err: Error) => {
      const got = consoles.map((f) => `${f.ids.length} events, ${f.reconnects} reconnects, ${f.resyncs} resyncs`);
      throw new Error(`${err.message}: ${got.join('; ')}`);
    });
    for (const f of consoles) {
      expect(f.resyncs).toBe(0);
      expect(f.ids).toEqual(outbox);
    }
    // a console was on the killed process and came back through HAProxy
    expect(consoles.some((f) => f.reconnects > 0)).toBe(true);
    for (const f of consoles) f.close();
  }, 240_000);
});
