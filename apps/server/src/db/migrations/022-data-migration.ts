/**
 * Migration 022 (scale mode, issue 17): `pantau migrate-data`'s progress, kept in the database it
 * copies into, so a copy stopped anywhere (Ctrl-C, `kill -9`, a lost connection) goes on from its
 * last committed chunk. Never edit once landed.
 *
 * One row per copied table: which source it comes from, how many rows that source had, the
 * primary key of the last row committed (a JSON array), rows copied so far, and the phase
 * (`rows`, then `links` for a table that refers to itself, then `done`). Each chunk of rows
 * commits with its table's row here (services/data-migration.ts). Empty on a database that was
 * never the target of a copy (and always on SQLite, which is only ever the source).
 */
import { sql, type Kysely } from 'kysely';

/** Apply. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE data_migration_progress (
      table_name TEXT PRIMARY KEY,
      source TEXT NOT NULL,
      position INTEGER NOT NULL,
      phase TEXT NOT NULL CHECK (phase IN ('rows', 'links', 'done')),
      source_rows INTEGER NOT NULL,
      rows_copied INTEGER NOT NULL DEFAULT 0,
      last_key TEXT,
      started_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`.execute(db);
}

/** Revert. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE data_migration_progress`.execute(db);
}
