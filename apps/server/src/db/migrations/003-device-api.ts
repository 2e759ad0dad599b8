/**
 * Migration 003 (issue 4): secret rotation with a grace period, device status history, and
 * the daily API usage summary folded from the request logs. Never edit once landed.
 */
import type { Kysely } from 'kysely';

/** Apply. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('api_credentials').addColumn('previous_secret_hash', 'text').execute();
  await db.schema.alterTable('api_credentials').addColumn('previous_secret_expires_at', 'text').execute();

  await db.schema
    .createTable('device_status_history')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('branch_id', 'integer', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('device_status_history_device_idx')
    .on('device_status_history')
    .columns(['device_id', 'id'])
    .execute();

  await db.schema
    .createTable('api_usage_summary')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('credential_id', 'integer')
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('request_count', 'integer', (c) => c.notNull())
    .addColumn('success_count', 'integer', (c) => c.notNull())
    .addColumn('error_count', 'integer', (c) => c.notNull())
    .addColumn('avg_response_ms', 'real', (c) => c.notNull())
    .addColumn('min_response_ms', 'real', (c) => c.notNull())
    .addColumn('max_response_ms', 'real', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('api_usage_summary_unique', ['date', 'credential_id', 'route', 'method'])
    .execute();
}

/** Revert. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('api_usage_summary').ifExists().execute();
  await db.schema.dropTable('device_status_history').ifExists().execute();
  await db.schema.alterTable('api_credentials').dropColumn('previous_secret_expires_at').execute();
  await db.schema.alterTable('api_credentials').dropColumn('previous_secret_hash').execute();
}
