/**
 * The cost of checking an API key (S7, issue 4):
 *  1. in process: `verify` + permission + hourly count, per call (µs), cached and uncached;
 *  2. over HTTP: requests/s and latency of `POST /api/v1/devices/heartbeat` (key-checked)
 *     against `GET /health` (no key), both tiny handlers, with the same autocannon settings;
 *  3. revocation: from the revoke call's answer to the first refused request (ms).
 * Usage: node bench/key-check.mjs [--duration 8]
 */
import autocannon from 'autocannon';
import { ApiClient } from '@pantau/shared';
import { seed, startServer } from './lib.mjs';

const i = process.argv.indexOf('--duration');
const DURATION = i > 0 ? Number(process.argv[i + 1]) : 8;

// 1: in process, on a throwaway server's services
const { startServer: startInProcess } = await import('../apps/server/dist/server.js');
const { SYSTEM } = await import('../apps/server/dist/services/auth-service.js');
const pino = (await import('pino')).default;
const os = await import('node:os');
const fs = await import('node:fs');
const path = await import('node:path');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pantau-keybench-'));
const inproc = await startInProcess(
  { port: 0, dataDir: dir, consoleDir: null, runWorker: false },
  pino({ level: 'silent' }),
);
const svc = inproc.services.credentials;
const c = svc.create({ credential_name: 'bench', rate_limit_per_hour: 10_000_000 }, SYSTEM);
const N = 200_000;
let t = performance.now();
for (let k = 0; k < N; k++) {
  const row = await svc.verify(c.api_key, c.api_secret, '127.0.0.1');
  svc.requirePermission(row, 'detections:write');
  svc.consume(row);
}
const cachedUs = ((performance.now() - t) * 1000) / N;
const M = 20_000;
t = performance.now();
for (let k = 0; k < M; k++) {
  svc['cache'].clear();
  await svc.verify(c.api_key, c.api_secret, '127.0.0.1');
}
const uncachedUs = ((performance.now() - t) * 1000) / M;
await inproc.close();

// 2 and 3: over HTTP against a separate server process
const srv = await startServer();
try {
  const { admin, credential } = await seed(srv.url);
  const big = await admin.createCredential({ credential_name: 'bench-http', rate_limit_per_hour: 10_000_000 });
  const run = (opts) => autocannon({ connections: 16, duration: DURATION, ...opts });
  const keyed = await run({
    url: `${srv.url}/api/v1/devices/heartbeat`,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': big.api_key, 'x-api-secret': big.api_secret },
    body: JSON.stringify({ device_id: 'bench-cam-1' }),
  });
  const open = await run({ url: `${srv.url}/health` });
  // revocation
  const dev = new ApiClient({ baseUrl: srv.url, apiKey: { key: credential.api_key, secret: credential.api_secret } });
  await dev.heartbeat({ device_id: 'bench-cam-1' });
  await admin.revokeCredential(credential.id);
  const t0 = performance.now();
  let refusedAfter = null;
  for (let k = 0; k < 100 && refusedAfter === null; k++) {
    try {
      await dev.heartbeat({ device_id: 'bench-cam-1' });
    } catch {
      refusedAfter = performance.now() - t0;
    }
  }
  console.log(
    JSON.stringify(
      {
        date: new Date().toISOString(),
        in_process_us_per_check: { cached: Number(cachedUs.toFixed(2)), uncached: Number(uncachedUs.toFixed(2)) },
        http_16_connections: {
          heartbeat_with_key: {
            rps: Math.round(keyed.requests.average),
            p50_ms: keyed.latency.p50,
            p99_ms: keyed.latency.p99,
            non_2xx: keyed.non2xx,
          },
          health_without_key: {
            rps: Math.round(open.requests.average),
            p50_ms: open.latency.p50,
            p99_ms: open.latency.p99,
            non_2xx: open.non2xx,
          },
        },
        revocation_ms_to_first_refusal: refusedAfter === null ? null : Number(refusedAfter.toFixed(1)),
      },
      null,
      2,
    ),
  );
} finally {
  await srv.stop();
}
