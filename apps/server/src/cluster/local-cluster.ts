/**
 * A whole cluster on this machine, for trying scale mode (`pantau cluster`), the scale tests and
 * the scale benchmark: a PostgreSQL server (cluster/local-postgres.ts), N `pantau serve`
 * processes on it, and HAProxy in front terminating TLS (cluster/haproxy-config.ts), with a
 * self-signed certificate (security/tls.ts) whose fingerprint is printed.
 *
 * The processes share one data directory: on one machine that is the shared storage a cluster
 * needs (the same `master.key` for tickets and stream passwords, snapshots written by one
 * process and served or processed by another). Across machines that directory is a shared
 * mount. The first process starts alone (it makes `master.key` and migrates), the others after.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { haproxyConfig } from './haproxy-config.js';
import { freePort, startLocalPostgres, type LocalPostgres } from './local-postgres.js';
import { loadTlsIdentity, type TlsIdentity } from '../security/tls.js';
import type { ServerRole } from '../services/cluster-membership.js';

/** `apps/server/bin/pantau.js`. */
const PANTAU_BIN = path.resolve(import.meta.dirname, '../../bin/pantau.js');

/** One server process of the cluster. */
export interface ClusterProcess {
  name: string;
  role: ServerRole;
  port: number;
  /** `http://127.0.0.1:<port>`: the process itself, behind HAProxy */
  url: string;
  child: ChildProcess | null;
}

/** A running local cluster. */
export interface LocalCluster {
  /** `https://127.0.0.1:<port>`: HAProxy */
  url: string;
  /** the certificate HAProxy serves (its fingerprint is what a console pins) */
  tls: TlsIdentity;
  /** PEM of the certificate, for clients that trust it (NODE_EXTRA_CA_CERTS) */
  certFile: string;
  databaseUrl: string;
  pg: LocalPostgres;
  processes: ClusterProcess[];
  dataDir: string;
  /** Kill process `i` (SIGKILL by default: a crash) and wait for it to exit. */
  kill(i: number, signal?: NodeJS.Signals): Promise<void>;
  /** Start process `i` again (after {@link kill}) and wait until it listens. */
  restart(i: number): Promise<void>;
  /** Stop everything (processes, HAProxy, PostgreSQL); `remove` deletes the directory. */
  stop(remove?: boolean): Promise<void>;
}

/** Settings of {@link startLocalCluster}. */
export interface LocalClusterOptions {
  /** where the database, the data directory and HAProxy's files go */
  dir: string;
  /** the role of each process (default three of `all`) */
  roles?: ServerRole[];
  /** HAProxy's https port (default: a free one) */
  port?: number;
  /** PostgreSQL with its defaults (fsync on): benchmarks, trying it; false for tests */
  durable?: boolean;
  /** the processes' log level (default `warn`) */
  logLevel?: string;
  /** more environment for the processes (e.g. PANTAU_DETECTION_THREAD) */
  env?: Record<string, string>;
  /** told each line a process or HAProxy prints */
  onLog?: (source: string, line: string) => void;
}

/** Wait until `port` on 127.0.0.1 accepts a connection. @throws Error after `timeoutMs` */
async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Start a cluster (see the module's docstring).
 * @throws Error when PostgreSQL or HAProxy is not installed, or a process does not start
 */
export async function startLocalCluster(o: LocalClusterOptions): Promise<LocalCluster> {
  if (spawnSync('haproxy', ['-v']).status !== 0)
    throw new Error('HAProxy is not installed: bash scripts/setup.sh --postgres (Debian package haproxy)');
  fs.mkdirSync(o.dir, { recursive: true });
  // PostgreSQL runs as its own user (root cannot initdb): it must reach its directory here
  if (process.getuid?.() === 0) fs.chmodSync(o.dir, 0o755);
  const dataDir = path.join(o.dir, 'data');
  const pg = await startLocalPostgres({ dir: path.join(o.dir, 'postgres'), durable: o.durable ?? false });
  const admin = spawnSync(
    path.join(pg.bin, 'psql'),
    [pg.url, '-qAtc', "SELECT 1 FROM pg_database WHERE datname = 'pantau'"],
    {
      encoding: 'utf8',
    },
  );
  if (admin.stdout.trim() !== '1') {
    const made = spawnSync(
      path.join(pg.bin, 'createdb'),
      [
        '-h',
        '127.0.0.1',
        '-p',
        String(pg.port),
        '-U',
        'postgres',
        '-T',
        'template0',
        '--locale=C',
        '-E',
        'UTF8',
        'pantau',
      ],
      {
        encoding: 'utf8',
      },
    );
    if (made.status !== 0) throw new Error(`createdb failed: ${made.stderr}`);
  }
  const databaseUrl = pg.url.replace(/\/postgres$/, '/pantau');
  const roles = o.roles ?? ['all', 'all', 'all'];
  const processes: ClusterProcess[] = [];
  for (const [i, role] of roles.entries()) {
    const port = await freePort();
    processes.push({ name: `p${i + 1}`, role, port, url: `http://127.0.0.1:${port}`, child: null });
  }

  const launch = async (p: ClusterProcess): Promise<void> => {
    const child = spawn(
      process.execPath,
      [
        PANTAU_BIN,
        'serve',
        '--host',
        '127.0.0.1',
        '--port',
        String(p.port),
        '--data-dir',
        dataDir,
        '--database',
        databaseUrl,
        '--role',
        p.role,
        '--trust-proxy',
        '127.0.0.1',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, PANTAU_LOG_LEVEL: o.logLevel ?? 'warn', ...o.env },
      },
    );
    p.child = child;
    for (const stream of [child.stdout!, child.stderr!])
      stream.on('data', (d: Buffer) => {
        for (const line of d.toString().split('\n')) if (line) o.onLog?.(p.name, line);
      });
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code, signal) =>
        reject(new Error(`${p.name} exited (${code ?? signal}) before it listened`)),
      ),
    );
    exited.catch(() => undefined);
    await Promise.race([waitForPort(p.port, 60_000), exited]);
  };

  const stopProcess = async (p: ClusterProcess, signal: NodeJS.Signals): Promise<void> => {
    const child = p.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
    p.child = null;
  };
  let haproxy: ChildProcess | null = null;
  const stopAll = async (): Promise<void> => {
    await Promise.all(processes.map((p) => stopProcess(p, 'SIGTERM')));
    haproxy?.kill('SIGTERM');
    pg.stop(false);
  };

  try {
    // the first alone: it makes master.key and runs the migrations
    await launch(processes[0]!);
    await Promise.all(processes.slice(1).map(launch));

    const tls = (await loadTlsIdentity({ mode: 'self-signed' }, path.join(o.dir, 'haproxy')))!;
    const pem = path.join(o.dir, 'haproxy', 'haproxy.pem');
    fs.writeFileSync(
      pem,
      [tls.certFile, path.join(o.dir, 'haproxy', 'tls', 'server.key')]
        .map((f) => fs.readFileSync(f, 'utf8').trim())
        .join('\n') + '\n',
      { mode: 0o600 },
    );
    const port = o.port ?? (await freePort());
    const cfg = path.join(o.dir, 'haproxy', 'haproxy.cfg');
    const serves = (r: ServerRole[]) =>
      processes.filter((p) => r.includes(p.role)).map((p) => ({ name: p.name, address: `127.0.0.1:${p.port}` }));
    fs.writeFileSync(
      cfg,
      haproxyConfig({
        httpsBind: `127.0.0.1:${port}`,
        httpBind: null,
        certPem: pem,
        api: serves(['all', 'api']),
        gateways: serves(['all', 'gateway']),
        statsBind: null,
        // a trial on one machine: well under a default open-file limit
        maxconn: 4096,
      }),
    );
    haproxy = spawn('haproxy', ['-db', '-f', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [haproxy.stdout!, haproxy.stderr!])
      stream.on('data', (d: Buffer) => {
        for (const line of d.toString().split('\n')) if (line) o.onLog?.('haproxy', line);
      });
    await waitForPort(port, 10_000);

    return {
      url: `https://127.0.0.1:${port}`,
      tls,
      certFile: tls.certFile,
      databaseUrl,
      pg,
      processes,
      dataDir,
      kill: (i, signal = 'SIGKILL') => stopProcess(processes[i]!, signal),
      restart: (i) => launch(processes[i]!),
      async stop(remove = false) {
        await stopAll();
        if (remove) fs.rmSync(o.dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    // nothing left running behind a failed start
    await stopAll();
    throw err;
  }
}
