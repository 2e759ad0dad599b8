/**
 * A/B: measure a change on the detection path against the commit before it, alternating
 * A B A B on the same machine, each run beside the bare Fastify anchor (bench/anchors.mjs, run by
 * ingest.mjs just before its server) so drift between runs shows as drift of the anchor, not as a
 * difference between A and B.
 *
 * Usage: node bench/ab.mjs --a <checkout A> --b <checkout B> [--rounds 6] [--duration 10] [--connections 16]
 * Each checkout must be built (`npm run build`) and have node_modules. Runs this checkout's
 * `bench/ingest.mjs` against each checkout's server (`--checkout`: one load generator for both)
 * and prints one JSON line per run (stderr) and a summary (stdout): 202/s, p99, pipeline/s and
 * post → WebSocket p99, and 202/s as a ratio of the anchor (medians over the rounds); B ÷ A is
 * the median over rounds of each round's B ratio ÷ A ratio (and of raw 202/s, for reference).
 * `npm run bench -- --compare REF` (bench/compare.mjs) builds REF in a worktree and runs this.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

/** One ingest run of a checkout's server; its JSON. */
function ingest(dir, duration, connections) {
  const r = spawnSync(
    process.execPath,
    [
      path.join(import.meta.dirname, 'ingest.mjs'),
      '--duration',
      String(duration),
      '--connections',
      String(connections),
      '--checkout',
      dir,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 },
  );
  if (r.status !== 0) throw new Error(`ingest against ${dir} exited ${r.status}`);
  return JSON.parse(r.stdout);
}

/** The median (one run disturbed by something else on the machine must not move the result). */
const median = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};

/**
 * Run A and B alternately.
 * @param {{ a: string, b: string, rounds?: number, duration?: number, connections?: number, log?: (row: object) => void }} o
 *   the two built checkouts; rounds (default 6), seconds per run (default 10), connections (default 16)
 * @returns {{ a, b, rounds, duration_s, connections, summary: { A, B, b_over_a_ratio }, runs }}
 */
export function runAB(o) {
  const rounds = o.rounds ?? 6;
  const duration = o.duration ?? 10;
  const connections = o.connections ?? 16;
  const runs = [];
  for (let round = 1; round <= rounds; round++) {
    for (const [label, dir] of [
      ['A', o.a],
      ['B', o.b],
    ]) {
      const r = ingest(dir, duration, connections);
      const row = {
        round,
        label,
        accepted_per_s: r.ingest.accepted_per_s,
        p99_ms: r.ingest.latency_ms.p99,
        pipeline_per_s: r.pipeline.per_s,
        ws_p99_ms: r.post_to_ws_event_at_500_per_s.p99_ms,
        anchor_per_s: r.anchor_fastify_post.per_s,
        ratio: Number((r.ingest.accepted_per_s / r.anchor_fastify_post.per_s).toFixed(3)),
        idle_rss_mib: r.idle_rss_mib,
        kept_bytes_per_detection: r.storage.kept_bytes_per_detection ?? null,
      };
      runs.push(row);
      o.log?.(row);
    }
  }
  const summary = {};
  for (const label of ['A', 'B']) {
    const rs = runs.filter((r) => r.label === label);
    summary[label] = {
      accepted_per_s: Math.round(median(rs.map((r) => r.accepted_per_s))),
      ratio: Number(median(rs.map((r) => r.ratio)).toFixed(3)),
      p99_ms: Number(median(rs.map((r) => r.p99_ms)).toFixed(1)),
      pipeline_per_s: Math.round(median(rs.map((r) => r.pipeline_per_s))),
      ws_p99_ms: Number(median(rs.map((r) => r.ws_p99_ms)).toFixed(1)),
      anchor_per_s: Math.round(median(rs.map((r) => r.anchor_per_s))),
    };
  }
  // paired by round (A and B ran back to back), then the median: a round the machine slowed for
  // moves both halves of its pair, not one side of the comparison
  const pairs = (f) =>
    Array.from({ length: rounds }, (_, i) => {
      const a = runs.find((r) => r.round === i + 1 && r.label === 'A');
      const b = runs.find((r) => r.round === i + 1 && r.label === 'B');
      return f(b) / f(a);
    });
  summary.b_over_a_ratio = Number(median(pairs((r) => r.ratio)).toFixed(3));
  summary.b_over_a_raw = Number(median(pairs((r) => r.accepted_per_s)).toFixed(3));
  return { a: o.a, b: o.b, rounds, duration_s: duration, connections, summary, runs };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, def) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : def;
  };
  const out = runAB({
    a: path.resolve(arg('a')),
    b: path.resolve(arg('b')),
    rounds: Number(arg('rounds', 4)),
    duration: Number(arg('duration', 10)),
    connections: Number(arg('connections', 16)),
    log: (row) => console.error(JSON.stringify(row)),
  });
  console.log(JSON.stringify(out, null, 2));
}
