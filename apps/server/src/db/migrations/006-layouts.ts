/**
 * Migration 006 (issue 6, layouts S9): custom grids (rows × columns), tiles spanning cells,
 * patrols through a list of streams, and shared or private layouts. Never edit once landed.
 *
 * Existing rows keep working unchanged: a layout without grid size is a fixed type (or, when
 * custom, placed row by row), a position without geometry takes its cell from its number, and
 * every existing layout is shared.
 */
import type { Kysely } from 'kysely';

/** Apply. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('cctv_layout_settings').addColumn('grid_rows', 'integer').execute();
  await db.schema.alterTable('cctv_layout_settings').addColumn('grid_cols', 'integer').execute();
  await db.schema
    .alterTable('cctv_layout_settings')
    .addColumn('visibility', 'text', (c) => c.notNull().defaultTo('shared'))
    .execute();
  // A private layout goes with its owner.
  await db.schema
    .alterTable('cctv_layout_settings')
    .addColumn('owner_user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .execute();
  await db.schema.createIndex('cctv_layout_owner_idx').on('cctv_layout_settings').column('owner_user_id').execute();

  await db.schema.alterTable('cctv_position_settings').addColumn('grid_row', 'integer').execute();
  await db.schema.alterTable('cctv_position_settings').addColumn('grid_col', 'integer').execute();
  await db.schema
    .alterTable('cctv_position_settings')
    .addColumn('row_span', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .alterTable('cctv_position_settings')
    .addColumn('col_span', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  // JSON array of stream ids visited after stream_id; auto_switch and switch_interval_s (001) say whether and how often.
  await db.schema.alterTable('cctv_position_settings').addColumn('patrol_stream_ids', 'text').execute();
}

/** Revert. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const c of ['patrol_stream_ids', 'col_span', 'row_span', 'grid_col', 'grid_row'])
    await db.schema.alterTable('cctv_position_settings').dropColumn(c).execute();
  await db.schema.dropIndex('cctv_layout_owner_idx').ifExists().execute();
  for (const c of ['owner_user_id', 'visibility', 'grid_cols', 'grid_rows'])
    await db.schema.alterTable('cctv_layout_settings').dropColumn(c).execute();
}
