/**
 * Migration 010 (storage, issue 11): the idempotency keys become a window. Never edit once landed.
 *
 * - `detection_idempotency` is rebuilt `WITHOUT ROWID`: the key (device_id, event_id) is the
 *   table's b-tree, instead of a rowid table plus an index holding the same key again.
 * - `detection_idempotency_created_idx` (created_at) lets the hourly prune drop keys older than the
 *   window (`PANTAU_IDEMPOTENCY_DAYS`, default 7) by walking the oldest first, so the table stays
 *   the size of the window however long the fleet runs.
 */
import { sql, type Kysely } from 'kysely';

/** Apply. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE detection_idempotency_new (
      device_id TEXT NOT NULL,
      event_id TEXT NOT NULL,
      job_id INTEGER NOT NULL,
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
      PRIMARY KEY (device_id, event_id)
    ) WITHOUT ROWID`.execute(db);
  await sql`INSERT INTO detection_idempotency_new (device_id, event_id, job_id, created_at)
      SELECT device_id, event_id, job_id, created_at FROM detection_idempotency`.execute(db);
  await db.schema.dropTable('detection_idempotency').execute();
  await sql`ALTER TABLE detection_idempotency_new RENAME TO detection_idempotency`.execute(db);
  await db.schema
    .createIndex('detection_idempotency_created_idx')
    .on('detection_idempotency')
    .column('created_at')
    .execute();
}

/** Revert. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('detection_idempotency_created_idx').execute();
  await sql`CREATE TABLE detection_idempotency_old (
      device_id TEXT NOT NULL,
      event_id TEXT NOT NULL,
      job_id INTEGER NOT NULL,
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
      CONSTRAINT detection_idempotency_pk PRIMARY KEY (device_id, event_id)
    )`.execute(db);
  await sql`INSERT INTO detection_idempotency_old SELECT device_id, event_id, job_id, created_at FROM detection_idempotency`.execute(
    db,
  );
  await db.schema.dropTable('detection_idempotency').execute();
  await sql`ALTER TABLE detection_idempotency_old RENAME TO detection_idempotency`.execute(db);
}
