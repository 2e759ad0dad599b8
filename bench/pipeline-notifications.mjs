/**
 * Notification pipeline throughput (issue 5, S4): detections posted as JSON go through
 * ingestion (202), the detection job (which, for an enabled branch alert, creates one
 * notification_deliveries row and one `notification.whatsapp` job per number in its own
 * transaction) and the WhatsApp job (per-number rate limit, `sending` committed before the
 * call, the provider call, `sent` + message id committed with the job's removal).
 *
 * The provider is a local stand-in answering like the WhatsApp Cloud API
 * (`POST /{phone-number-id}/messages` → `{ messages: [{ id }] }`) in about 1 ms, so this
 * measures Pantau, not Meta. Numbers: NUMBERS per alert at 600 messages/minute each (the
 * highest per-number rate the settings allow); cooldown 0 so every detection alerts.
 *
 * Measured: 202s per second; detection jobs per second (first POST → last
 * `detection_update`); messages per second (first POST → last `notification_update` with
 * status `sent`), with the notifications queue at its configured concurrency
 * (PANTAU_QUEUE_NOTIFICATIONS_CONCURRENCY, default 4).
 * Usage: node bench/pipeline-notifications.mjs [--count 100] [--numbers 20]
 * Saves bench/results/pipeline-notifications-<date>.json.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { seed, startServer } from './lib.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const COUNT = arg('count', 100);
const NUMBERS = arg('numbers', 20);

let sends = 0;
const provider = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    sends++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ messaging_product: 'whatsapp', messages: [{ id: `wamid.bench-${sends}` }] }));
  });
});
await new Promise((r) => provider.listen(0, '127.0.0.1', r));
const providerUrl = `http://127.0.0.1:${provider.address().port}`;

const srv = await startServer();
let result;
try {
  const { admin, branches, credential } = await seed(srv.url);
  await admin.saveProviderSettings({
    provider: 'whatsapp_cloud',
    config: { base_url: providerUrl, phone_number_id: '1234567890', message_mode: 'text', rate_per_minute: 600 },
    secrets: { token: 'bench-token' },
  });
  const numbers = Array.from({ length: NUMBERS }, (_, i) => `+62812000${String(10000 + i)}`);
  await admin.createAlertSetting({ branch_id: branches[0].id, numbers, cooldown_seconds: 0 });

  const ws = new WebSocket(srv.url.replace('http', 'ws') + '/ws');
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ type: 'auth', token: admin.token }));
  const seen = { detections: 0, sent: 0, lastDetection: 0, lastSent: 0 };
  ws.on('message', (d) => {
    const m = JSON.parse(String(d));
    if (m.type === 'detection_update') {
      seen.detections++;
      seen.lastDetection = performance.now();
    } else if (m.type === 'notification_update' && m.data.status === 'sent') {
      seen.sent++;
      seen.lastSent = performance.now();
    }
  });
  await new Promise((r) => setTimeout(r, 300));
  const headers = {
    'content-type': 'application/json',
    'x-api-key': credential.api_key,
    'x-api-secret': credential.api_secret,
  };
  const load0 = os.loadavg()[0];
  const t0 = performance.now();
  let accepted = 0;
  const post = async (i) => {
    const res = await fetch(`${srv.url}/api/v1/detection/log`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        re_id: `bench-${i}`,
        branch_id: branches[0].id,
        device_id: 'bench-cam-1',
        detected_count: 1,
        event_id: `notif-${i}`,
      }),
    });
    if (res.status === 202) accepted++;
    await res.arrayBuffer();
  };
  for (let i = 0; i < COUNT; i += 8)
    await Promise.all(Array.from({ length: Math.min(8, COUNT - i) }, (_, k) => post(i + k)));
  const ingestS = (performance.now() - t0) / 1000;
  const expected = accepted * NUMBERS;
  const deadline = Date.now() + 300_000;
  while ((seen.sent < expected || seen.detections < accepted) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  ws.close();
  if (seen.sent < expected) throw new Error(`only ${seen.sent} of ${expected} messages sent within 300 s`);
  result = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    detections: COUNT,
    accepted,
    numbers_per_alert: NUMBERS,
    messages: expected,
    provider_requests: sends,
    ingest_per_s: Math.round(accepted / ingestS),
    detection_jobs_per_s: Math.round((accepted / ((seen.lastDetection - t0) / 1000)) * 10) / 10,
    messages_per_s: Math.round((expected / ((seen.lastSent - t0) / 1000)) * 10) / 10,
    pipeline_s: Math.round((seen.lastSent - t0) / 100) / 10,
    notifications_concurrency: Number(process.env.PANTAU_QUEUE_NOTIFICATIONS_CONCURRENCY ?? 4),
    load_avg_1m_before: Math.round(load0 * 10) / 10,
    load_avg_1m_after: Math.round(os.loadavg()[0] * 10) / 10,
  };
  console.log(JSON.stringify(result));
} finally {
  await srv.stop();
  provider.close();
}
const file = path.join(import.meta.dirname, 'results', `pipeline-notifications-${result.date.slice(0, 10)}.json`);
fs.writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
console.log(`saved ${file}`);
