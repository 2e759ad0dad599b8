#!/usr/bin/env node
/**
 * `npm start`: the whole product on one machine — the server on the embedded SQLite default
 * (data in ./data or PANTAU_DATA_DIR), four simulated RTSP cameras posting detections, and
 * the console: Electron where its binary exists, otherwise the browser console at
 * http://127.0.0.1:8080/console/ (it says which).
 *
 * Env: PANTAU_PORT (8080), PANTAU_CAMERAS (4), PANTAU_RATE (5 detections/s),
 * PANTAU_ADMIN_EMAIL / PANTAU_ADMIN_PASSWORD (admin@pantau.local / pantau-admin).
 *
 * `npm start -- --tls` (or PANTAU_TLS=1): the server on https/wss with the self-signed
 * certificate it makes and keeps in <data dir>/tls; the simulator trusts that certificate
 * (NODE_EXTRA_CA_CERTS), and the browser is told its fingerprint to compare.
 */
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { createRequire } from 'node:module';

const root = path.resolve(import.meta.dirname, '..');
const cli = path.join(root, 'apps/server/bin/pantau.js');
const dataDir = path.resolve(process.env.PANTAU_DATA_DIR ?? path.join(root, 'data'));
const port = Number(process.env.PANTAU_PORT ?? 8080);
const email = process.env.PANTAU_ADMIN_EMAIL ?? 'admin@pantau.local';
const password = process.env.PANTAU_ADMIN_PASSWORD ?? 'pantau-admin';
const tls = process.argv.includes('--tls') || process.env.PANTAU_TLS === '1';
const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
const certFile = path.join(dataDir, 'tls', 'server.crt');
const children = [];

function run(args, name, env = {}) {
  const child = spawn(process.execPath, [cli, ...args, '--data-dir', dataDir], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, ...env },
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`start: ${name} exited (${signal ?? code}); stopping`);
      stop(1);
    }
  });
  children.push(child);
  return child;
}

let stopping = false;
function stop(code = 0) {
  stopping = true;
  for (const c of children) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 1500).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

// First run: an admin to sign in with (a second run finds it and says so).
const created = spawnSync(
  process.execPath,
  [
    cli,
    'users',
    'create',
    '--email',
    email,
    '--password',
    password,
    '--role',
    'admin',
    '--name',
    'Administrator',
    '--data-dir',
    dataDir,
  ],
  { encoding: 'utf8' },
);
if (created.status === 0) console.log(`start: created admin ${email} / ${password}`);
else if (!/CONFLICT/.test(created.stderr)) {
  console.error(created.stderr);
  process.exit(1);
}

/** Whether /health answers 200 (over https, trusting the server's own certificate). */
function healthy() {
  if (!tls)
    return fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
  if (!fs.existsSync(certFile)) return Promise.resolve(false);
  return new Promise((resolve) => {
    https
      .get(`${url}/health`, { ca: fs.readFileSync(certFile) }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      })
      .on('error', () => resolve(false));
  });
}

run(['serve', '--port', String(port), '--host', '127.0.0.1', ...(tls ? ['--tls-self-signed'] : [])], 'server');
for (let i = 0; ; i++) {
  if (await healthy()) break;
  if (i > 100) {
    console.error('start: server did not come up');
    stop(1);
  }
  await new Promise((r) => setTimeout(r, 200));
}
run(
  [
    'simulate',
    '--server',
    url,
    '--email',
    email,
    '--password',
    password,
    '--cameras',
    process.env.PANTAU_CAMERAS ?? '4',
    '--rate',
    process.env.PANTAU_RATE ?? '5',
  ],
  'simulator',
  tls ? { NODE_EXTRA_CA_CERTS: certFile } : {},
);
if (tls) {
  const fingerprint = new crypto.X509Certificate(fs.readFileSync(certFile)).fingerprint256;
  console.log(`\nstart: TLS with the self-signed certificate ${certFile}`);
  console.log(
    `start: its SHA-256 fingerprint is ${fingerprint}: the browser will warn once; compare this before you accept`,
  );
}

// Find Electron's binary without loading the `electron` package: its entry point tries to
// download the binary when it is missing, which fails where only the npm registry is reachable.
let electronBinary = null;
try {
  const pkg = createRequire(path.join(root, 'apps/desktop/package.json')).resolve('electron/package.json');
  const dir = path.dirname(pkg);
  const rel = fs.readFileSync(path.join(dir, 'path.txt'), 'utf8').trim();
  const p = path.join(dir, 'dist', rel);
  if (rel && fs.existsSync(p)) electronBinary = p;
} catch {
  /* electron package absent or its binary was not downloaded */
}
if (electronBinary && (process.env.DISPLAY || process.platform !== 'linux')) {
  console.log('start: opening the Electron console');
  const child = spawn(electronBinary, [path.join(root, 'apps/desktop')], {
    stdio: 'inherit',
    env: {
      ...process.env,
      PANTAU_SERVER_URL: url,
      // the console accepts exactly this self-signed certificate (apps/desktop/src/main/certificate-trust.ts)
      ...(tls && { PANTAU_SERVER_FINGERPRINT: new crypto.X509Certificate(fs.readFileSync(certFile)).fingerprint256 }),
    },
  });
  children.push(child);
} else {
  console.log(`\nstart: Electron is not available on this machine; open the browser console at ${url}/console/`);
  console.log(`start: sign in as ${email} / ${password}   (API docs: ${url}/api/docs; Ctrl-C stops everything)\n`);
}
