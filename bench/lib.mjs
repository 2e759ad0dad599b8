/**
 * Benchmark helpers: start a built server as a child process on a random port over a
 * temporary data directory, and a demo organisation with an API credential.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiClient } from '@pantau/shared';

const bin = path.resolve(import.meta.dirname, '../apps/server/bin/pantau.js');

/** Start `pantau serve` on a free port; resolves { url, child, dataDir, stop }. */
export async function startServer() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pantau-bench-'));
  const made = spawnSync(process.execPath, [bin, 'users', 'create', '--email', 'bench@pantau.local', '--password', 'bench-password', '--role', 'admin', '--data-dir', dataDir], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(made.stderr);
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, PANTAU_LOG_LEVEL: 'info' } });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  const stop = () => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); });
  return { url, child, dataDir, stop };
}

/** A group, two branches, two cameras and a credential. */
export async function seed(url) {
  const admin = new ApiClient({ baseUrl: url });
  await admin.login('bench@pantau.local', 'bench-password');
  const g = await admin.createGroup({ province_code: 'B', province_name: 'Bench', group_name: 'Bench' });
  const b1 = await admin.createBranch({ group_id: g.id, branch_code: 'B-1', branch_name: 'Bench 1', city: 'Jakarta' });
  const b2 = await admin.createBranch({ group_id: g.id, branch_code: 'B-2', branch_name: 'Bench 2', city: 'Bandung' });
  await admin.createDevice({ device_id: 'bench-cam-1', device_name: 'Cam 1', device_type: 'camera', branch_id: b1.id });
  await admin.createDevice({ device_id: 'bench-cam-2', device_name: 'Cam 2', device_type: 'camera', branch_id: b2.id });
  // a bench posts far more than a device's default 10,000 requests an hour
  const c = await admin.createCredential({ credential_name: 'bench', rate_limit_per_hour: 10_000_000 });
  return { admin, branches: [b1, b2], credential: c };
}

/** Percentile (0–100) of a numeric array. */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
