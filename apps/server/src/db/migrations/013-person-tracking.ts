/**
 * Migration 013 (person tracking, issue 12). Never edit once landed.
 *
 * - `re_id_masters.note`: an operator's note on a person (the label already exists).
 * - `re_id_branch_detections.event_log_id`: the event a detection made, so a person's detection
 *   history shows each one's snapshot; null for detections stored before this migration.
 * The history and the journey read a person's detections through the (re_id, branch_id) index
 * and sort them by time: a person has hundreds or thousands, not millions, and a second index
 * in time order would cost ~20 bytes on every detection for ever.
 */
import { sql, type Kysely } from 'kysely';

/** Apply. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE re_id_masters ADD COLUMN note TEXT`.execute(db);
  await sql`ALTER TABLE re_id_branch_detections ADD COLUMN event_log_id INTEGER`.execute(db);
}

/** Revert. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE re_id_branch_detections DROP COLUMN event_log_id`.execute(db);
  await sql`ALTER TABLE re_id_masters DROP COLUMN note`.execute(db);
}
