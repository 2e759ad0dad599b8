/**
 * Migration 021 (scale mode, issue 17): the hourly request limits of API credentials counted
 * across processes. Never edit once landed.
 *
 * - `api_rate_windows`: per credential and clock-hour window (hours since the epoch), the requests
 *   every process counted, added each second by each process (security/hourly-rate-limiter.ts).
 *   Rows of past windows are pruned. Used on PostgreSQL; SQLite has one process and counts in
 *   memory as before.
 * - `login_limits`: the sign-in limiter's counters (rate-limiter-flexible's RateLimiterPostgres
 *   table, in the library's own column types: `INT4`, which the DDL rewrite leaves alone), keyed
 *   by the limiter's prefix and the account or address. Used on PostgreSQL.
 */
import { sql, type Kysely } from 'kysely';

/** Apply. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE api_rate_windows (
      credential_id INTEGER NOT NULL,
      window_start INTEGER NOT NULL,
      count INTEGER NOT NULL,
      PRIMARY KEY (credential_id, window_start)
    )`.execute(db);
  await sql`CREATE TABLE login_limits (
      key VARCHAR(255) PRIMARY KEY,
      points INT4 NOT NULL DEFAULT 0,
      expire BIGINT
    )`.execute(db);
}

/** Revert. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE login_limits`.execute(db);
  await sql`DROP TABLE api_rate_windows`.execute(db);
}
