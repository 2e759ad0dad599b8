/**
 * Migration 011 (storage, issue 11): the detection rows keep their times as epoch milliseconds.
 * Never edit once landed.
 *
 * `re_id_branch_detections` is the one table that grows by a row per detection for as long as
 * the fleet runs, and its two times were ISO-8601 text (24 bytes each, and again in the
 * (branch_id, detection_timestamp) index). As INTEGER milliseconds they take 6 bytes: measured
 * with `bench/ingest.mjs` (SQLite `dbstat`), 143 → ~90 bytes per detection for the table and its
 * indexes. `detection_timestamp` and `created_at` keep their names (the data model's); the read
 * repository turns them back into ISO-8601 UTC, so the API is unchanged.
 *
 * The table is rebuilt (a column's type cannot be altered in SQLite); the copy converts with
 * `unixepoch(…, 'subsec')`, exact to the millisecond for the `toISOString()` text stored so far
 * (on PostgreSQL: `extract(epoch …)`, and `to_char` back).
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { isPostgres } from '../migration-engine.js';
import { PG_NOW_ISO } from '../pg-dialect.js';

/** ISO-8601 text → epoch ms, on the migration's engine. */
const toMs = (db: Kysely<unknown>, col: string): RawBuilder<unknown> =>
  isPostgres(db)
    ? sql.raw(`CAST(ROUND(EXTRACT(EPOCH FROM CAST(${col} AS timestamptz)) * 1000) AS BIGINT)`)
    : sql.raw(`CAST(ROUND(unixepoch(${col}, 'subsec') * 1000) AS INTEGER)`);

/** epoch ms → ISO-8601 text, on the migration's engine. */
const toIso = (db: Kysely<unknown>, col: string): RawBuilder<unknown> =>
  isPostgres(db)
    ? sql.raw(PG_NOW_ISO.replace('now()', `to_timestamp(${col} / 1000.0)`))
    : sql.raw(`strftime('%Y-%m-%dT%H:%M:%fZ', ${col} / 1000.0, 'unixepoch')`);

const CREATE = (name: string, timeType: 'INTEGER' | 'TEXT') =>
  sql.raw(`CREATE TABLE ${name} (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      re_id TEXT NOT NULL,
      branch_id INTEGER NOT NULL,
      device_id TEXT NOT NULL,
      detected_count INTEGER NOT NULL,
      detection_timestamp ${timeType} NOT NULL,
      detection_data TEXT,
      image_path TEXT,
      created_at ${timeType} NOT NULL${timeType === 'TEXT' ? ` DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))` : ''}
    )`);

async function indexes(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('re_id_branch_detections_person_idx')
    .on('re_id_branch_detections')
    .columns(['re_id', 'branch_id'])
    .execute();
  await db.schema
    .createIndex('re_id_branch_detections_branch_time_idx')
    .on('re_id_branch_detections')
    .columns(['branch_id', 'detection_timestamp'])
    .execute();
}

/** Apply. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await CREATE('re_id_branch_detections_new', 'INTEGER').execute(db);
  await sql`INSERT INTO re_id_branch_detections_new
      SELECT id, re_id, branch_id, device_id, detected_count,
        ${toMs(db, 'detection_timestamp')}, detection_data, image_path, ${toMs(db, 'created_at')}
      FROM re_id_branch_detections ORDER BY id`.execute(db);
  await db.schema.dropTable('re_id_branch_detections').execute();
  await sql`ALTER TABLE re_id_branch_detections_new RENAME TO re_id_branch_detections`.execute(db);
  await indexes(db);
}

/** Revert. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await CREATE('re_id_branch_detections_old', 'TEXT').execute(db);
  await sql`INSERT INTO re_id_branch_detections_old
      SELECT id, re_id, branch_id, device_id, detected_count,
        ${toIso(db, 'detection_timestamp')}, detection_data, image_path, ${toIso(db, 'created_at')}
      FROM re_id_branch_detections ORDER BY id`.execute(db);
  await db.schema.dropTable('re_id_branch_detections').execute();
  await sql`ALTER TABLE re_id_branch_detections_old RENAME TO re_id_branch_detections`.execute(db);
  await indexes(db);
}
