/**
 * Migration 005 (issue 5, WhatsApp alerts S4): alert settings per branch and device, the
 * provider settings (secrets encrypted), one delivery row per message and number, the
 * cooldown memory per person and camera, and the daily delivery summary. Never edit once landed.
 */
import { sql, type Kysely } from 'kysely';

/** Apply. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('branch_event_settings')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('branch_id', 'integer', (c) => c.notNull().references('company_branches.id').onDelete('cascade'))
    // the device's own id; null = the whole branch. A device setting overrides the branch's.
    .addColumn('device_id', 'text', (c) => c.references('device_masters.device_id').onDelete('cascade'))
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('whatsapp_enabled', 'integer', (c) => c.notNull().defaultTo(1))
    // JSON array of E.164 numbers
    .addColumn('whatsapp_numbers', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('message_template', 'text', (c) => c.notNull())
    .addColumn('send_image', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('cooldown_seconds', 'integer', (c) => c.notNull().defaultTo(300))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // one branch-wide setting and one per device (NULLs are distinct in a plain UNIQUE)
  await sql`CREATE UNIQUE INDEX branch_event_settings_target ON branch_event_settings (branch_id, COALESCE(device_id, ''))`.execute(
    db,
  );

  await db.schema
    .createTable('notification_provider_settings')
    // one row (id = 1)
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull().defaultTo('{}'))
    // AES-256-GCM of a JSON object { token?, app_secret?, verify_token? }
    .addColumn('secrets_enc', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('notification_deliveries')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('event_log_id', 'integer', (c) => c.references('event_logs.id').onDelete('cascade'))
    .addColumn('branch_id', 'integer', (c) => c.references('company_branches.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('provider_message_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('image_path', 'text')
    .addColumn('queued_at', 'text', (c) => c.notNull())
    .addColumn('sending_at', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('delivered_at', 'text')
    .addColumn('read_at', 'text')
    .addColumn('failed_at', 'text')
    .addColumn('uncertain_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('notification_deliveries_event_idx')
    .on('notification_deliveries')
    .columns(['event_log_id', 'id'])
    .execute();
  await db.schema
    .createIndex('notification_deliveries_branch_idx')
    .on('notification_deliveries')
    .columns(['branch_id', 'id'])
    .execute();
  await db.schema
    .createIndex('notification_deliveries_queued_idx')
    .on('notification_deliveries')
    .column('queued_at')
    .execute();
  await sql`CREATE UNIQUE INDEX notification_deliveries_provider_msg ON notification_deliveries (provider, provider_message_id) WHERE provider_message_id IS NOT NULL`.execute(
    db,
  );

  // when the last alert for a person at a camera went out (detection time), for the cooldown
  await db.schema
    .createTable('notification_cooldowns')
    .addColumn('re_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('last_alert_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_cooldowns_pk', ['re_id', 'device_id'])
    .execute();

  await db.schema
    .createTable('whatsapp_delivery_summary')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('branch_id', 'integer')
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('sent', 'integer', (c) => c.notNull())
    .addColumn('delivered', 'integer', (c) => c.notNull())
    .addColumn('read', 'integer', (c) => c.notNull())
    .addColumn('failed', 'integer', (c) => c.notNull())
    .addColumn('uncertain', 'integer', (c) => c.notNull())
    .addColumn('pending', 'integer', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    // mean queued → sent, ms (null when none was sent)
    .addColumn('avg_send_ms', 'real')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await sql`CREATE UNIQUE INDEX whatsapp_delivery_summary_unique ON whatsapp_delivery_summary (date, COALESCE(branch_id, 0), provider)`.execute(
    db,
  );
}

/** Revert. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('whatsapp_delivery_summary').ifExists().execute();
  await db.schema.dropTable('notification_cooldowns').ifExists().execute();
  await db.schema.dropTable('notification_deliveries').ifExists().execute();
  await db.schema.dropTable('notification_provider_settings').ifExists().execute();
  await db.schema.dropTable('branch_event_settings').ifExists().execute();
}
