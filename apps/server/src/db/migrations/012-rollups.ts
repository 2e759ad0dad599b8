/**
 * Migration 012 (dashboard and counting, issue 12): rollups of the detections, written in the
 * detection's own transaction (repositories/detection-repository.ts), so they are exact after a
 * crash and a resend. Never edit once landed.
 *
 * - `detection_hourly`: per branch, site-local day and hour, and device: detections and the sum
 *   of `detected_count`. The hour is the one the detection's own timestamp falls on in its
 *   branch's time zone, so a late detection from a store-and-forward batch lands in its hour.
 * - `detection_daily`: per branch and site-local day: the same two sums and the unique persons
 *   (kept apart from the hourly rows so a 14-day series reads 14 rows per branch, not 24 × devices).
 * - `person_days`: one row per (branch, site-local day, re_id), the first time a person is seen
 *   there that day; inserting it is what counts a unique person.
 * All three are keyed by their b-tree (`WITHOUT ROWID`): the key is the row.
 */
import { sql, type Kysely } from 'kysely';

/** Apply. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE detection_hourly (
      branch_id INTEGER NOT NULL,
      local_day TEXT NOT NULL,
      local_hour INTEGER NOT NULL,
      device_id TEXT NOT NULL,
      detections INTEGER NOT NULL,
      detected_sum INTEGER NOT NULL,
      PRIMARY KEY (branch_id, local_day, local_hour, device_id)
    ) WITHOUT ROWID`.execute(db);
  await sql`CREATE TABLE detection_daily (
      branch_id INTEGER NOT NULL,
      local_day TEXT NOT NULL,
      detections INTEGER NOT NULL,
      detected_sum INTEGER NOT NULL,
      unique_persons INTEGER NOT NULL,
      PRIMARY KEY (branch_id, local_day)
    ) WITHOUT ROWID`.execute(db);
  await sql`CREATE TABLE person_days (
      branch_id INTEGER NOT NULL,
      local_day TEXT NOT NULL,
      re_id TEXT NOT NULL,
      PRIMARY KEY (branch_id, local_day, re_id)
    ) WITHOUT ROWID`.execute(db);
}

/** Revert. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['person_days', 'detection_daily', 'detection_hourly']) await db.schema.dropTable(t).execute();
}
