/**
 * What the `pantau` subcommands share: option parsers, the data directory and database options,
 * a clean stop on signals, and the services opened for one command.
 */
import { InvalidArgumentError, Option } from 'commander';
import pino from 'pino';
import { loadConfig, resolveDataDir } from './config.js';
import { createServices } from './services/container.js';

/** A TCP port argument (0–65535). @throws InvalidArgumentError */
export const port = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port number 0–65535');
  return n;
};

/** `--data-dir` (default `PANTAU_DATA_DIR`, else `./data`). */
export const dataDirOption = () =>
  new Option('--data-dir <dir>', 'data directory (database, keys, logs)').env('PANTAU_DATA_DIR');

/** `--database` (default `PANTAU_DATABASE_URL`). */
export const databaseOption = () =>
  new Option(
    '--database <url>',
    'PostgreSQL instead of the embedded SQLite file (scale mode): postgres://user:password@host:port/database',
  ).env('PANTAU_DATABASE_URL');

/** Run `stop` once on SIGINT, SIGTERM or SIGHUP, then exit 0 (1 if it throws). */
export function onShutdownSignal(stop: (signal: NodeJS.Signals) => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    stop(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`error while stopping: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, handler);
}

/** Open the services (no worker) for one command, run `fn`, close them. */
export async function withServices<T>(
  o: { dataDir?: string; database?: string },
  fn: (s: Awaited<ReturnType<typeof createServices>>) => Promise<T>,
): Promise<T> {
  const s = await createServices(
    loadConfig({ dataDir: resolveDataDir(o.dataDir), databaseUrl: o.database ?? null, runWorker: false }),
    pino({ level: 'warn' }),
  );
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}
