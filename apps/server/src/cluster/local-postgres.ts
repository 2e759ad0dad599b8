/**
 * A throwaway PostgreSQL server on this machine, from Debian's packages (`postgresql`): for the
 * PostgreSQL test tier (scripts/test-postgres.mjs), the scale tests and `pantau cluster`.
 *
 * `initdb` refuses to run as root, so as root the cluster belongs to the `postgres` user the
 * Debian package creates (run through `runuser`). It listens on 127.0.0.1 only, on a free port,
 * with its socket in its own directory, trust authentication for local connections, and the C
 * locale (text sorts by code point, as SQLite's BINARY collation does: ISO-8601 times and names
 * order the same on both engines).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A running local server. */
export interface LocalPostgres {
  /** admin URL: `postgres://postgres@127.0.0.1:PORT/postgres` */
  url: string;
  port: number;
  /** the cluster's directory */
  dir: string;
  /** The server's binaries directory (pgbench, psql …). */
  bin: string;
  /** Stop the server (fast shutdown); `remove` deletes its directory too. */
  stop(remove?: boolean): void;
}

/**
 * The binaries directory of the newest installed PostgreSQL (`/usr/lib/postgresql/N/bin`), or null.
 */
export function findPostgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return null;
  const versions = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : null;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Make and start a cluster.
 * @param options.dir where (default: a new temporary directory)
 * @param options.port default: a free one
 * @param options.durable false (tests): no fsync, so thousands of throwaway commits cost nothing;
 *   true (`pantau cluster`, benchmarks): PostgreSQL's defaults
 * @param options.settings more `-c name=value` server settings
 * @throws Error when PostgreSQL is not installed or does not start (its log is in the message)
 */
export async function startLocalPostgres(
  options: { dir?: string; port?: number; durable?: boolean; settings?: Record<string, string | number> } = {},
): Promise<LocalPostgres> {
  const bin = findPostgresBin();
  if (!bin)
    throw new Error('PostgreSQL is not installed: bash scripts/setup.sh --postgres (Debian package postgresql)');
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pantau-pg-'));
  const port = options.port ?? (await freePort());
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]): void => {
    const [file, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args]]
      : [path.join(bin, cmd), args];
    const r = spawnSync(file, argv as string[], { encoding: 'utf8' });
    if (r.status !== 0) {
      const log = fs.existsSync(path.join(dir, 'server.log'))
        ? fs.readFileSync(path.join(dir, 'server.log'), 'utf8')
        : '';
      throw new Error(`${cmd} failed (${r.status}): ${r.stderr || r.stdout}\n${log.slice(-2000)}`);
    }
  };
  const data = path.join(dir, 'data');
  if (!fs.existsSync(path.join(data, 'PG_VERSION'))) {
    fs.mkdirSync(data, { recursive: true });
    if (asRoot) execFileSync('chown', ['-R', 'postgres', dir]);
    run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
  }
  const settings: Record<string, string | number> = {
    listen_addresses: '127.0.0.1',
    port,
    unix_socket_directories: dir,
    max_connections: 200,
    ...(options.durable ? {} : { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }),
    ...options.settings,
  };
  const opts = Object.entries(settings)
    .map(([k, v]) => `-c ${k}=${v}`)
    .join(' ');
  run('pg_ctl', ['-D', data, '-o', opts, '-l', path.join(dir, 'server.log'), '-w', '-t', '30', 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    bin,
    stop(remove = false) {
      try {
        run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      } catch {
        // already stopped
      }
      if (remove) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
