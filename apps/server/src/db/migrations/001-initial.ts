/**
 * Migration 001: the tables of the first vertical slice (DESIGN §2): organisation, persons,
 * detections, event log, durable jobs, real-time outbox, users, sessions, API credentials,
 * layouts. Never edit once landed; add a new numbered migration instead.
 */
import { sql, type Kysely } from 'kysely';

/** ISO-8601 UTC text with ms, as every timestamp column holds. */
const nowIso = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

/** Apply. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('company_groups')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('province_code', 'text', (c) => c.notNull().unique())
    .addColumn('province_name', 'text', (c) => c.notNull())
    .addColumn('group_name', 'text', (c) => c.notNull())
    .addColumn('address', 'text')
    .addColumn('phone', 'text')
    .addColumn('email', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('company_branches')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('group_id', 'integer', (c) => c.notNull().references('company_groups.id').onDelete('restrict'))
    .addColumn('branch_code', 'text', (c) => c.notNull().unique())
    .addColumn('branch_name', 'text', (c) => c.notNull())
    .addColumn('city', 'text', (c) => c.notNull())
    .addColumn('address', 'text')
    .addColumn('timezone', 'text', (c) => c.notNull().defaultTo('Asia/Jakarta'))
    .addColumn('latitude', 'real')
    .addColumn('longitude', 'real')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('company_branches_group_idx').on('company_branches').column('group_id').execute();

  await db.schema
    .createTable('device_masters')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('device_id', 'text', (c) => c.notNull().unique())
    .addColumn('device_name', 'text', (c) => c.notNull())
    .addColumn('device_type', 'text', (c) => c.notNull())
    .addColumn('branch_id', 'integer', (c) => c.notNull().references('company_branches.id').onDelete('restrict'))
    .addColumn('parent_device_id', 'text', (c) => c.references('device_masters.device_id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('offline'))
    .addColumn('last_seen_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('device_masters_branch_idx').on('device_masters').column('branch_id').execute();

  await db.schema
    .createTable('cctv_streams')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('branch_id', 'integer', (c) => c.notNull().references('company_branches.id').onDelete('restrict'))
    .addColumn('device_id', 'text', (c) => c.notNull().references('device_masters.device_id').onDelete('cascade'))
    .addColumn('stream_name', 'text', (c) => c.notNull())
    .addColumn('protocol', 'text', (c) => c.notNull())
    .addColumn('main_url', 'text', (c) => c.notNull())
    .addColumn('sub_url', 'text')
    .addColumn('username', 'text')
    .addColumn('password_enc', 'text')
    .addColumn('resolution', 'text')
    .addColumn('fps', 'integer')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('unknown'))
    .addColumn('last_checked_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('cctv_streams_branch_idx').on('cctv_streams').column('branch_id').execute();

  await db.schema
    .createTable('re_id_masters')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('re_id', 'text', (c) => c.notNull().unique())
    .addColumn('person_label', 'text')
    .addColumn('appearance_features', 'text')
    .addColumn('first_detected_at', 'text', (c) => c.notNull())
    .addColumn('last_detected_at', 'text', (c) => c.notNull())
    .addColumn('total_actual_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('total_detection_branch_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('re_id_masters_last_idx').on('re_id_masters').column('last_detected_at').execute();

  await db.schema
    .createTable('re_id_branch_detections')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('re_id', 'text', (c) => c.notNull())
    .addColumn('branch_id', 'integer', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('detected_count', 'integer', (c) => c.notNull())
    .addColumn('detection_timestamp', 'text', (c) => c.notNull())
    .addColumn('detection_data', 'text')
    .addColumn('image_path', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .execute();
  await db.schema
    .createIndex('re_id_branch_detections_person_idx')
    .on('re_id_branch_detections')
    .columns(['re_id', 'branch_id'])
    .execute();
  await db.schema
    .createIndex('re_id_branch_detections_branch_time_idx')
    .on('re_id_branch_detections')
    .columns(['branch_id', 'detection_timestamp'])
    .execute();

  await db.schema
    .createTable('event_logs')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('branch_id', 'integer', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('re_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('detected_count', 'integer', (c) => c.notNull())
    .addColumn('event_timestamp', 'text', (c) => c.notNull())
    .addColumn('image_path', 'text')
    .addColumn('notification_sent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('image_sent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('acknowledged_by', 'integer')
    .addColumn('acknowledged_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .execute();
  await db.schema.createIndex('event_logs_branch_idx').on('event_logs').columns(['branch_id', 'id']).execute();

  await db.schema
    .createTable('detection_idempotency')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('job_id', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .addPrimaryKeyConstraint('detection_idempotency_pk', ['device_id', 'event_id'])
    .execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('queue', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('run_at', 'integer', (c) => c.notNull())
    .addColumn('locked_at', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .execute();
  await db.schema
    .createIndex('jobs_claim_idx')
    .on('jobs')
    .columns(['status', 'queue', 'priority', 'run_at', 'id'])
    .execute();

  await db.schema
    .createTable('failed_jobs')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('job_id', 'integer', (c) => c.notNull())
    .addColumn('queue', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('error', 'text', (c) => c.notNull())
    .addColumn('failed_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('realtime_outbox')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('branch_id', 'integer')
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('ts', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('branch_scope', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('ip', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .execute();

  await db.schema
    .createTable('api_credentials')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('credential_name', 'text', (c) => c.notNull())
    .addColumn('api_key', 'text', (c) => c.notNull().unique())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('branch_id', 'integer')
    .addColumn('device_id', 'text')
    .addColumn('permissions', 'text', (c) => c.notNull())
    .addColumn('rate_limit_per_hour', 'integer', (c) => c.notNull().defaultTo(10000))
    .addColumn('expires_at', 'text')
    .addColumn('last_used_at', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('created_by', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('cctv_layout_settings')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('layout_name', 'text', (c) => c.notNull())
    .addColumn('layout_type', 'text', (c) => c.notNull())
    .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(nowIso))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('cctv_position_settings')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('layout_id', 'integer', (c) => c.notNull().references('cctv_layout_settings.id').onDelete('cascade'))
    .addColumn('position_number', 'integer', (c) => c.notNull())
    .addColumn('stream_id', 'integer', (c) => c.notNull().references('cctv_streams.id').onDelete('cascade'))
    .addColumn('position_name', 'text')
    .addColumn('quality', 'text', (c) => c.notNull().defaultTo('sub'))
    .addColumn('is_enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('auto_switch', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('switch_interval_s', 'integer')
    .addUniqueConstraint('cctv_position_unique', ['layout_id', 'position_number'])
    .execute();
}

/** Revert. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'cctv_position_settings',
    'cctv_layout_settings',
    'api_credentials',
    'sessions',
    'users',
    'realtime_outbox',
    'failed_jobs',
    'jobs',
    'detection_idempotency',
    'event_logs',
    're_id_branch_detections',
    're_id_masters',
    'cctv_streams',
    'device_masters',
    'company_branches',
    'company_groups',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
