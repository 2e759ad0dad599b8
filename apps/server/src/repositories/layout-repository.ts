/**
 * Layouts and their tiles (S9): the only code that reads or writes `cctv_layout_settings` and
 * `cctv_position_settings`. Synchronous, for use inside the service's transactions.
 */
import type { Kysely, Selectable } from 'kysely';
import type { LayoutVisibility, StreamQuality } from '@pantau/shared';
import type { CctvLayoutSettingsTable, CctvPositionSettingsTable, Database } from '../db/schema.js';
import type { SyncExecutor } from '../db/sync-executor.js';
import { nowIso } from '../db/database.js';
import type { BranchRow, StreamRow } from './organisation-repository.js';

export type LayoutRow = Selectable<CctvLayoutSettingsTable>;
export type PositionRow = Selectable<CctvPositionSettingsTable>;

/** A stream as a tile needs it (cctv_streams columns, `id` as `stream_id`), with its branch's name. */
export type TileStreamRow = { stream_id: StreamRow['id'] } & Pick<
  StreamRow,
  'stream_name' | 'protocol' | 'device_id' | 'branch_id'
> &
  Pick<BranchRow, 'branch_name'>;

/** One tile to store. */
export interface PositionValues {
  position_number: number;
  stream_id: number;
  position_name: string | null;
  quality: StreamQuality;
  is_enabled: boolean;
  grid_row: number | null;
  grid_col: number | null;
  row_span: number;
  col_span: number;
  patrol: { stream_ids: number[]; interval_s: number } | null;
}

/** Layout columns a create or update writes. */
export interface LayoutValues {
  layout_name: string;
  layout_type: string;
  grid_rows: number | null;
  grid_cols: number | null;
  visibility: LayoutVisibility;
  owner_user_id: number | null;
  live_mode: 'always' | 'activity';
}

/** Reads and writes layouts. */
export class LayoutRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: SyncExecutor,
  ) {}

  /** Every active layout, oldest first. */
  listActive(): LayoutRow[] {
    return this.exec.all(
      this.db.selectFrom('cctv_layout_settings').selectAll().where('is_active', '=', 1).orderBy('id'),
    );
  }

  /** One active layout, or undefined. */
  get(id: number): LayoutRow | undefined {
    return this.exec.first(
      this.db.selectFrom('cctv_layout_settings').selectAll().where('id', '=', id).where('is_active', '=', 1),
    );
  }

  /** The tiles of a layout, by position number. */
  positions(layoutId: number): PositionRow[] {
    return this.exec.all(
      this.db
        .selectFrom('cctv_position_settings')
        .selectAll()
        .where('layout_id', '=', layoutId)
        .orderBy('position_number'),
    );
  }

  /** The tiles of several layouts, grouped by layout id. */
  positionsOf(layoutIds: readonly number[]): Map<number, PositionRow[]> {
    const out = new Map<number, PositionRow[]>();
    if (layoutIds.length === 0) return out;
    const rows = this.exec.all(
      this.db
        .selectFrom('cctv_position_settings')
        .selectAll()
        .where('layout_id', 'in', [...layoutIds])
        .orderBy('layout_id')
        .orderBy('position_number'),
    );
    for (const r of rows) {
      const list = out.get(r.layout_id);
      if (list) list.push(r);
      else out.set(r.layout_id, [r]);
    }
    return out;
  }

  /** Streams by id with their branch (missing ids are left out). */
  streams(ids: readonly number[]): Map<number, TileStreamRow> {
    const out = new Map<number, TileStreamRow>();
    if (ids.length === 0) return out;
    const rows = this.exec.all(
      this.db
        .selectFrom('cctv_streams as s')
        .innerJoin('company_branches as b', 'b.id', 's.branch_id')
        .select(['s.id as stream_id', 's.stream_name', 's.protocol', 's.device_id', 's.branch_id', 'b.branch_name'])
        .where('s.id', 'in', [...new Set(ids)]),
    );
    for (const r of rows) out.set(r.stream_id, r);
    return out;
  }

  /** @returns the new layout's id */
  insert(v: LayoutValues, isDefault: boolean, createdBy: number | null): number {
    const now = nowIso();
    return this.exec.run(
      this.db
        .insertInto('cctv_layout_settings')
        .values({ ...v, is_default: isDefault ? 1 : 0, created_by: createdBy, created_at: now, updated_at: now }),
    ).lastInsertRowid;
  }

  /** Changes columns of a layout and stamps `updated_at`. */
  update(id: number, v: Partial<LayoutValues> & { is_default?: boolean }): void {
    const { is_default, ...rest } = v;
    this.exec.run(
      this.db
        .updateTable('cctv_layout_settings')
        .set({ ...rest, ...(is_default === undefined ? {} : { is_default: is_default ? 1 : 0 }), updated_at: nowIso() })
        .where('id', '=', id),
    );
  }

  /** Stamps `updated_at` (after its tiles changed). */
  touch(id: number): void {
    this.exec.run(this.db.updateTable('cctv_layout_settings').set({ updated_at: nowIso() }).where('id', '=', id));
  }

  /** Replaces every tile of a layout. */
  replacePositions(layoutId: number, positions: readonly PositionValues[]): void {
    this.exec.run(this.db.deleteFrom('cctv_position_settings').where('layout_id', '=', layoutId));
    for (const p of positions) {
      this.exec.run(
        this.db.insertInto('cctv_position_settings').values({
          layout_id: layoutId,
          position_number: p.position_number,
          stream_id: p.stream_id,
          position_name: p.position_name,
          quality: p.quality,
          is_enabled: p.is_enabled ? 1 : 0,
          grid_row: p.grid_row,
          grid_col: p.grid_col,
          row_span: p.row_span,
          col_span: p.col_span,
          auto_switch: p.patrol ? 1 : 0,
          switch_interval_s: p.patrol?.interval_s ?? null,
          patrol_stream_ids: p.patrol ? JSON.stringify(p.patrol.stream_ids) : null,
        }),
      );
    }
  }

  /** The current default layouts (at most one, but every one is returned). */
  defaults(): LayoutRow[] {
    return this.exec.all(this.db.selectFrom('cctv_layout_settings').selectAll().where('is_default', '=', 1));
  }

  /** Clears the default flag everywhere. @returns how many layouts had it */
  clearDefault(): number {
    return this.exec.run(
      this.db
        .updateTable('cctv_layout_settings')
        .set({ is_default: 0, updated_at: nowIso() })
        .where('is_default', '=', 1),
    ).changes;
  }

  /** Deletes a layout and (cascade) its tiles. */
  delete(id: number): void {
    this.exec.run(this.db.deleteFrom('cctv_layout_settings').where('id', '=', id));
  }
}

/** The stream ids a stored tile patrols through (empty when none). */
export function patrolIds(p: PositionRow): number[] {
  if (p.auto_switch !== 1 || !p.patrol_stream_ids) return [];
  const ids = JSON.parse(p.patrol_stream_ids) as unknown;
  return Array.isArray(ids) ? ids.filter((x): x is number => typeof x === 'number') : [];
}
