/**
 * Which engine a migration runs on, for the statements the two engines write differently
 * (triggers, table rebuilds, date arithmetic); their DDL is rewritten for PostgreSQL by
 * db/pg-dialect.ts, so most migrations need none of this.
 */
import { PostgresAdapter, type Kysely } from 'kysely';

/** True when `db` is the PostgreSQL migrator's instance. */
export function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
