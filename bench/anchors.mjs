/**
 * The anchors of the benchmarks: what this machine can do at all, measured in the same run as
 * the figure beside it. Its speed drifts from run to run (±15 % and more, MACHINE.md), so a figure
 * means something only as a ratio of its anchor, and that ratio is what results record.
 *
 * - `fastifyPost`: the HTTP ceiling. A bare Fastify 5 POST route (JSON body in, small JSON out,
 *   no hooks, no validation) in its own process, under the same autocannon load.
 * - `sqliteCommits`: the commit ceiling. Single-row INSERT commits in better-sqlite3, WAL,
 *   synchronous=NORMAL (the server's settings), in a temporary file.
 * - `wsBroadcast`: the fan-out floor. A bare Fastify POST route that sends each body to one
 *   WebSocket client (`ws`) at once; post → message latency at a given rate, in its own process.
 *
 * As a script: `node bench/anchors.mjs [--duration 10] [--connections 16]` prints all three.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import SQLite from 'better-sqlite3';
import { WebSocket } from 'ws';

/** The bare servers, run as a child process (as the real server is). `MODE=ws` adds the broadcast. */
const SERVER = `
import Fastify from 'fastify';
import { WebSocketServer } from 'ws';
const app = Fastify({ logger: false });
const wss = new WebSocketServer({ noServer: true });
app.server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws)));
app.post('/anchor', async (req, reply) => {
  if (process.env.MODE === 'ws') {
    const frame = JSON.stringify({ type: 'detection_update', data: req.body });
    for (const c of wss.clients) c.send(frame);
  }
  return reply.code(202).send({ success: true, data: { status: 'processing', job_id: 1 } });
});
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(JSON.stringify({ port: app.server.address().port }) + '\\n');
`;

async function bareServer(mode) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', SERVER], {
    cwd: import.meta.dirname,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, MODE: mode },
  });
  const port = await new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(JSON.parse(String(d)).port));
    child.once('exit', (c) => reject(new Error(`anchor server exited ${c}`)));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

/**
 * The HTTP ceiling: autocannon against a bare Fastify POST route.
 * @param {{ duration?: number, connections?: number, body?: string }} opts seconds, connections, the
 *   JSON body to post (default one detection; the batch bench posts its batch)
 * @returns {Promise<{ per_s: number, p50: number, p99: number, max: number }>} 2xx/s and latency, ms
 */
export async function fastifyPost({ duration = 10, connections = 16, body: given } = {}) {
  const srv = await bareServer('http');
  try {
    const body =
      given ??
      JSON.stringify({
        re_id: 'p-1',
        branch_id: 1,
        device_id: 'bench-cam-1',
        detected_count: 1,
        event_id: 'e-1',
      });
    const r = await autocannon({
      url: `${srv.url}/anchor`,
      connections,
      duration,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    return { per_s: Math.round(r['2xx'] / duration), p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max };
  } finally {
    srv.stop();
  }
}

/**
 * The commit ceiling: `n` single-row INSERT commits, WAL, synchronous=NORMAL.
 * @returns {{ per_s: number, us_per_commit: number }}
 */
export function sqliteCommits({ n = 20_000 } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pantau-anchor-'));
  const db = new SQLite(path.join(dir, 'anchor.sqlite'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)');
    const ins = db.prepare('INSERT INTO t (payload) VALUES (?)');
    const one = db.transaction((p) => ins.run(p));
    const payload = JSON.stringify({ re_id: 'p-1', branch_id: 1, device_id: 'bench-cam-1', detected_count: 1 });
    const t0 = performance.now();
    for (let i = 0; i < n; i++) one(payload);
    const s = (performance.now() - t0) / 1000;
    return { per_s: Math.round(n / s), us_per_commit: Number(((s * 1e6) / n).toFixed(1)) };
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The fan-out floor: POST at `rate` per second for `seconds`, each body sent on at once to one
 * WebSocket client; post → message latency.
 * @returns {Promise<{ rate: number, samples: number, p50_ms: number, p99_ms: number, max_ms: number }>}
 */
export async function wsBroadcast({ rate = 2000, seconds = 5 } = {}) {
  const srv = await bareServer('ws');
  const ws = new WebSocket(srv.url.replace('http', 'ws') + '/ws');
  await new Promise((r) => ws.once('open', r));
  try {
    const lat = await openLoop({
      rate,
      seconds,
      url: `${srv.url}/anchor`,
      body: (id) => JSON.stringify({ re_id: id }),
      arrivals: (onArrive) => ws.on('message', (d) => onArrive(JSON.parse(String(d)).data.re_id)),
    });
    return { rate, ...lat };
  } finally {
    ws.close();
    srv.stop();
  }
}

/**
 * Post `rate` requests a second for `seconds` (autocannon's `overallRate` over 16 connections:
 * the generator must not be what limits the rate), and time each id from the moment its request
 * is written to the moment it arrives on the socket.
 * @param {{ rate: number, seconds: number, url: string, headers?: Record<string, string>, body: (id: string) => string, arrivals: (onArrive: (id: string) => void) => void, prefix?: string, connections?: number }} o
 * @returns {Promise<{ samples: number, lost: number, p50_ms: number, p99_ms: number, max_ms: number, answer_p50_ms: number, answer_p99_ms: number, non_2xx: number, sent_per_s: number }>}
 */
export async function openLoop({ rate, seconds, url, headers = {}, body, arrivals, prefix = 'lat', connections = 16 }) {
  const sent = new Map();
  const lat = [];
  arrivals((id) => {
    const t = sent.get(id);
    if (t !== undefined) {
      lat.push(performance.now() - t);
      sent.delete(id);
    }
  });
  let i = 0;
  const t0 = performance.now();
  const r = await autocannon({
    url,
    connections,
    overallRate: rate,
    amount: rate * seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        setupRequest: (req) => {
          const id = `${prefix}-${i++}`;
          sent.set(id, performance.now());
          req.body = body(id);
          return req;
        },
      },
    ],
  });
  const sentPerS = (rate * seconds) / ((performance.now() - t0) / 1000);
  const end = performance.now() + 3000;
  while (sent.size > 0 && performance.now() < end) await new Promise((res) => setTimeout(res, 20));
  return {
    samples: lat.length,
    lost: sent.size,
    p50_ms: round(percentile(lat, 50)),
    p99_ms: round(percentile(lat, 99)),
    max_ms: round(Math.max(...lat)),
    answer_p50_ms: r.latency.p50,
    answer_p99_ms: r.latency.p99,
    non_2xx: r.non2xx + r.errors,
    sent_per_s: Math.round(sentPerS),
  };
}

const round = (x) => (Number.isFinite(x) ? Number(x.toFixed(1)) : null);

/** Percentile (0–100) of a numeric array. */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, def) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : def;
  };
  const duration = arg('duration', 10);
  const connections = arg('connections', 16);
  console.log(
    JSON.stringify(
      {
        fastify_post: await fastifyPost({ duration, connections }),
        sqlite_commits: sqliteCommits(),
        ws_broadcast_2000: await wsBroadcast({ rate: 2000, seconds: 5 }),
      },
      null,
      2,
    ),
  );
}
