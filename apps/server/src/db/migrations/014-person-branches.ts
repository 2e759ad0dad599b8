/**
 * Migration 014 (person tracking at fleet scale, issue 12). Never edit once landed.
 *
 * - `person_branches`: one row per person and branch they were seen at (detections, sum of
 *   detected_count, first and last detection as epoch ms), kept in the detection's transaction.
 *   It is the person's branch detection summary as the detail shows it, the "first time at this
 *   branch" test of the person counters, and, through (branch_id, last_detection), a branch's
 *   persons newest first: at 10 M detections the persons list of one branch walked every person
 *   and probed the detections (248 ms, `bench/analytics.mjs`); now it reads that branch's rows.
 * - `re_id_branch_detections`' person index becomes (re_id, detection_timestamp): nothing looks
 *   detections up by (re_id, branch_id) any more, and a person's history and journey read them
 *   in time order without sorting.
 * Backfilled from the detections (one GROUP BY over the old index, before it goes).
 */
import { sql, type Kysely } from 'kysely';

/** Apply. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE person_branches (
      re_id TEXT NOT NULL,
      branch_id INTEGER NOT NULL,
      detection_count INTEGER NOT NULL,
      detected_sum INTEGER NOT NULL,
      first_detection INTEGER NOT NULL,
      last_detection INTEGER NOT NULL,
      PRIMARY KEY (re_id, branch_id)
    ) WITHOUT ROWID`.execute(db);
  await sql`INSERT INTO person_branches
      SELECT re_id, branch_id, COUNT(*), SUM(detected_count), MIN(detection_timestamp), MAX(detection_timestamp)
      FROM re_id_branch_detections GROUP BY re_id, branch_id`.execute(db);
  await sql`CREATE INDEX person_branches_branch_last_idx ON person_branches (branch_id, last_detection)`.execute(db);
  await sql`DROP INDEX re_id_branch_detections_person_idx`.execute(db);
  await sql`CREATE INDEX re_id_branch_detections_person_time_idx ON re_id_branch_detections (re_id, detection_timestamp)`.execute(
    db,
  );
}

/** Revert. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX re_id_branch_detections_person_time_idx`.execute(db);
  await sql`CREATE INDEX re_id_branch_detections_person_idx ON re_id_branch_detections (re_id, branch_id)`.execute(db);
  await sql`DROP TABLE person_branches`.execute(db);
}
