/**
 * Benchmark helpers: start a built server as a child process on a random port over a
 * temporary data directory, and a demo organisation with an API credential.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { ApiClient } from '@pantau/shared';

/** The server's CLI: this checkout's, or another built checkout's (`opts.checkout`, for A/B runs). */
const binOf = (checkout) => path.join(checkout ?? path.resolve(import.meta.dirname, '..'), 'apps/server/bin/pantau.js');

/**
 * Start `pantau serve` on a free port; resolves { url, child, dataDir, stop }.
 * @param {{ dataDir?: string, env?: Record<string, string>, checkout?: string, execArgv?: string[] }} opts an existing data
 *   directory (its admin already made) instead of a new one; extra environment for the server; the
 *   built checkout whose server to run (default this one); Node flags for the server (`execArgv`,
 *   e.g. `--cpu-prof`)
 */
export async function startServer(opts = {}) {
  const bin = binOf(opts.checkout);
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pantau-bench-'));
  if (!opts.dataDir) {
    const made = spawnSync(
      process.execPath,
      [
        bin,
        'users',
        'create',
        '--email',
        'bench@pantau.local',
        '--password',
        'bench-password',
        '--role',
        'admin',
        '--data-dir',
        dataDir,
      ],
      { encoding: 'utf8' },
    );
    if (made.status !== 0) throw new Error(made.stderr);
  }
  const child = spawn(
    process.execPath,
    [...(opts.execArgv ?? []), bin, 'serve', '--port', '0', '--data-dir', dataDir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, PANTAU_LOG_LEVEL: 'info', ...(opts.env ?? {}) },
    },
  );
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  const stop = () =>
    new Promise((r) => {
      child.once('exit', r);
      child.kill('SIGTERM');
    });
  return { url, child, dataDir, stop };
}

/** A group, two branches, two cameras and a credential. */
export async function seed(url) {
  const admin = new ApiClient({ baseUrl: url });
  await admin.login({ email: 'bench@pantau.local', password: 'bench-password' });
  const g = await admin.createGroup({ province_code: 'B', province_name: 'Bench', group_name: 'Bench' });
  const b1 = await admin.createBranch({ group_id: g.id, branch_code: 'B-1', branch_name: 'Bench 1', city: 'Jakarta' });
  const b2 = await admin.createBranch({ group_id: g.id, branch_code: 'B-2', branch_name: 'Bench 2', city: 'Bandung' });
  await admin.createDevice({ device_id: 'bench-cam-1', device_name: 'Cam 1', device_type: 'camera', branch_id: b1.id });
  await admin.createDevice({ device_id: 'bench-cam-2', device_name: 'Cam 2', device_type: 'camera', branch_id: b2.id });
  // a bench posts far more than a device's default 10,000 requests an hour
  const c = await admin.createCredential({ credential_name: 'bench', rate_limit_per_hour: 10_000_000 });
  return { admin, branches: [b1, b2], credential: c };
}

export { percentile } from './anchors.mjs';

/** Resident memory of a process, bytes (Linux /proc). */
export function rssBytes(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/**
 * The i-th distinct detection of the load benchmarks: unique event_id, 5 000 recurring persons,
 * alternating between the two seeded branches and their cameras.
 * @param {Array<{ id: number }>} branches the seeded branches
 */
export function benchDetection(branches, i) {
  return {
    re_id: `p-${i % 5000}`,
    branch_id: branches[i % 2].id,
    device_id: `bench-cam-${(i % 2) + 1}`,
    detected_count: 1 + (i % 3),
    event_id: `e-${i}`,
  };
}

/**
 * autocannon POSTing JSON to a device route with the credential's key headers; `body(n)` makes
 * the n-th request's body (a new one per request).
 * @returns autocannon's result
 */
export function postLoad({ url, credential, connections, duration, body }) {
  let n = 0;
  return autocannon({
    url,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-api-key': credential.api_key,
          'x-api-secret': credential.api_secret,
        },
        setupRequest: (req) => {
          req.body = body(n++);
          return req;
        },
      },
    ],
  });
}
