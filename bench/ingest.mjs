/**
 * Detection ingestion and the full pipeline (DESIGN §7):
 *  1. 202 throughput and latency: autocannon posts distinct detections (unique event_id)
 *     for DURATION seconds with CONNECTIONS connections; target ≥ 5 000/s, p99 ≤ 10 ms.
 *  2. Full pipeline: from the first POST until the queue has drained and every event has
 *     reached a WebSocket client; target ≥ 3 000 detections/s.
 *  3. Posted → event on a WebSocket client at 500 detections/s (server side of the
 *     renderer target): p50/p99 in ms.
 * Usage: node bench/ingest.mjs [--duration 10] [--connections 32]
 */
import autocannon from 'autocannon';
import { WebSocket } from 'ws';
import { percentile, seed, startServer } from './lib.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const DURATION = arg('duration', 10);
const CONNECTIONS = arg('connections', 32);

const srv = await startServer();
try {
  const { admin, branches, credential } = await seed(srv.url);
  const ws = new WebSocket(srv.url.replace('http', 'ws') + '/ws');
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ type: 'auth', token: admin.token }));
  let received = 0;
  const arrivals = new Map();
  ws.on('message', (d) => {
    const m = JSON.parse(String(d));
    if (m.type === 'detection_update') {
      received++;
      if (m.data.re_id.startsWith('lat-')) arrivals.set(m.data.re_id, performance.now());
    }
  });

  // 1 + 2: saturate ingestion, then wait for the pipeline to finish.
  let seq = 0;
  const headers = { 'content-type': 'application/json', 'x-api-key': credential.api_key, 'x-api-secret': credential.api_secret };
  const t0 = performance.now();
  const result = await autocannon({
    url: `${srv.url}/api/v1/detection/log`,
    connections: CONNECTIONS,
    duration: DURATION,
    requests: [
      {
        method: 'POST',
        headers,
        setupRequest: (req) => {
          const i = seq++;
          const b = branches[i % 2];
          req.body = JSON.stringify({ re_id: `p-${i % 5000}`, branch_id: b.id, device_id: `bench-cam-${(i % 2) + 1}`, detected_count: 1 + (i % 3), event_id: `e-${i}` });
          return req;
        },
      },
    ],
  });
  const accepted = result['2xx'];
  while (received < accepted) {
    await new Promise((r) => setTimeout(r, 50));
    if (performance.now() - t0 > 600_000) throw new Error('pipeline did not drain');
  }
  const pipelineS = (performance.now() - t0) / 1000;

  // 3: posted → WebSocket event at 500/s for 5 s.
  const sent = new Map();
  const client = (await import('@pantau/shared')).ApiClient;
  const device = new client({ baseUrl: srv.url, apiKey: { key: credential.api_key, secret: credential.api_secret } });
  const lat = [];
  for (let i = 0; i < 2500; i++) {
    const due = i * 2;
    const wait = due - (performance.now() - (sent.t ?? (sent.t = performance.now())));
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const id = `lat-${i}`;
    sent.set(id, performance.now());
    void device.logDetection({ re_id: id, branch_id: branches[0].id, device_id: 'bench-cam-1', detected_count: 1 });
  }
  await new Promise((r) => setTimeout(r, 2000));
  for (const [id, t] of sent) if (typeof t === 'number' && arrivals.has(id)) lat.push(arrivals.get(id) - t);

  const out = {
    date: new Date().toISOString(),
    machine: '2 cores, Node ' + process.version,
    ingest: {
      duration_s: DURATION,
      connections: CONNECTIONS,
      accepted_per_s: Math.round(accepted / DURATION),
      non_2xx: result.non2xx,
      errors: result.errors,
      latency_ms: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    },
    pipeline: { detections: accepted, seconds: Number(pipelineS.toFixed(2)), per_s: Math.round(accepted / pipelineS) },
    post_to_ws_event_at_500_per_s: { samples: lat.length, p50_ms: Number(percentile(lat, 50).toFixed(1)), p99_ms: Number(percentile(lat, 99).toFixed(1)) },
  };
  console.log(JSON.stringify(out, null, 2));
  ws.close();
} finally {
  await srv.stop();
}
