/**
 * Migration 008 (WhatsApp webhook, S4): the park of delivery statuses whose message id no
 * delivery carries yet, on disk instead of in memory. The webhook answers 200 to Meta for
 * them, so they are acknowledged and must survive a restart until the sender commits the id
 * (services/notifications/webhook-service.ts). Never edit once landed.
 *
 * - One row per (message id, status, provider timestamp): replays of a status are one row
 *   (the unique index; a missing timestamp counts as one value).
 * - `status_ts`: the provider's own time of the status, unix seconds (Meta's `timestamp`);
 *   null when the payload had none. `received_at`: when we acknowledged it (ISO-8601 UTC),
 *   which the age limit counts from.
 * - `recipient_id`: Meta's `recipient_id` (the phone's WhatsApp id, digits), when given: with
 *   the status's time, what ties a status whose id we never stored to an `uncertain` delivery.
 * - `error_json`: the status's first `errors[]` entry as received (JSON), for `failed`.
 */
import { sql, type Kysely } from 'kysely';

/** Apply. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('notification_status_parked')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('provider_message_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_ts', 'integer')
    .addColumn('recipient_id', 'text')
    .addColumn('error_json', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute();
  // replays are one row; its leading (provider, provider_message_id) is also the index of the
  // sender's lookup of one id inside its commit
  await sql`CREATE UNIQUE INDEX notification_status_parked_msg ON notification_status_parked (provider, provider_message_id, status, COALESCE(status_ts, -1))`.execute(
    db,
  );
  // the expiry sweep
  await db.schema
    .createIndex('notification_status_parked_received_idx')
    .on('notification_status_parked')
    .column('received_at')
    .execute();
}

/** Revert. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('notification_status_parked').ifExists().execute();
}
