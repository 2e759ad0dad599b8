/**
 * Where the detection path spends its time: the built server under `--cpu-prof` (one profile
 * per thread: the HTTP thread and the detection thread), autocannon posting distinct detections
 * for `--duration` s over `--connections` connections, then a summary of each thread's self time
 * by kind: idle, SQLite (better-sqlite3's native calls), GC, Fastify, zod, pino, ws, Node's
 * internals, and Pantau's own code by module; plus the top functions.
 * Usage: node bench/profile.mjs [--duration 10] [--connections 16] [--top 25]
 * Prints JSON; the profiles stay in the printed `dir` for Chrome DevTools.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchDetection, postLoad, seed, startServer } from './lib.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const DURATION = arg('duration', 10);
const CONNECTIONS = arg('connections', 16);
const TOP = arg('top', 25);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pantau-profile-'));
const srv = await startServer({ execArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
let load;
try {
  const { branches, credential } = await seed(srv.url);
  const r = await postLoad({
    url: `${srv.url}/api/v1/detection/log`,
    credential,
    connections: CONNECTIONS,
    duration: DURATION,
    body: (i) => JSON.stringify(benchDetection(branches, i)),
  });
  load = { accepted_per_s: Math.round(r['2xx'] / DURATION), p99_ms: r.latency.p99 };
  await new Promise((res) => setTimeout(res, 2000)); // let the pipeline drain
} finally {
  await srv.stop();
}

const SQLITE_NATIVE = new Set(['run', 'get', 'all', 'iterate', 'exec', 'prepare', 'pragma', 'transaction']);
/** The kind a profile node's self time counts towards. */
function kindOf(cf) {
  const url = cf.url;
  if (cf.functionName === '(idle)') return 'idle';
  if (cf.functionName === '(garbage collector)') return 'gc';
  if (cf.functionName === '(program)') return 'program (V8, native)';
  if (url === '' && SQLITE_NATIVE.has(cf.functionName)) return 'sqlite (native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) {
    const pkg = nm[1];
    if (pkg === 'better-sqlite3') return 'sqlite (native)';
    if (
      pkg === 'fastify' ||
      pkg.startsWith('@fastify/') ||
      pkg === 'find-my-way' ||
      pkg === 'light-my-request' ||
      pkg === 'avvio'
    )
      return 'fastify';
    if (pkg === 'zod' || pkg === 'fastify-type-provider-zod') return 'zod';
    if (pkg.startsWith('pino') || pkg === 'sonic-boom' || pkg === 'thread-stream') return 'pino';
    if (pkg === 'ws') return 'ws';
    if (pkg === 'kysely') return 'kysely';
    return `npm:${pkg}`;
  }
  const own = /\/(apps\/server|packages\/shared)\/dist\/(.*)\.js$/.exec(url);
  if (own) return `pantau:${own[2].split('/').slice(0, -1).join('/') || own[2]}`;
  if (url.startsWith('node:') || url === '') return 'node internals';
  return 'other';
}

const threads = [];
for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.cpuprofile'))) {
  const p = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  const dt = new Map();
  for (let i = 0; i < p.samples.length; i++) dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
  let total = 0;
  const kinds = new Map();
  const fns = new Map();
  for (const n of p.nodes) {
    const t = dt.get(n.id) ?? 0;
    if (t === 0) continue;
    total += t;
    const k = kindOf(n.callFrame);
    kinds.set(k, (kinds.get(k) ?? 0) + t);
    const cf = n.callFrame;
    const where = cf.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(apps|packages)\//, '$1/');
    const fn = `${cf.functionName || '(anonymous)'} ${where}:${cf.lineNumber + 1}`;
    fns.set(fn, (fns.get(fn) ?? 0) + t);
  }
  const pct = (t) => Number(((100 * t) / total).toFixed(1));
  const sorted = (m) => Object.fromEntries([...m].sort((a, b) => b[1] - a[1]).map(([k, t]) => [k, pct(t)]));
  threads.push({
    file: f,
    seconds: Number((total / 1e6).toFixed(1)),
    self_pct_by_kind: sorted(kinds),
    top_functions_pct: Object.fromEntries(Object.entries(sorted(fns)).slice(0, TOP)),
  });
}
// the HTTP thread's profile is the one with Fastify in it
threads.sort((a, b) => (b.self_pct_by_kind.fastify ?? 0) - (a.self_pct_by_kind.fastify ?? 0));
if (threads[0]) threads[0].thread = 'http';
if (threads[1]) threads[1].thread = 'detections';
console.log(
  JSON.stringify(
    { date: new Date().toISOString(), duration_s: DURATION, connections: CONNECTIONS, load, dir, threads },
    null,
    2,
  ),
);
