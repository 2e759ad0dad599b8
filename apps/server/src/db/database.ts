/**
 * Opens the database, the embedded SQLite file (better-sqlite3, WAL) or PostgreSQL (scale
 * mode, `--database postgres://…`), with Kysely on top as the query builder, and runs the
 * numbered migrations (the same ones on both engines: db/pg-dialect.ts rewrites their DDL).
 *
 * Durability: WAL with `synchronous=NORMAL` makes every committed transaction survive a
 * crash of the process (`kill -9`); only a power cut can lose the last few commits
 * (SQLite docs, "WAL mode … synchronous=NORMAL"). MACHINE.md: ~100 k commits/s here.
 * PostgreSQL commits with its own settings (`synchronous_commit = on` by default: a commit
 * survives a power cut once acknowledged).
 */
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  Kysely,
  Migrator,
  SqliteDialect,
  type Migration,
  type MigrationProvider,
  type MigrationResultSet,
} from 'kysely';
import type { Database } from './schema.js';
import { secureDataDir } from '../security/data-dir.js';
import { SqliteConnection, type Engine, type SqlConnection } from './connection.js';
import { PgConnection } from './pg-connection.js';
import { SyncPgDialect } from './pg-dialect.js';
import * as m001 from './migrations/001-initial.js';
import * as m002 from './migrations/002-access-audit.js';
import * as m003 from './migrations/003-device-api.js';
import * as m004 from './migrations/004-snapshots.js';
import * as m005 from './migrations/005-notifications.js';
import * as m006 from './migrations/006-layouts.js';
import * as m007 from './migrations/007-alarms.js';
import * as m008 from './migrations/008-webhook-parked.js';
import * as m009 from './migrations/009-job-claim.js';
import * as m010 from './migrations/010-idempotency-window.js';
import * as m011 from './migrations/011-detection-times.js';
import * as m012 from './migrations/012-rollups.js';
import * as m013 from './migrations/013-person-tracking.js';
import * as m014 from './migrations/014-person-branches.js';
import * as m015 from './migrations/015-counting-reports.js';
import * as m016 from './migrations/016-person-periods.js';
import * as m017 from './migrations/017-report-delivery.js';
import * as m018 from './migrations/018-alarm-rules.js';
import * as m019 from './migrations/019-stream-media.js';
import * as m020 from './migrations/020-cluster.js';
import * as m021 from './migrations/021-shared-limits.js';
import * as m022 from './migrations/022-data-migration.js';

/** The migrations, in order. Names are their numbers; never rename or edit a landed one. */
const MIGRATIONS: Record<string, Migration> = {
  '001-initial': m001,
  '002-access-audit': m002,
  '003-device-api': m003,
  '004-snapshots': m004,
  '005-notifications': m005,
  '006-layouts': m006,
  '007-alarms': m007,
  '008-webhook-parked': m008,
  '009-job-claim': m009,
  '010-idempotency-window': m010,
  '011-detection-times': m011,
  '012-rollups': m012,
  '013-person-tracking': m013,
  '014-person-branches': m014,
  '015-counting-reports': m015,
  '016-person-periods': m016,
  '017-report-delivery': m017,
  '018-alarm-rules': m018,
  '019-stream-media': m019,
  '020-cluster': m020,
  '021-shared-limits': m021,
  '022-data-migration': m022,
};

/** The names of this version's migrations, in order. */
export function migrationNames(): string[] {
  return Object.keys(MIGRATIONS);
}

/**
 * An embedded database opened read-only, with no WAL or pragma changes: what `pantau
 * migrate-data` copies from (a read transaction on it is a snapshot).
 * @param file the `pantau.sqlite` file
 * @throws Error when the file does not exist or is not a database
 */
export function openSqliteReadOnly(file: string): SqliteConnection {
  const sqlite = new SQLite(file, { readonly: true, fileMustExist: true });
  sqlite.pragma('busy_timeout = 5000');
  // fails here, not half-way, when the file is not a database
  sqlite.prepare('SELECT COUNT(*) FROM sqlite_schema').get();
  return new SqliteConnection(sqlite);
}

class StaticMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

/** An open database: the Kysely query builder and the synchronous connection under it. */
export interface Db {
  engine: Engine;
  kysely: Kysely<Database>;
  /** The connection: only repositories and the executor use it (prepared statements on hot paths). */
  conn: SqlConnection;
  /** SQLite: the database file; PostgreSQL: the connection URL without its password */
  file: string;
  /** PostgreSQL: the connection URL (with its password), for the other connections of the process (LISTEN); null on SQLite */
  url: string | null;
  /**
   * Whether the database answers a trivial query (`SELECT 1`): the health check's probe, so
   * routes need no handle of their own.
   * @returns false when it does not (closed, file unreadable); never throws
   */
  ping(): boolean;
  close(): Promise<void>;
}

/**
 * Open the database: PostgreSQL when `databaseUrl` is given, else (creating if needed)
 * `<dataDir>/pantau.sqlite`.
 * @param dataDir directory, created if missing; made private to this user (0700, files 0600)
 * @param databaseUrl `postgres://user:password@host:port/database` (or a libpq connection string)
 * @throws Error when PostgreSQL cannot be reached, or its binding is not installed
 */
export function openDatabase(dataDir: string, databaseUrl: string | null = null): Db {
  // 0700 directory, 0600 files, private new files (security/data-dir.ts)
  secureDataDir(dataDir);
  if (databaseUrl) return openPostgres(databaseUrl);
  const file = path.join(dataDir, 'pantau.sqlite');
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  const conn = new SqliteConnection(sqlite);
  return {
    engine: 'sqlite',
    kysely,
    conn,
    file,
    url: null,
    ping() {
      try {
        sqlite.prepare('SELECT 1').get();
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await kysely.destroy();
    },
  };
}

/** The URL without its password, for logs and `Db.file`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/password=\S+/i, 'password=***');
  }
}

/**
 * Open PostgreSQL without a data directory (`pantau migrate-data`'s target).
 * @throws Error when PostgreSQL cannot be reached, or its binding is not installed
 */
export function openPostgres(url: string): Db {
  const conn = new PgConnection(url);
  const kysely = new Kysely<Database>({ dialect: new SyncPgDialect(conn) });
  return {
    engine: 'postgres',
    kysely,
    conn,
    file: redactUrl(url),
    url,
    ping() {
      try {
        conn.simple('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      conn.close();
    },
  };
}

/**
 * The raw better-sqlite3 handle, for SQLite-only code (pragmas, the report figures' reader).
 * @throws Error on PostgreSQL
 */
export function sqliteHandle(db: Pick<Db, 'conn'>): SQLite.Database {
  if (!(db.conn instanceof SqliteConnection)) throw new Error('this needs the embedded SQLite database');
  return db.conn.raw;
}

/** The Kysely instance migrations run on: on PostgreSQL its DDL is rewritten (db/pg-dialect.ts). */
function migrationDb(db: Db): Kysely<Database> {
  return db.conn instanceof PgConnection
    ? new Kysely<Database>({ dialect: new SyncPgDialect(db.conn, { translateDdl: true }) })
    : db.kysely;
}

/**
 * Run every pending migration (or revert the last one with `direction: 'down'`). On
 * PostgreSQL the migrator holds an advisory lock, so processes starting together migrate once.
 * @throws Error naming the failed migration
 */
export async function migrate(db: Db, direction: 'up' | 'down' = 'up'): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db: migrationDb(db), provider: new StaticMigrationProvider() });
  const result = direction === 'up' ? await migrator.migrateToLatest() : await migrator.migrateDown();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    throw new Error(
      `migration ${failed?.migrationName ?? '?'} failed: ${String((result.error as Error).message ?? result.error)}`,
    );
  }
  return result;
}

/**
 * Migrate up or down to exactly `name` (applied, later ones reverted): for tests that need the
 * schema as it was at one migration, whatever the latest is.
 * @throws Error naming the migration that failed, or an unknown name
 */
export async function migrateTo(db: Db, name: keyof typeof MIGRATIONS): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db: migrationDb(db), provider: new StaticMigrationProvider() });
  const result = await migrator.migrateTo(name);
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    throw new Error(
      `migration ${failed?.migrationName ?? '?'} failed: ${String((result.error as Error).message ?? result.error)}`,
    );
  }
  return result;
}

/** Current time as stored in the database: ISO-8601 UTC with ms. */
export function nowIso(now: number = Date.now()): string {
  return new Date(now).toISOString();
}
