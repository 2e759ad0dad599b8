/**
 * Scale mode (issue 17): ingestion and the pipeline through HAProxy (TLS terminated there) with
 * 1, 2 and 3 server processes on one PostgreSQL, beside PostgreSQL's own commit ceiling
 * measured with pgbench in the same run, and the bare Fastify route as the usual anchor.
 *
 * For each process count: a fresh cluster (apps/server/src/cluster/local-cluster.ts, PostgreSQL
 * with its durable defaults), autocannon posting distinct detections through HAProxy for
 * DURATION seconds over CONNECTIONS connections (the 202 rate and latency), then the time until
 * every accepted detection's `detection_update` reached a WebSocket client connected through
 * HAProxy (the pipeline). pgbench: `-N` (the simple-update script without the branch and teller
 * updates: one small write transaction) with 8 clients for 10 s, on the cluster's server.
 *
 * Usage: node bench/scale.mjs [--duration 10] [--connections 16] [--processes 1,2,3]
 * Needs the built server, PostgreSQL and HAProxy (bash scripts/setup.sh --postgres).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { ApiClient } from '@pantau/shared';
import { fastifyPost } from './anchors.mjs';
import { benchDetection, postLoad, seed } from './lib.mjs';

const root = path.resolve(import.meta.dirname, '..');
const { startLocalCluster } = await import(path.join(root, 'apps/server/dist/cluster/local-cluster.js'));
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const DURATION = Number(arg('duration', 10));
const CONNECTIONS = Number(arg('connections', 16));
const COUNTS = String(arg('processes', '1,2,3')).split(',').map(Number);
const BIN = path.join(root, 'apps/server/bin/pantau.js');

/** pgbench's commits per second on the cluster's server (its own database, initialised here). */
function pgbench(pg) {
  const env = { ...process.env, PGHOST: '127.0.0.1', PGPORT: String(pg.port), PGUSER: 'postgres' };
  const run = (args) => spawnSync(path.join(pg.bin, 'pgbench'), args, { encoding: 'utf8', env });
  spawnSync(path.join(pg.bin, 'createdb'), ['bench'], { env });
  const init = run(['-i', '-q', '-s', '4', 'bench']);
  if (init.status !== 0) throw new Error(init.stderr);
  const r = run(['-N', '-c', '8', '-j', '2', '-T', '10', 'bench']);
  const tps = /tps = ([\d.]+)/.exec(r.stdout);
  const lat = /latency average = ([\d.]+) ms/.exec(r.stdout);
  return {
    script: 'simple update (-N), 8 clients, 10 s',
    commits_per_s: Math.round(Number(tps?.[1])),
    latency_avg_ms: Number(lat?.[1]),
  };
}

const anchor = await fastifyPost({ duration: DURATION, connections: CONNECTIONS });
const runs = [];
let ceiling = null;
for (const n of COUNTS) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pantau-scale-bench-'));
  const cluster = await startLocalCluster({ dir, roles: Array.from({ length: n }, () => 'all'), durable: true });
  try {
    ceiling ??= pgbench(cluster.pg);
    const ca = fs.readFileSync(cluster.certFile);
    https.globalAgent.options.ca = ca;
    const made = spawnSync(
      process.execPath,
      [BIN, 'users', 'create', '--email', 'bench@pantau.local', '--password', 'bench-password', '--role', 'admin'],
      {
        encoding: 'utf8',
        env: { ...process.env, PANTAU_DATA_DIR: cluster.dataDir, PANTAU_DATABASE_URL: cluster.databaseUrl },
      },
    );
    if (made.status !== 0) throw new Error(made.stderr);
    const { admin, branches, credential } = await seed(cluster.url);
    const ws = new WebSocket(`${cluster.url.replace('https', 'wss')}/ws`, { ca });
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'auth', token: admin.token }));
    let received = 0;
    ws.on('message', (d) => {
      if (JSON.parse(String(d)).type === 'detection_update') received++;
    });
    await new Promise((r) => setTimeout(r, 500));
    const t0 = performance.now();
    // autocannon over TLS to HAProxy (it does not check the certificate: loopback, our own)
    const result = await postLoad({
      url: `${cluster.url}/api/v1/detection/log`,
      credential,
      connections: CONNECTIONS,
      duration: DURATION,
      body: (i) => JSON.stringify(benchDetection(branches, i)),
    });
    const accepted = result['2xx'];
    while (received < accepted) {
      await new Promise((r) => setTimeout(r, 50));
      if (performance.now() - t0 > 600_000) throw new Error('pipeline did not drain');
    }
    const pipelineS = (performance.now() - t0) / 1000;
    ws.close();
    const health = await new ApiClient({ baseUrl: cluster.url, token: admin.token }).health();
    runs.push({
      processes: n,
      ingest: {
        accepted_per_s: Math.round(accepted / DURATION),
        ratio_to_anchor: Number((accepted / DURATION / anchor.per_s).toFixed(3)),
        ratio_to_pg_commits: Number((accepted / DURATION / ceiling.commits_per_s).toFixed(3)),
        non_2xx: result.non2xx,
        errors: result.errors,
        latency_ms: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
      },
      pipeline: {
        detections: accepted,
        seconds: Number(pipelineS.toFixed(2)),
        per_s: Math.round(accepted / pipelineS),
      },
      members: health.cluster.processes.length,
    });
    console.error(JSON.stringify(runs.at(-1)));
  } finally {
    await cluster.stop(true);
  }
}
const out = {
  date: new Date().toISOString(),
  machine: `${os.cpus().length} cores, Node ${process.version}, PostgreSQL, HAProxy (TLS), all on one machine`,
  duration_s: DURATION,
  connections: CONNECTIONS,
  anchor_fastify_post: anchor,
  anchor_pgbench: ceiling,
  runs,
};
console.log(JSON.stringify(out, null, 2));
