/**
 * Queue drain (DESIGN §7: ≥ 0.5 of bare single-row SQLite commits, flat ±15 % from 10k to 1M
 * pending): for each backlog size, a server's database is filled with that many pending
 * detection jobs (as a store-and-forward replay after a WAN outage leaves it), the server is
 * started, and the detections it applies per second are measured over a window (the first
 * WINDOW seconds, or the whole backlog when it drains sooner), beside the commit ceiling
 * (bench/anchors.mjs `sqliteCommits`) measured in the same run.
 *
 * Usage: node bench/queue-drain.mjs [--sizes 10000,50000,200000,1000000] [--window 10] [--checkout DIR]
 * (`--checkout`: another built checkout's server, for A/B)
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sqliteCommits } from './anchors.mjs';
import { seed, startServer } from './lib.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const SIZES = String(arg('sizes', '10000,50000,200000,1000000')).split(',').map(Number);
const WINDOW_S = Number(arg('window', 10));
const CHECKOUT = arg('checkout') ? path.resolve(arg('checkout')) : undefined;

/** Fill `n` pending detection jobs straight into the database (the server is stopped). */
function fill(dataDir, n, branches) {
  const db = new SQLite(path.join(dataDir, 'pantau.sqlite'));
  db.pragma('journal_mode = WAL');
  const cols = db
    .prepare(`SELECT name FROM pragma_table_info('jobs')`)
    .all()
    .map((c) => c.name);
  const ins = db.prepare(
    `INSERT INTO jobs (queue, type, payload, priority, status, max_attempts, run_at) VALUES ('detections', 'detection.process', ?, 2, 'pending', 4, 0)`,
  );
  const now = new Date().toISOString();
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const b = branches[i % 2];
      ins.run(
        JSON.stringify({
          re_id: `p-${i % 5000}`,
          branch_id: b.id,
          device_id: `bench-cam-${(i % 2) + 1}`,
          detected_count: 1,
          detection_timestamp: now,
          detection_data: null,
          event_id: `replay-${i}`,
          received_at: now,
        }),
      );
    }
  })();
  db.close();
  return cols;
}

const results = [];
for (const n of SIZES) {
  // the commit ceiling before and after the window (it drifts within a minute): their mean
  const before = sqliteCommits({ n: 50_000 });
  // a server with the demo organisation, stopped, then the backlog, then the server again
  const first = await startServer({ checkout: CHECKOUT });
  const { branches } = await seed(first.url);
  await first.stop();
  fill(first.dataDir, n, branches);
  const t0 = performance.now();
  const srv = await startServer({ dataDir: first.dataDir, checkout: CHECKOUT });
  const started = (performance.now() - t0) / 1000;
  const pending = async () => {
    const h = await (await fetch(`${srv.url}/health`)).json();
    return h.data.queue.pending + h.data.queue.running;
  };
  try {
    const from = await pending();
    const w0 = performance.now();
    let left = from;
    while (performance.now() - w0 < WINDOW_S * 1000 && left > 0) {
      await new Promise((r) => setTimeout(r, 250));
      left = await pending();
    }
    const s = (performance.now() - w0) / 1000;
    const per_s = Math.round((from - left) / s);
    const after = sqliteCommits({ n: 50_000 });
    const anchor = { per_s: Math.round((before.per_s + after.per_s) / 2) };
    const row = {
      pending: n,
      start_s: Number(started.toFixed(2)),
      drained: from - left,
      seconds: Number(s.toFixed(2)),
      per_s,
      anchor_commits_per_s: anchor.per_s,
      ratio: Number((per_s / anchor.per_s).toFixed(3)),
    };
    results.push(row);
    console.error(JSON.stringify(row));
  } finally {
    await srv.stop();
    fs.rmSync(first.dataDir, { recursive: true, force: true });
  }
}
const rates = results.map((r) => r.ratio);
console.log(
  JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: '2 cores, Node ' + process.version,
      window_s: WINDOW_S,
      results,
      flatness: Number((Math.min(...rates) / Math.max(...rates)).toFixed(3)),
    },
    null,
    2,
  ),
);
