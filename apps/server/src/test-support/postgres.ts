/**
 * The PostgreSQL tier of the tests: with `PANTAU_TEST_POSTGRES` set to a server's admin URL
 * (`postgres://postgres@127.0.0.1:PORT/postgres`; scripts/test-postgres.mjs starts a throwaway
 * server and sets it), every test database is a fresh PostgreSQL database instead of a
 * temporary SQLite file; without it, null (SQLite).
 *
 * Databases made here are dropped when the test process (one per test file) exits,
 * synchronously: libpq's calls block, which is what an exit handler needs.
 */
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { SqliteConnection, type SqlConnection } from '../db/connection.js';
import { PgConnection } from '../db/pg-connection.js';

/** The admin URL of the test server, or null when the tests run on SQLite. */
export function testPostgresAdminUrl(): string | null {
  return process.env.PANTAU_TEST_POSTGRES || null;
}

/** Which engine this test run uses. */
export const testEngine: 'sqlite' | 'postgres' = testPostgresAdminUrl() ? 'postgres' : 'sqlite';

let admin: PgConnection | null = null;
let made: string[] = [];
let n = 0;
/** data directory → its database: a server restarted on the same directory finds its data */
const byDataDir = new Map<string, string>();

/** The URL of database `name` on the admin URL's server. */
function urlOf(adminUrl: string, name: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * A new, empty database on the test server (migrated by whoever opens it), or null on SQLite.
 * @param dataDir the data directory it goes with: asked again for the same directory (a
 *   restart, a crash test), the same database
 * @throws Error when the server cannot be reached
 */
export function testDatabaseUrl(dataDir?: string): string | null {
  const adminUrl = testPostgresAdminUrl();
  if (!adminUrl) return null;
  const known = dataDir ? byDataDir.get(dataDir) : undefined;
  if (known) return known;
  if (!admin) {
    admin = new PgConnection(adminUrl, 'pantau-tests');
    process.once('exit', dropAll);
  }
  const name = `pantau_t${process.pid}_${++n}_${Date.now().toString(36)}`;
  admin.exec(`CREATE DATABASE ${name}`);
  made.push(name);
  const url = urlOf(adminUrl, name);
  if (dataDir) byDataDir.set(dataDir, url);
  return url;
}

function dropAll(): void {
  for (const name of made) {
    try {
      admin?.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } catch {
      // gone
    }
  }
  made = [];
  admin?.close();
}

/**
 * A second connection to a test server's database, of its own (read-only on SQLite): for tests
 * that read what is stored with a reader that is not the server's (secrets at rest, crash
 * leftovers). Close it after.
 * @param dataDir the server's data directory (its database on the PostgreSQL tier)
 */
export function openReader(dataDir: string): SqlConnection {
  const url = testDatabaseUrl(dataDir);
  return url
    ? new PgConnection(url, 'pantau-test-reader')
    : new SqliteConnection(new SQLite(path.join(dataDir, 'pantau.sqlite'), { readonly: true }));
}
