/**
 * Store and forward: `POST /api/v1/detection/batch` in batches of `--size` (default 100) distinct
 * detections (each with its event_id and an original time up to a day old, as an edge box
 * replaying its buffer after a WAN outage sends them) for `--duration` s over `--connections`
 * connections: detections accepted per second and request latency (target ≥ 20 000/s in batches
 * of 100), then how long the pipeline takes to apply the backlog. Beside the bare Fastify POST
 * anchor, run first under the same load with the same bodies.
 * Usage: node bench/batch.mjs [--duration 10] [--connections 8] [--size 100] [--checkout DIR]
 */
import path from 'node:path';
import { fastifyPost } from './anchors.mjs';
import { postLoad, seed, startServer } from './lib.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const DURATION = arg('duration', 10);
const CONNECTIONS = arg('connections', 8);
const SIZE = arg('size', 100);
const checkoutAt = process.argv.indexOf('--checkout');
const CHECKOUT = checkoutAt > 0 ? path.resolve(process.argv[checkoutAt + 1]) : undefined;

/** A batch body: SIZE detections from one camera, times spread over the last day. */
function batchBody(branches, n) {
  const now = Date.now();
  const detections = [];
  for (let k = 0; k < SIZE; k++) {
    const i = n * SIZE + k;
    detections.push({
      re_id: `p-${i % 5000}`,
      branch_id: branches[n % 2].id,
      device_id: `bench-cam-${(n % 2) + 1}`,
      detected_count: 1 + (i % 3),
      detection_timestamp: new Date(now - 86_400_000 + ((i * 997) % 86_400_000)).toISOString(),
      event_id: `b-${i}`,
    });
  }
  return JSON.stringify({ detections });
}

const anchor = await fastifyPost({
  duration: DURATION,
  connections: CONNECTIONS,
  body: batchBody([{ id: 1 }, { id: 2 }], 0),
});
const srv = await startServer({ checkout: CHECKOUT });
let out;
try {
  const { admin, branches, credential } = await seed(srv.url);
  const result = await postLoad({
    url: `${srv.url}/api/v1/detection/batch`,
    credential,
    connections: CONNECTIONS,
    duration: DURATION,
    body: (n) => batchBody(branches, n),
  });
  const accepted = result['2xx'] * SIZE;
  // the backlog the replay left: until the queue is empty
  const t0 = performance.now();
  for (;;) {
    const h = await admin.health();
    if (h.queue.pending === 0 && h.queue.running === 0) break;
    if (performance.now() - t0 > 600_000) throw new Error('pipeline did not drain');
    await new Promise((r) => setTimeout(r, 200));
  }
  const drainS = (performance.now() - t0) / 1000;
  out = {
    date: new Date().toISOString(),
    machine: '2 cores, Node ' + process.version,
    anchor_fastify_post: anchor,
    batch: {
      size: SIZE,
      duration_s: DURATION,
      connections: CONNECTIONS,
      requests_per_s: Math.round(result['2xx'] / DURATION),
      detections_per_s: Math.round(accepted / DURATION),
      requests_ratio_to_anchor: Number((result['2xx'] / DURATION / anchor.per_s).toFixed(3)),
      non_2xx: result.non2xx,
      latency_ms: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    },
    backlog_after_load: { detections: accepted, drain_s_after_load: Number(drainS.toFixed(1)) },
  };
} finally {
  await srv.stop();
}
console.log(JSON.stringify(out, null, 2));
