/**
 * Migration 007 (issue 5, the alarm workflow): every event-log row is an alarm.
 *
 * - `event_logs` gets its state (`new` | `acknowledged` | `closed`, default `new`, so the
 *   detection path inserts nothing more), who closed it and when, and when it escalated;
 *   `acknowledged_by` / `acknowledged_at` are 001's columns.
 * - `alarm_actions`: the timeline, one row per change (acknowledged, closed, escalated, note);
 *   the `created` entry is the event row itself, not stored twice (detections are the hot path).
 * - `alarm_escalation_settings`: per branch, whether and after how many seconds a `new` alarm
 *   escalates, and the second list of WhatsApp numbers (JSON array of E.164 strings).
 *
 * The partial index holds only alarms that could still escalate, so the 5-second escalation
 * tick stays cheap however many alarms are ever acknowledged. Never edit once landed.
 */
import { sql, type Kysely } from 'kysely';

/** Apply. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('event_logs')
    .addColumn('alarm_state', 'text', (c) => c.notNull().defaultTo('new'))
    .execute();
  await db.schema.alterTable('event_logs').addColumn('closed_by', 'integer').execute();
  await db.schema.alterTable('event_logs').addColumn('closed_at', 'text').execute();
  await db.schema.alterTable('event_logs').addColumn('escalated_at', 'text').execute();
  // rows acknowledged before the workflow existed keep that fact
  await sql`UPDATE event_logs SET alarm_state = 'acknowledged' WHERE acknowledged_at IS NOT NULL`.execute(db);
  // the alarm list by state (and branch), newest first, and the unacknowledged counts
  await db.schema
    .createIndex('event_logs_alarm_idx')
    .on('event_logs')
    .columns(['alarm_state', 'branch_id', 'id'])
    .execute();
  await sql`CREATE INDEX event_logs_escalation_idx ON event_logs (branch_id, created_at) WHERE alarm_state = 'new' AND escalated_at IS NULL`.execute(
    db,
  );

  await db.schema
    .createTable('alarm_actions')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('event_log_id', 'integer', (c) => c.notNull().references('event_logs.id').onDelete('cascade'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('note', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alarm_actions_event_idx').on('alarm_actions').columns(['event_log_id', 'id']).execute();

  await db.schema
    .createTable('alarm_escalation_settings')
    .addColumn('branch_id', 'integer', (c) => c.primaryKey().references('company_branches.id').onDelete('cascade'))
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('escalate_after_seconds', 'integer', (c) => c.notNull())
    .addColumn('numbers', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('enabled_since', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

/** Revert. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('alarm_escalation_settings').ifExists().execute();
  await db.schema.dropTable('alarm_actions').ifExists().execute();
  await db.schema.dropIndex('event_logs_escalation_idx').ifExists().execute();
  await db.schema.dropIndex('event_logs_alarm_idx').ifExists().execute();
  for (const c of ['escalated_at', 'closed_at', 'closed_by', 'alarm_state'])
    await db.schema.alterTable('event_logs').dropColumn(c).execute();
}
