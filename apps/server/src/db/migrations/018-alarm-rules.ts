/**
 * Migration 018 (alarm rules, issue 14): an event is an alarm only when a rule raises it. Never
 * edit once landed.
 *
 * - `alarm_rules`: per branch, a condition (JSON, packages/shared `AlarmCondition`), its cameras
 *   (JSON array of device ids; empty = every camera), a time profile (JSON `TimeProfile`, null =
 *   always), a priority, the arming modes it belongs to (JSON array; empty = every mode), a
 *   cooldown per (rule, camera, person), and its follow-ups (WhatsApp, auto-close, the
 *   acknowledgement target, the instruction text). Every existing branch gets the rule
 *   "Any person", always, medium, cooldown 0, WhatsApp on: exactly what every detection did before.
 * - `company_branches`: `armed` (1 by default), `arming_mode`, who changed it and when, the
 *   arming schedule (modes switched by time) and the mode it last set, and `rules_version`, bumped with every change to the branch's rules or arming: the detection path
 *   reads it with the branch row it reads anyway, and reloads its cached rules only when it moved
 *   (so an edit in one thread or process reaches the others without a message).
 * - `alarm_cooldowns`: the last alarm (epoch ms) of each (rule, camera, person) with a cooldown.
 * - `watchlist`: persons (re_id) watched, with a reason and who added them.
 * - `event_logs` rebuilt with `alarm_state` nullable (null = a plain event; SQLite cannot drop a
 *   NOT NULL in place) and the alarm's `priority`, `rule_id`, `rule_name`, `instructions`,
 *   `ack_target_s` (as the rule was when it raised it) and `auto_close_at`. Rows kept as they
 *   were: every stored event was an alarm, so each keeps its state and gets priority medium.
 *   The rebuild follows SQLite's documented procedure ("Making Other Kinds Of Table Schema
 *   Changes", sqlite.org/lang_altertable.html): foreign keys off, copy, drop, rename, check, so
 *   the rows that reference an event (alarm actions, deliveries, detections) are neither
 *   cascaded away nor left dangling. The whole migration (up or down) is one transaction.
 * - An alarm's `rule_id` stays when its rule is deleted (rule ids are AUTOINCREMENT, never
 *   reused); the alarm keeps the rule's name, priority and instructions of when it was raised.
 *
 * On PostgreSQL `event_logs` is altered in place (NOT NULL dropped, columns and checks added):
 * it can, and a dropped table would take its foreign keys with it. The migrator runs the
 * migration in a transaction there.
 */
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../migration-engine.js';

const EVENT_LOGS = (name: string, withRules: boolean) =>
  sql.raw(`CREATE TABLE ${name} (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      branch_id INTEGER NOT NULL,
      device_id TEXT NOT NULL,
      re_id TEXT NOT NULL,
      event_type TEXT NOT NULL,
      detected_count INTEGER NOT NULL,
      event_timestamp TEXT NOT NULL,
      image_path TEXT,
      notification_sent INTEGER NOT NULL DEFAULT 0,
      image_sent INTEGER NOT NULL DEFAULT 0,
      acknowledged_by INTEGER,
      acknowledged_at TEXT,
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
      ${
        withRules
          ? `alarm_state TEXT CHECK (alarm_state IN ('new', 'acknowledged', 'closed')),`
          : `alarm_state TEXT NOT NULL DEFAULT 'new',`
      }
      closed_by INTEGER,
      closed_at TEXT,
      escalated_at TEXT${
        withRules
          ? `,
      priority TEXT CHECK (priority IN ('critical', 'high', 'medium', 'low')),
      rule_id INTEGER,
      rule_name TEXT,
      instructions TEXT,
      ack_target_s INTEGER,
      auto_close_at TEXT,
      CHECK ((alarm_state IS NULL) = (priority IS NULL))`
          : ''
      }
    )`);

const OLD_COLUMNS = `id, branch_id, device_id, re_id, event_type, detected_count, event_timestamp, image_path,
  notification_sent, image_sent, acknowledged_by, acknowledged_at, created_at, alarm_state, closed_by, closed_at, escalated_at`;

async function eventIndexes(db: Kysely<unknown>, withRules: boolean, onlyNew = false): Promise<void> {
  if (!onlyNew) {
    await sql`CREATE INDEX event_logs_branch_idx ON event_logs (branch_id, id)`.execute(db);
    await sql`CREATE INDEX event_logs_alarm_idx ON event_logs (alarm_state, branch_id, id)`.execute(db);
    await sql`CREATE INDEX event_logs_escalation_idx ON event_logs (branch_id, created_at) WHERE alarm_state = 'new' AND escalated_at IS NULL`.execute(
      db,
    );
  }
  if (!withRules) return;
  // the alarm list (every state, newest first) without walking plain events
  await sql`CREATE INDEX event_logs_alarms_idx ON event_logs (branch_id, id) WHERE alarm_state IS NOT NULL`.execute(db);
  // the acknowledgement service level (alarms of a branch by when they were raised)
  await sql`CREATE INDEX event_logs_alarm_time_idx ON event_logs (branch_id, created_at) WHERE alarm_state IS NOT NULL`.execute(
    db,
  );
  // the auto-close tick: only alarms still open that will close by themselves
  await sql`CREATE INDEX event_logs_auto_close_idx ON event_logs (auto_close_at) WHERE auto_close_at IS NOT NULL AND alarm_state IN ('new', 'acknowledged')`.execute(
    db,
  );
}

/** PostgreSQL: event_logs altered in place, with the same columns, checks and indexes as the rebuild's. */
async function alterEventLogs(db: Kysely<unknown>, withRules: boolean): Promise<void> {
  if (withRules) {
    await sql`ALTER TABLE event_logs ALTER COLUMN alarm_state DROP NOT NULL, ALTER COLUMN alarm_state DROP DEFAULT,
        ADD CONSTRAINT event_logs_alarm_state_check CHECK (alarm_state IN ('new', 'acknowledged', 'closed')),
        ADD COLUMN priority TEXT CHECK (priority IN ('critical', 'high', 'medium', 'low')),
        ADD COLUMN rule_id BIGINT, ADD COLUMN rule_name TEXT, ADD COLUMN instructions TEXT,
        ADD COLUMN ack_target_s BIGINT, ADD COLUMN auto_close_at TEXT`.execute(db);
    await sql`UPDATE event_logs SET priority = 'medium'`.execute(db);
    await sql`ALTER TABLE event_logs ADD CONSTRAINT event_logs_alarm_priority_check CHECK ((alarm_state IS NULL) = (priority IS NULL))`.execute(
      db,
    );
    await eventIndexes(db, true, true);
  } else {
    for (const i of ['event_logs_alarms_idx', 'event_logs_alarm_time_idx', 'event_logs_auto_close_idx'])
      await sql.raw(`DROP INDEX ${i}`).execute(db);
    await sql`UPDATE event_logs SET alarm_state = COALESCE(alarm_state, 'new')`.execute(db);
    await sql`ALTER TABLE event_logs DROP CONSTRAINT event_logs_alarm_priority_check, DROP CONSTRAINT event_logs_alarm_state_check,
        DROP COLUMN priority, DROP COLUMN rule_id, DROP COLUMN rule_name, DROP COLUMN instructions,
        DROP COLUMN ack_target_s, DROP COLUMN auto_close_at,
        ALTER COLUMN alarm_state SET NOT NULL, ALTER COLUMN alarm_state SET DEFAULT 'new'`.execute(db);
  }
}

/** Rebuild event_logs (inside {@link atomically}: foreign keys off, one transaction). */
async function rebuildEventLogs(db: Kysely<unknown>, withRules: boolean, copy: string): Promise<void> {
  if (isPostgres(db)) return alterEventLogs(db, withRules);
  await EVENT_LOGS('event_logs_new', withRules).execute(db);
  await sql.raw(copy).execute(db);
  // keep AUTOINCREMENT's high-water mark: ids of deleted events are never handed out again
  await sql`INSERT INTO sqlite_sequence (name, seq)
      SELECT 'event_logs_new', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'event_logs_new')`.execute(
    db,
  );
  await sql`UPDATE sqlite_sequence SET seq = MAX(seq, COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'event_logs'), 0))
      WHERE name = 'event_logs_new'`.execute(db);
  await sql`DROP TABLE event_logs`.execute(db);
  await sql`ALTER TABLE event_logs_new RENAME TO event_logs`.execute(db);
  await eventIndexes(db, withRules);
  // the rows that reference an event still find it (every other table is not this rebuild's concern)
  for (const child of ['alarm_actions', 'notification_deliveries']) {
    const broken = await sql<{ table: string }>`SELECT * FROM pragma_foreign_key_check(${child})`.execute(db);
    if (broken.rows.length > 0)
      throw new Error(`event_logs rebuild: ${broken.rows.length} rows of ${child} break a foreign key`);
  }
}

/**
 * Run a migration step whole or not at all: with foreign keys off (the rebuild must not cascade;
 * the pragma is a no-op inside a transaction, so it is set first) and in one transaction (Kysely
 * runs SQLite migrations without one: `supportsTransactionalDdl` is false).
 */
async function atomically(db: Kysely<unknown>, step: () => Promise<void>): Promise<void> {
  // PostgreSQL: the migrator's transaction already holds the migration, and nothing is rebuilt
  if (isPostgres(db)) return step();
  await sql`PRAGMA foreign_keys = OFF`.execute(db);
  try {
    await sql`BEGIN IMMEDIATE`.execute(db);
    try {
      await step();
      await sql`COMMIT`.execute(db);
    } catch (err) {
      await sql`ROLLBACK`.execute(db);
      throw err;
    }
  } finally {
    await sql`PRAGMA foreign_keys = ON`.execute(db);
  }
}

/** Apply. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await atomically(db, () => apply(db));
}

async function apply(db: Kysely<unknown>): Promise<void> {
  // AUTOINCREMENT: a deleted rule's id is never reused, so an alarm's rule_id names one rule for ever
  await sql`CREATE TABLE alarm_rules (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      branch_id INTEGER NOT NULL REFERENCES company_branches (id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      enabled INTEGER NOT NULL DEFAULT 1,
      device_ids TEXT NOT NULL DEFAULT '[]',
      condition TEXT NOT NULL,
      schedule TEXT,
      priority TEXT NOT NULL CHECK (priority IN ('critical', 'high', 'medium', 'low')),
      modes TEXT NOT NULL DEFAULT '[]',
      cooldown_s INTEGER NOT NULL DEFAULT 0,
      notify_whatsapp INTEGER NOT NULL DEFAULT 1,
      auto_close_minutes INTEGER,
      ack_target_s INTEGER,
      instructions TEXT NOT NULL DEFAULT '',
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX alarm_rules_branch_idx ON alarm_rules (branch_id, id)`.execute(db);
  await sql`INSERT INTO alarm_rules (branch_id, name, condition, priority, cooldown_s, created_at, updated_at)
      SELECT id, 'Any person', '{"type":"any_person"}', 'medium', 0, strftime('%Y-%m-%dT%H:%M:%fZ','now'), strftime('%Y-%m-%dT%H:%M:%fZ','now')
      FROM company_branches ORDER BY id`.execute(db);

  await sql`ALTER TABLE company_branches ADD COLUMN armed INTEGER NOT NULL DEFAULT 1`.execute(db);
  await sql`ALTER TABLE company_branches ADD COLUMN arming_mode TEXT`.execute(db);
  // no REFERENCES: SQLite cannot drop a column that is in a foreign key (down); the name is joined
  await sql`ALTER TABLE company_branches ADD COLUMN arming_changed_by INTEGER`.execute(db);
  await sql`ALTER TABLE company_branches ADD COLUMN arming_changed_at TEXT`.execute(db);
  await sql`ALTER TABLE company_branches ADD COLUMN rules_version INTEGER NOT NULL DEFAULT 1`.execute(db);
  // the modes switched by time (JSON ArmingScheduleEntry[]), and the mode the schedule last set
  // ('' = none; null = not yet run), so a switch by hand holds until the schedule's next boundary
  await sql`ALTER TABLE company_branches ADD COLUMN arming_schedule TEXT NOT NULL DEFAULT '[]'`.execute(db);
  await sql`ALTER TABLE company_branches ADD COLUMN arming_scheduled TEXT`.execute(db);

  await sql`CREATE TABLE alarm_cooldowns (
      rule_id INTEGER NOT NULL REFERENCES alarm_rules (id) ON DELETE CASCADE,
      device_id TEXT NOT NULL,
      re_id TEXT NOT NULL,
      last_at INTEGER NOT NULL,
      PRIMARY KEY (rule_id, device_id, re_id)
    ) WITHOUT ROWID`.execute(db);
  await sql`CREATE INDEX alarm_cooldowns_last_idx ON alarm_cooldowns (last_at)`.execute(db);

  await sql`CREATE TABLE watchlist (
      re_id TEXT PRIMARY KEY,
      reason TEXT NOT NULL,
      added_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
      added_at TEXT NOT NULL
    )`.execute(db);

  await rebuildEventLogs(
    db,
    true,
    `INSERT INTO event_logs_new (${OLD_COLUMNS}, priority)
      SELECT ${OLD_COLUMNS}, 'medium' FROM event_logs ORDER BY id`,
  );
}

/** Revert (plain events become `new` alarms again, as every event was before). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await atomically(db, () => revert(db));
}

async function revert(db: Kysely<unknown>): Promise<void> {
  await rebuildEventLogs(
    db,
    false,
    `INSERT INTO event_logs_new (${OLD_COLUMNS})
      SELECT ${OLD_COLUMNS.replace('alarm_state', "COALESCE(alarm_state, 'new')")} FROM event_logs ORDER BY id`,
  );
  await sql`DROP TABLE watchlist`.execute(db);
  await sql`DROP TABLE alarm_cooldowns`.execute(db);
  for (const c of [
    'arming_scheduled',
    'arming_schedule',
    'rules_version',
    'arming_changed_at',
    'arming_changed_by',
    'arming_mode',
    'armed',
  ])
    await sql.raw(`ALTER TABLE company_branches DROP COLUMN ${c}`).execute(db);
  await sql`DROP TABLE alarm_rules`.execute(db);
}
