/**
 * Migration 017 (report delivery, issue 13): who receives a branch's or a group's daily
 * counting report on WhatsApp, and the link from a delivery to the report it carries. Never
 * edit once landed.
 *
 * - `report_recipients`: one row per branch or group (exactly one of the two), with its numbers
 *   (JSON array of E.164), the report's language (`en`, `id`) and whether it is on.
 * - `counting_reports.deliver`: the schedule asked for this report to go to its recipients;
 *   `delivered_at`: when its deliveries were queued (once per report: a regeneration for late
 *   detections does not send it again).
 * - `notification_deliveries.report_id` and `document_language`: a `report` delivery carries the
 *   report's PDF in that language; one delivery per report and number.
 */
import { sql, type Kysely } from 'kysely';

/** Apply. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE report_recipients (
      id INTEGER PRIMARY KEY,
      branch_id INTEGER REFERENCES company_branches (id) ON DELETE CASCADE,
      group_id INTEGER REFERENCES company_groups (id) ON DELETE CASCADE,
      phones TEXT NOT NULL DEFAULT '[]',
      language TEXT NOT NULL DEFAULT 'id' CHECK (language IN ('en', 'id')),
      enabled INTEGER NOT NULL DEFAULT 1,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      CHECK ((branch_id IS NULL) <> (group_id IS NULL))
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX report_recipients_branch ON report_recipients (branch_id) WHERE branch_id IS NOT NULL`.execute(
    db,
  );
  await sql`CREATE UNIQUE INDEX report_recipients_group ON report_recipients (group_id) WHERE group_id IS NOT NULL`.execute(
    db,
  );
  await sql`ALTER TABLE counting_reports ADD COLUMN deliver INTEGER NOT NULL DEFAULT 0`.execute(db);
  await sql`ALTER TABLE counting_reports ADD COLUMN delivered_at TEXT`.execute(db);
  await sql`ALTER TABLE notification_deliveries ADD COLUMN report_id INTEGER REFERENCES counting_reports (id) ON DELETE CASCADE`.execute(
    db,
  );
  await sql`ALTER TABLE notification_deliveries ADD COLUMN document_language TEXT`.execute(db);
  await sql`CREATE UNIQUE INDEX notification_deliveries_report ON notification_deliveries (report_id, phone) WHERE report_id IS NOT NULL`.execute(
    db,
  );
}

/** Revert. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX notification_deliveries_report`.execute(db);
  await sql`DELETE FROM notification_deliveries WHERE report_id IS NOT NULL`.execute(db);
  await sql`ALTER TABLE notification_deliveries DROP COLUMN document_language`.execute(db);
  await sql`ALTER TABLE notification_deliveries DROP COLUMN report_id`.execute(db);
  await sql`ALTER TABLE counting_reports DROP COLUMN delivered_at`.execute(db);
  await sql`ALTER TABLE counting_reports DROP COLUMN deliver`.execute(db);
  await sql`DROP TABLE report_recipients`.execute(db);
}
