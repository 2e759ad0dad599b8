/**
 * The real server as a separate process (`bin/pantau.js serve` on a free port), for tests that
 * kill it mid-work (SIGKILL) and start it again on the same data directory: crash recovery of
 * the job queue and of WhatsApp sends.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { testDatabaseUrl } from './postgres.js';

/** `apps/server/bin/pantau.js`. */
export const PANTAU_BIN = path.resolve(import.meta.dirname, '../../bin/pantau.js');

/**
 * Start `pantau serve --port 0 --data-dir <dataDir>` (log level info) and resolve once it logs
 * its URL.
 * @param track called with the child at once, so a test can kill it even if it never gets ready
 * @returns the base URL (`http://127.0.0.1:<port>`) and the child process (the caller kills it)
 * @throws Error (rejects) when the process exits first, with what it printed
 */
export function spawnServer(
  dataDir: string,
  track?: (child: ChildProcess) => void,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [PANTAU_BIN, 'serve', '--port', '0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PANTAU_LOG_LEVEL: 'info', ...databaseEnv(dataDir) },
  });
  track?.(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
      if (m) resolve({ url: m[1]!, child });
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}

/** Create an admin (`a@test.local` / `password1`) in `dataDir` through the CLI. @returns the CLI's exit status and output */
export function createCliAdmin(dataDir: string): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(
    process.execPath,
    [
      PANTAU_BIN,
      'users',
      'create',
      '--email',
      'a@test.local',
      '--password',
      'password1',
      '--role',
      'admin',
      '--data-dir',
      dataDir,
    ],
    { encoding: 'utf8', env: { ...process.env, ...databaseEnv(dataDir) } },
  );
}

/** `PANTAU_DATABASE_URL` of the data directory's database on the PostgreSQL tier (test-support/postgres.ts); nothing on SQLite. */
function databaseEnv(dataDir: string): Record<string, string> {
  const url = testDatabaseUrl(dataDir);
  return url ? { PANTAU_DATABASE_URL: url } : {};
}
