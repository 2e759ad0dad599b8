/**
 * Migration 004 (issue 5, S5): the registry of stored files. Every snapshot file (the
 * posted original, the processed image and its thumbnail) is one row; `path` is relative to
 * `<dataDir>/storage` and unique, so re-running an image job upserts instead of adding rows.
 * event_logs.image_path (001) holds the processed image's path once it is ready.
 * Never edit once landed.
 */
import { sql, type Kysely } from 'kysely';

/** Apply. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('storage_files')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('original', 'image', 'thumbnail')`))
    .addColumn('path', 'text', (c) => c.notNull().unique())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('branch_id', 'integer', (c) => c.notNull())
    .addColumn('event_log_id', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('storage_files_event_idx')
    .on('storage_files')
    .columns(['event_log_id', 'kind'])
    .execute();
  await db.schema.createIndex('storage_files_created_idx').on('storage_files').column('created_at').execute();
}

/** Revert. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('storage_files').ifExists().execute();
}
