/**
 * Migration 015 (counting reports, issue 13): `counting_reports`, the report cache (DESIGN §2).
 * Never edit once landed.
 *
 * One row per (report_type, report_date, scope_key): `scope_key` names what the report covers
 * (`b:<branch>`, `g:<group>`, `all`; a scoped user's view of a group or of everything adds the
 * branch list, `g:3/1,2`), so two requests for the same report find the same row, and the row is
 * created with the job that generates it (`status` generating → ready | failed). `branch_ids`
 * (JSON) are the branches counted, for the scope check of an export and the stale check, which
 * compares `total_detections` with the rollups. `requested_by` (JSON user ids) are told
 * `report_ready` when it is done.
 */
import { sql, type Kysely } from 'kysely';

/** Apply. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE counting_reports (
      id INTEGER PRIMARY KEY,
      report_type TEXT NOT NULL CHECK (report_type IN ('daily', 'weekly', 'monthly')),
      report_date TEXT NOT NULL,
      period_end TEXT NOT NULL,
      scope_key TEXT NOT NULL,
      branch_id INTEGER,
      group_id INTEGER,
      branch_ids TEXT NOT NULL,
      timezone TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('generating', 'ready', 'failed')),
      total_detections INTEGER NOT NULL DEFAULT 0,
      total_detected_count INTEGER NOT NULL DEFAULT 0,
      unique_person_count INTEGER NOT NULL DEFAULT 0,
      report_data TEXT,
      generated_at TEXT,
      stale INTEGER NOT NULL DEFAULT 0,
      late_detections INTEGER NOT NULL DEFAULT 0,
      job_id INTEGER,
      requested_by TEXT NOT NULL DEFAULT '[]',
      requested_at TEXT NOT NULL,
      error TEXT,
      UNIQUE (report_type, report_date, scope_key)
    )`.execute(db);
  await sql`CREATE INDEX counting_reports_period_end_idx ON counting_reports (period_end)`.execute(db);
}

/** Revert. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('counting_reports').execute();
}
