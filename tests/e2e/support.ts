/**
 * End-to-end support: the real `pantau` CLI as child processes (server, simulator) on free
 * 127.0.0.1 ports over a temporary data directory, and Debian's Chromium driven by
 * playwright-core. Everything started here is stopped by `stopAll()`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ApiClient } from '@pantau/shared';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'apps/server/bin/pantau.js');
/** Screenshots and logs worth keeping: `artifacts/e2e/`. */
export const ARTIFACTS = path.join(root, 'artifacts/e2e');
fs.mkdirSync(ARTIFACTS, { recursive: true });

export const ADMIN = { email: 'admin@e2e.local', password: 'e2e-admin-password' };
const children = new Set<ChildProcess>();

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** A fresh, empty data directory: no user yet, so the console opens its first-run setup. */
export function emptyDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'pantau-e2e-'));
}

/** A fresh data directory with the e2e admin in it. */
export function prepareDataDir(): string {
  const dir = emptyDataDir();
  const r = spawnSync(
    process.execPath,
    [
      bin,
      'users',
      'create',
      '--email',
      ADMIN.email,
      '--password',
      ADMIN.password,
      '--role',
      'admin',
      '--data-dir',
      dir,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`users create failed: ${r.stderr}`);
  return dir;
}

/**
 * Spawn `pantau <args>`, its output appended to `artifacts/e2e/<logName>`.
 * @param env more environment (e.g. `NODE_EXTRA_CA_CERTS` for a child that talks to a TLS server)
 */
export function spawnCli(
  args: string[],
  logName: string,
  stdin: 'ignore' | 'pipe' = 'ignore',
  env: NodeJS.ProcessEnv = {},
): ChildProcess {
  const log = fs.createWriteStream(path.join(ARTIFACTS, logName), { flags: 'a' });
  const child = spawn(process.execPath, [bin, ...args], {
    stdio: [stdin, 'pipe', 'pipe'],
    env: { ...process.env, PANTAU_LOG_LEVEL: 'info', ...env },
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Start `pantau serve` and wait for /health. */
export async function startServer(port: number, dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawnCli(['serve', '--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir], 'server.log');
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(async () => (await fetch(`${url}/health`).catch(() => null))?.ok === true, 20_000, 'server health');
  return { url, child };
}

/** Start `pantau simulate` against a server and wait until its default layout exists. */
export async function startSimulator(
  url: string,
  opts: { cameras: number; rate: number; rtspPort: number },
): Promise<ChildProcess> {
  const child = spawnCli(
    [
      'simulate',
      '--server',
      url,
      '--email',
      ADMIN.email,
      '--password',
      ADMIN.password,
      '--cameras',
      String(opts.cameras),
      '--rate',
      String(opts.rate),
      '--rtsp-port',
      String(opts.rtspPort),
    ],
    'simulator.log',
  );
  const admin = await signIn(url);
  await waitUntil(
    async () => (await admin.defaultLayout().catch(() => null))?.positions.length === opts.cameras,
    30_000,
    'demo layout',
  );
  return child;
}

/** A `pantau simulate --stdin-control` child and a way to take its cameras offline and back. */
export interface ControlledSimulator {
  child: ChildProcess;
  /** Sends `off N` / `on N` and resolves once the simulator confirms (`camera N offline|online`). */
  setCamera(index: number, online: boolean): Promise<void>;
  /** Sends `reboot N` and resolves once the simulator confirms (`camera N rebooting`). */
  reboot(index: number): Promise<void>;
}

/**
 * Start `pantau simulate --stdin-control` (extra CLI arguments in `extra`, e.g.
 * `['--sub-resolution', '320x180']`) and wait until its default layout holds every camera.
 */
export async function startControlledSimulator(
  url: string,
  opts: { cameras: number; rate: number; rtspPort: number; extra?: string[] },
): Promise<ControlledSimulator> {
  const child = spawnCli(
    [
      'simulate',
      '--server',
      url,
      '--email',
      ADMIN.email,
      '--password',
      ADMIN.password,
      '--cameras',
      String(opts.cameras),
      '--rate',
      String(opts.rate),
      '--rtsp-port',
      String(opts.rtspPort),
      '--stdin-control',
      ...(opts.extra ?? []),
    ],
    'simulator.log',
    'pipe',
  );
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const admin = await signIn(url);
  await waitUntil(
    async () => (await admin.defaultLayout().catch(() => null))?.positions.length === opts.cameras,
    60_000,
    'demo layout',
  );
  return {
    child,
    async setCamera(index, online) {
      const answer = `camera ${index} ${online ? 'online' : 'offline'}`;
      const from = out.length;
      child.stdin!.write(`${online ? 'on' : 'off'} ${index}\n`);
      await waitUntil(() => out.slice(from).includes(answer), 10_000, answer);
    },
    async reboot(index) {
      const answer = `camera ${index} rebooting`;
      const from = out.length;
      child.stdin!.write(`reboot ${index}\n`);
      await waitUntil(() => out.slice(from).includes(answer), 10_000, answer);
    },
  };
}

/**
 * Opens the console at `url` in `page` and signs in, trying again if the console gave up (sign-in
 * hashes the password: slow while the 2 cores are busy). Resolves once `ready` (a test id) shows.
 */
export async function signInConsole(
  page: Page,
  url: string,
  who: { email: string; password: string } = ADMIN,
  ready = 'video-wall',
): Promise<void> {
  await page.goto(`${url}/console/`);
  await page.getByTestId('sign-in-email').fill(who.email);
  await page.getByTestId('sign-in-password').fill(who.password);
  for (let attempt = 1; ; attempt++) {
    await page.getByTestId('sign-in-submit').click();
    const outcome = await Promise.race([
      page
        .getByTestId(ready)
        .waitFor({ timeout: 30_000 })
        .then(() => 'ready'),
      page
        .getByTestId('sign-in-error')
        .waitFor({ timeout: 30_000 })
        .then(() => 'error'),
    ]);
    if (outcome === 'ready' || attempt === 3) break;
  }
  await page.getByTestId(ready).waitFor({ timeout: 15_000 });
}

/** An API client signed in as the e2e admin. */
export async function signIn(url: string): Promise<ApiClient> {
  const c = new ApiClient({ baseUrl: url });
  await c.login({ email: ADMIN.email, password: ADMIN.password });
  return c;
}

/** Stop a child and wait for it. */
export function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => {
    child.once('exit', () => r());
    child.kill(signal);
  });
}

/** Stop every child started here. */
export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => stop(c, 'SIGKILL')));
}

/**
 * Chromium (Debian's) with the flags this machine needs; shared memory in /tmp, since a container's /dev/shm may be as small as 64 MiB and 16 video players fill it.
 * @param extraArgs more flags (e.g. {@link spkiPin}'s `--ignore-certificate-errors-spki-list`)
 */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
      '--disable-dev-shm-usage',
      ...extraArgs,
    ],
  });
}

/**
 * The Chromium flag that trusts exactly the certificate `pem` (its public key pinned, as an
 * operator pins the SHA-256 fingerprint the server prints): base64 SHA-256 of the SPKI (DER).
 */
export function spkiPin(pem: string): string {
  const spki = crypto
    .createHash('sha256')
    .update(crypto.createPublicKey(pem).export({ type: 'spki', format: 'der' }))
    .digest('base64');
  return `--ignore-certificate-errors-spki-list=${spki}`;
}

/**
 * JSON over https trusting `ca` (or plain http, for a process behind the proxy); resolves the
 * status, the parsed body (the text when not JSON) and the headers; null on a connection error.
 */
export function httpsJson(
  url: string,
  ca: string,
  opts: { method?: string; body?: unknown; token?: string } = {},
): Promise<{ status: number; body: unknown; headers: Record<string, unknown> } | null> {
  return new Promise((resolve) => {
    const req = (url.startsWith('https') ? https : http).request(
      url,
      {
        ca,
        method: opts.method ?? 'GET',
        headers: {
          'content-type': 'application/json',
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
        });
      },
    );
    req.on('error', () => resolve(null));
    req.end(opts.body === undefined ? undefined : JSON.stringify(opts.body));
  });
}

/**
 * Console errors and page errors, for asserting a clean run.
 *
 * A value thrown or rejected that is not an `Error` (mpegts.js throws its own exception
 * classes, which minified show up in a page error as just their class name, e.g. "e"), and an
 * uncaught error of a worker (which reaches the page with no error object), are described too:
 * a page script reports its `toString()` (or the worker's message) and, for a throw, the
 * file:line:col of the throw, as one more entry starting "uncaught non-Error:".
 */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  void page.addInitScript(() => {
    const describe = (value: unknown): string => {
      try {
        return `${String(value)} [${Object.prototype.toString.call(value)}]`;
      } catch {
        return typeof value;
      }
    };
    window.addEventListener('error', (ev) => {
      if (ev.error instanceof Error) return;
      // a worker's uncaught error reaches the page with `error` null and the worker's blob: URL
      const where = String(ev.filename).startsWith('blob:') ? 'in a worker' : 'at';
      const what = ev.error === null || ev.error === undefined ? String(ev.message) : describe(ev.error);
      console.warn(
        `uncaught non-Error: ${what} (${where} ${String(ev.filename).replace(/^.*\//, '')}:${ev.lineno}:${ev.colno})`,
      );
    });
    window.addEventListener('unhandledrejection', (ev) => {
      if (ev.reason instanceof Error) return;
      console.warn(`uncaught non-Error: rejection with ${describe(ev.reason)}`);
    });
  });
  page.on('console', (m) => {
    if (m.type() === 'warning' && m.text().startsWith('uncaught non-Error:')) {
      errors.push(m.text());
      return;
    }
    if (m.type() !== 'error') return;
    const at = m.location();
    errors.push(
      at.url ? `${m.text()} (at ${at.url.replace(/^.*\//, '')}:${at.lineNumber}:${at.columnNumber})` : m.text(),
    );
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

/** Poll until `fn` is truthy. @throws Error naming `what` on timeout */
export async function waitUntil(fn: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * CPU time of a process and its descendants so far, in clock ticks (Linux /proc, USER_HZ 100:
 * divide by 100 for seconds), only those whose command name passes `filter` when given.
 */
export function processTreeTicks(rootPid: number, filter?: (comm: string) => boolean): number {
  const procs = new Map<number, { ppid: number; comm: string; ticks: number }>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const f = stat.slice(close + 2).split(' ');
      procs.set(Number(name), {
        ppid: Number(f[1]),
        comm: stat.slice(stat.indexOf('(') + 1, close),
        ticks: Number(f[11]) + Number(f[12]),
      });
    } catch {
      // gone meanwhile
    }
  }
  let sum = 0;
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop()!;
    const p = procs.get(pid);
    if (p && (!filter || filter(p.comm))) sum += p.ticks;
    for (const [child, c] of procs) if (c.ppid === pid) stack.push(child);
  }
  return sum;
}
