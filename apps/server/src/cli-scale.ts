/**
 * The scale-mode commands of `pantau` (S14): `cluster` (PostgreSQL, N server processes and
 * HAProxy on this machine) and `migrate-data` (an embedded database copied into PostgreSQL).
 */
import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { PantauError } from '@pantau/shared';
import { SERVER_ROLES, type ServerConfig } from './config.js';
import { startLocalCluster } from './cluster/local-cluster.js';
import { migrate, migrationNames, openPostgres, openSqliteReadOnly, redactUrl } from './db/database.js';
import { SourceDataRepository, TargetDataRepository } from './repositories/data-copy-repository.js';
import { ClusterRepository } from './repositories/cluster-repository.js';
import { DEFAULT_CHUNK_ROWS, migrateData, type DataMigrationProgress } from './services/data-migration.js';
import { progressBar, type ProgressBar } from './cli-progress.js';
import { onShutdownSignal, port, withServices } from './cli-support.js';

/**
 * `--from sqlite:PATH`: the embedded database file, PATH being it or the data directory holding
 * `pantau.sqlite`.
 * @throws PantauError VALIDATION_ERROR (field `from`)
 */
export function sqliteSourceFile(from: string): string {
  if (!from.startsWith('sqlite:'))
    throw new PantauError('VALIDATION_ERROR', '--from must be sqlite:PATH (a data directory or its pantau.sqlite)', {
      field: 'from',
    });
  const p = path.resolve(from.slice('sqlite:'.length) || '.');
  const file = fs.existsSync(p) && fs.statSync(p).isDirectory() ? path.join(p, 'pantau.sqlite') : p;
  if (!fs.existsSync(file))
    throw new PantauError('VALIDATION_ERROR', `--from: no database at ${file}`, { field: 'from' });
  return file;
}

/** Add `cluster` and `migrate-data` to `program`. */
export function addScaleCommands(program: Command): void {
  program
    .command('cluster')
    .description(
      'try scale mode on this machine: PostgreSQL, N server processes and HAProxy terminating TLS in front (Ctrl-C stops all)',
    )
    .option('--processes <n>', 'server processes (role all)', port, 3)
    .option('--roles <roles>', 'the role of each process instead, comma-separated (e.g. api,api,worker,gateway)')
    .option('--port <port>', "HAProxy's https port", port, 8443)
    .option('--dir <dir>', 'where the database, data directory and HAProxy files go', './cluster')
    .option('--admin-email <email>', 'an admin made in the database when it has none', 'admin@pantau.local')
    .option('--admin-password <password>', 'its password', 'pantau-admin')
    .action(
      async (o: {
        processes: number;
        roles?: string;
        port: number;
        dir: string;
        adminEmail: string;
        adminPassword: string;
      }) => {
        const roles = (o.roles ? o.roles.split(',') : Array.from({ length: o.processes }, () => 'all')).map((r) => {
          if (!(SERVER_ROLES as readonly string[]).includes(r))
            throw new InvalidArgumentError(`--roles: ${r} is not one of ${SERVER_ROLES.join(', ')}`);
          return r as ServerConfig['role'];
        });
        const cluster = await startLocalCluster({
          dir: path.resolve(o.dir),
          roles,
          port: o.port,
          durable: true,
          logLevel: 'info',
          onLog: (source, line) => console.log(`[${source}] ${line}`),
        });
        // the admin to sign in with, on the first run (a later run keeps the one there)
        await withServices({ dataDir: cluster.dataDir, database: cluster.databaseUrl }, async (s) => {
          await s.auth
            .createUser({ email: o.adminEmail, password: o.adminPassword, role: 'admin', name: 'Administrator' })
            .catch((err: unknown) => {
              if (!(err instanceof PantauError && err.code === 'CONFLICT')) throw err;
            });
        });
        console.log(
          JSON.stringify({
            console: `${cluster.url}/console/`,
            sha256_fingerprint: cluster.tls.fingerprint256,
            certificate: cluster.certFile,
            database: cluster.databaseUrl,
            processes: cluster.processes.map((p) => ({ name: p.name, role: p.role, url: p.url })),
          }),
        );
        onShutdownSignal(async () => {
          await cluster.stop();
        });
      },
    );

  program
    .command('migrate-data')
    .description(
      'copy the embedded SQLite database into PostgreSQL (scale mode), verified by row counts and per-table checksums; run again to go on after a stop',
    )
    .requiredOption('--from <sqlite:PATH>', 'the source: sqlite:<data directory> or sqlite:<file>')
    .addOption(
      new Option('--to <url>', 'the target PostgreSQL database: postgres://user:password@host:port/database')
        .env('PANTAU_DATABASE_URL')
        .makeOptionMandatory(),
    )
    .option(
      '--chunk-rows <n>',
      'rows per committed chunk',
      (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new InvalidArgumentError('whole rows, 1–100000');
        return n;
      },
      DEFAULT_CHUNK_ROWS,
    )
    .action(async (o: { from: string; to: string; chunkRows: number }) => {
      const file = sqliteSourceFile(o.from);
      if (!/^postgres(ql)?:\/\//.test(o.to))
        throw new PantauError('VALIDATION_ERROR', '--to must be a postgres:// URL', { field: 'to' });
      const source = openSqliteReadOnly(file);
      const target = openPostgres(o.to);
      try {
        await migrate(target);
        let bar: ProgressBar | null = null;
        let stage: DataMigrationProgress['stage'] | null = null;
        const r = await migrateData({
          source: new SourceDataRepository(source),
          target: new TargetDataRepository(target.conn),
          sourceProcesses: new ClusterRepository(source),
          targetProcesses: new ClusterRepository(target.conn),
          sourceLabel: `sqlite:${file}`,
          migrations: migrationNames(),
          chunkRows: o.chunkRows,
          onProgress: (p) => {
            if (p.stage !== stage) {
              bar?.stop();
              stage = p.stage;
              bar = progressBar(p.stage === 'copy' ? 'copying' : 'verifying', 'rows', { table: 'label' });
            }
            bar!.update(p.done, p.total, { table: p.table });
          },
        });
        (bar as ProgressBar | null)?.stop();
        console.log(JSON.stringify({ ...r, target: redactUrl(o.to) }));
        if (!r.verified) {
          const bad = r.tables.filter((t) => !t.match).map((t) => t.table);
          console.error(`error: the copy differs from the source in ${bad.join(', ')}`);
          process.exitCode = 1;
          return;
        }
        console.error(
          `copied and verified ${r.rows} rows in ${r.tables.length} tables (${(r.ms / 1000).toFixed(1)} s). ` +
            `Serve with the same data directory (its master.key and snapshots): ` +
            `pantau serve --data-dir ${path.dirname(file)} --database <url>`,
        );
      } finally {
        source.close();
        await target.close();
      }
    });
}
