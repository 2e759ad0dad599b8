/**
 * Snapshot pipeline throughput (issue 5, S5): detections posted as multipart with a JPEG go
 * through ingestion (content check, original stored with fsync, job committed → 202), the
 * detection job (person, detection, event, image job enqueued) and the image job (sharp:
 * resize ≤ 1920×1080, stamp, 320×240 thumbnail, q85, two atomic writes, rows + snapshot_ready).
 *
 * Per picture size: COUNT detections over CONNECTIONS concurrent posters. Measured:
 *  - 202s per second and their latency (p50/p99 ms);
 *  - detection jobs per second: first POST → the last `detection_update` on a WebSocket;
 *  - full pipeline per second: first POST → the last `snapshot_ready` on a WebSocket.
 * Usage: node bench/pipeline-images.mjs [--count 300] [--connections 8]
 * (images queue concurrency: PANTAU_QUEUE_IMAGES_CONCURRENCY, default 2)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { WebSocket } from 'ws';
import { percentile, seed, startServer } from './lib.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const COUNT = arg('count', 300);
const CONNECTIONS = arg('connections', 8);
const SIZES = [
  [640, 480],
  [1920, 1080],
  [2560, 1440],
];

/** A photo-like JPEG (noise + shapes compress like a camera frame, not like a flat colour). */
async function picture(width, height) {
  const noise = await sharp({
    create: { width, height, channels: 3, noise: { type: 'gaussian', mean: 110, sigma: 30 } },
  })
    .png()
    .toBuffer();
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><circle cx="${width / 2}" cy="${height / 2}" r="${height / 3}" fill="#c84" fill-opacity="0.7"/><rect x="${width / 8}" y="${height / 5}" width="${width / 6}" height="${height / 2}" fill="#3a6"/></svg>`;
  return sharp(noise)
    .composite([{ input: Buffer.from(svg) }])
    .jpeg({ quality: 85 })
    .toBuffer();
}

const srv = await startServer();
const results = [];
try {
  const { admin, branches, credential } = await seed(srv.url);
  const ws = new WebSocket(srv.url.replace('http', 'ws') + '/ws');
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ type: 'auth', token: admin.token }));
  const seen = { detection_update: 0, snapshot_ready: 0, lastDetection: 0, lastSnapshot: 0 };
  ws.on('message', (d) => {
    const m = JSON.parse(String(d));
    if (m.type === 'detection_update') {
      seen.detection_update++;
      seen.lastDetection = performance.now();
    } else if (m.type === 'snapshot_ready') {
      seen.snapshot_ready++;
      seen.lastSnapshot = performance.now();
    }
  });
  await new Promise((r) => setTimeout(r, 300));
  const headers = { 'x-api-key': credential.api_key, 'x-api-secret': credential.api_secret };
  let seq = 0;

  for (const [width, height] of SIZES) {
    const jpeg = await picture(width, height);
    const base = { ...seen };
    const latencies = [];
    let accepted = 0;
    let refused = 0;
    const load0 = os.loadavg()[0];
    const t0 = performance.now();
    let next = 0;
    const poster = async () => {
      while (next < COUNT) {
        next++;
        const i = seq++;
        const b = branches[i % 2];
        const form = new FormData();
        form.append('re_id', `p-${i % 500}`);
        form.append('branch_id', String(b.id));
        form.append('device_id', `bench-cam-${(i % 2) + 1}`);
        form.append('detected_count', '1');
        form.append('event_id', `img-${i}`);
        form.append('snapshot', new Blob([jpeg], { type: 'image/jpeg' }), 'frame.jpg');
        const s = performance.now();
        const res = await fetch(`${srv.url}/api/v1/detection/log`, { method: 'POST', headers, body: form });
        await res.arrayBuffer();
        latencies.push(performance.now() - s);
        if (res.status === 202) accepted++;
        else refused++;
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS }, poster));
    const ingestS = (performance.now() - t0) / 1000;
    while (seen.snapshot_ready - base.snapshot_ready < accepted) {
      await new Promise((r) => setTimeout(r, 20));
      if (performance.now() - t0 > 600_000) throw new Error('pipeline did not drain');
    }
    const r = {
      picture: `${width}x${height}`,
      jpeg_bytes: jpeg.length,
      posted: COUNT,
      accepted,
      refused,
      ingest_per_s: Math.round(accepted / ingestS),
      ingest_p50_ms: Math.round(percentile(latencies, 50) * 10) / 10,
      ingest_p99_ms: Math.round(percentile(latencies, 99) * 10) / 10,
      detection_jobs_per_s: Math.round((accepted / ((seen.lastDetection - t0) / 1000)) * 10) / 10,
      pipeline_per_s: Math.round((accepted / ((seen.lastSnapshot - t0) / 1000)) * 10) / 10,
      pipeline_s: Math.round((seen.lastSnapshot - t0) / 100) / 10,
      load_avg_1m_before: Math.round(load0 * 10) / 10,
      load_avg_1m_after: Math.round(os.loadavg()[0] * 10) / 10,
    };
    results.push(r);
    console.log(JSON.stringify(r));
  }
  ws.close();
} finally {
  await srv.stop();
}

const out = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.cpus().length,
  connections: CONNECTIONS,
  images_concurrency: Number(process.env.PANTAU_QUEUE_IMAGES_CONCURRENCY ?? 2),
  results,
};
const file = path.join(import.meta.dirname, 'results', `pipeline-images-${out.date.slice(0, 10)}.json`);
fs.writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
console.log(`saved ${file}`);
