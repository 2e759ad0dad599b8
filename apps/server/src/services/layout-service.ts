/**
 * Video-wall layouts (S9): create, read, change, replace the tiles of, delete and make default.
 *
 * Who sees what:
 * - a shared layout is seen by every user whose scope holds one of the streams it shows (or
 *   that shows none yet), with the tiles outside their scope left out; everyone else gets 404,
 *   as for a layout that does not exist;
 * - a private layout is seen only by its owner.
 * Who changes what (routes let every signed-in user through; this checks): shared layouts
 * need an admin whose scope holds every stream of the layout, as a change would otherwise drop
 * tiles they cannot see (403); private layouts only their owner; any user may create private
 * layouts. Every stream a tile shows must exist and be in the caller's scope (404 naming the
 * field). Only a shared layout can be the default; making one default unsets the previous one
 * in the same transaction.
 *
 * Every change is audited and said (`layout.changed`, with the branches that could see it before
 * and after) in the same transaction; the real-time publisher sends it as `layout_updated` so
 * every open wall showing it refetches, to only who may see the layout: a private
 * layout's changes its owner alone; a shared layout's (without an owner id) the users whose
 * scope holds a branch of its streams before or after the change (one event per branch, so a
 * user losing sight of it hears it too), or everyone while it shows no stream. A shared layout
 * made private is announced the same way as `hidden` (gone unless it is yours), then to its
 * owner as `updated`.
 */
import {
  PantauError,
  checkTiles,
  layoutGrid,
  tileRect,
  type Layout,
  type LayoutCreate,
  type LayoutPosition,
  type LayoutType,
  type LayoutUpdate,
  type PositionInput,
  type TileStream,
} from '@pantau/shared';
import type { z } from 'zod';
import type { SyncExecutor } from '../db/sync-executor.js';
import type { DomainEvents } from '../domain/domain-events.js';
import type { AuditRepository } from '../repositories/audit-repository.js';
import {
  patrolIds,
  type LayoutRepository,
  type LayoutRow,
  type PositionRow,
  type PositionValues,
  type TileStreamRow,
} from '../repositories/layout-repository.js';
import type { AuthUser, Caller } from '../domain/caller.js';

/** A tile as parsed (the schema's defaults applied). */
export type ParsedPosition = z.output<typeof PositionInput>;
/** A create body as parsed. */
export type ParsedCreate = z.output<typeof LayoutCreate>;
/** An update body as parsed. */
export type ParsedUpdate = z.output<typeof LayoutUpdate>;

const inScope = (user: AuthUser, branchId: number) => user.branchScope === null || user.branchScope.includes(branchId);

/** Layout rules over the layout repository. */
export class LayoutService {
  constructor(
    private readonly repo: LayoutRepository,
    private readonly exec: SyncExecutor,
    private readonly events: DomainEvents,
    private readonly audit: AuditRepository,
  ) {}

  /** Every layout the user may see, oldest first. */
  list(user: AuthUser): Layout[] {
    const rows = this.repo.listActive();
    const positions = this.repo.positionsOf(rows.map((r) => r.id));
    const streams = this.repo.streams([...positions.values()].flat().flatMap((p) => [p.stream_id, ...patrolIds(p)]));
    return rows
      .filter((r) => this.visible(user, r, positions.get(r.id) ?? [], streams))
      .map((r) => this.assemble(user, r, positions.get(r.id) ?? [], streams));
  }

  /** @throws PantauError NOT_FOUND (unknown, or not visible to the user) */
  get(user: AuthUser, id: number): Layout {
    const { row, positions, streams } = this.load(user, id);
    return this.assemble(user, row, positions, streams);
  }

  /** The default layout the user sees, or else the first one they see. @throws PantauError NOT_FOUND when they see none */
  getDefault(user: AuthUser): Layout {
    const all = this.list(user);
    const layout = all.find((l) => l.is_default) ?? all[0];
    if (!layout) throw new PantauError('NOT_FOUND', 'no layout has been created yet');
    return layout;
  }

  /**
   * Create a layout with its tiles.
   * @throws PantauError FORBIDDEN (shared by a non-admin), VALIDATION_ERROR (grid, tiles, a private default), NOT_FOUND (stream unknown or out of scope)
   */
  create(c: Caller, input: ParsedCreate): Layout {
    if (input.visibility === 'shared' && c.user.role !== 'admin')
      throw new PantauError('FORBIDDEN', 'only admins create shared layouts: make it private', { field: 'visibility' });
    if (input.is_default && input.visibility !== 'shared')
      throw new PantauError('VALIDATION_ERROR', 'only a shared layout can be the default', { field: 'is_default' });
    const grid = checkGrid(input.layout_type, input.grid_rows, input.grid_cols);
    const tiles = this.checkPositions(c.user, input.layout_type, grid, input.positions);
    return this.write(() => {
      if (input.is_default) this.unsetDefaults(c);
      const id = this.repo.insert(
        {
          layout_name: input.layout_name,
          layout_type: input.layout_type,
          ...grid,
          visibility: input.visibility,
          owner_user_id: input.visibility === 'private' ? c.user.id : null,
          live_mode: input.live_mode,
        },
        input.is_default,
        c.user.id,
      );
      this.repo.replacePositions(id, tiles);
      const after = this.get(c.user, id);
      this.audit.record(c.actor, 'create', 'layout', id, null, after);
      this.announce(after, 'created');
      return after;
    });
  }

  /**
   * Change a layout's name, grid, visibility and (when given) replace its tiles, in one
   * transaction. Tiles not given must still fit a changed grid.
   * @throws PantauError NOT_FOUND, FORBIDDEN, VALIDATION_ERROR, as {@link create}
   */
  update(c: Caller, id: number, patch: ParsedUpdate): Layout {
    const before = this.editable(c.user, id);
    if (patch.visibility === 'shared' && before.visibility !== 'shared' && c.user.role !== 'admin') {
      throw new PantauError('FORBIDDEN', 'only admins share layouts', { field: 'visibility' });
    }
    const type = patch.layout_type ?? before.layout_type;
    const grid = checkGrid(
      type,
      patch.grid_rows ?? (type === 'custom' && before.layout_type === 'custom' ? before.grid_rows : undefined),
      patch.grid_cols ?? (type === 'custom' && before.layout_type === 'custom' ? before.grid_cols : undefined),
    );
    const tiles = patch.positions
      ? this.checkPositions(c.user, type, grid, patch.positions)
      : this.refit(type, grid, before);
    const visibility = patch.visibility ?? before.visibility;
    const audienceBefore = this.branchesOf(id);
    return this.write(() => {
      this.repo.update(id, {
        ...(patch.layout_name === undefined ? {} : { layout_name: patch.layout_name }),
        layout_type: type,
        ...grid,
        visibility,
        ...(patch.live_mode === undefined ? {} : { live_mode: patch.live_mode }),
        owner_user_id: visibility === 'private' ? (before.owner_user_id ?? c.user.id) : null,
        // a private layout cannot stay the default
        ...(visibility === 'private' && before.is_default ? { is_default: false } : {}),
      });
      this.repo.replacePositions(id, tiles);
      const after = this.get(c.user, id);
      this.audit.record(c.actor, 'update', 'layout', id, before, after);
      this.announce(after, 'updated', audienceBefore, before.visibility === 'shared');
      return after;
    });
  }

  /**
   * Replace every tile of a layout.
   * @throws PantauError NOT_FOUND, FORBIDDEN, VALIDATION_ERROR, as {@link create}
   */
  replacePositions(c: Caller, id: number, positions: ParsedPosition[]): Layout {
    return this.update(c, id, { positions });
  }

  /** @throws PantauError NOT_FOUND, FORBIDDEN */
  delete(c: Caller, id: number): void {
    const before = this.editable(c.user, id);
    const audienceBefore = this.branchesOf(id);
    this.write(() => {
      this.repo.delete(id);
      this.audit.record(c.actor, 'delete', 'layout', id, before, null);
      this.announce(before, 'deleted', audienceBefore);
    });
  }

  /**
   * Make a shared layout the default; the previous default stops being it, in the same transaction.
   * @throws PantauError NOT_FOUND, FORBIDDEN (not an admin), VALIDATION_ERROR (a private layout)
   */
  setDefault(c: Caller, id: number): Layout {
    const before = this.get(c.user, id);
    if (c.user.role !== 'admin') throw new PantauError('FORBIDDEN', 'only admins choose the default layout');
    if (before.visibility !== 'shared')
      throw new PantauError('VALIDATION_ERROR', 'only a shared layout can be the default', { field: 'visibility' });
    if (before.is_default) return before;
    return this.write(() => {
      this.unsetDefaults(c);
      this.repo.update(id, { is_default: true });
      const after = this.get(c.user, id);
      this.audit.record(c.actor, 'set_default', 'layout', id, { is_default: false }, { is_default: true });
      this.announce(after, 'updated');
      return after;
    });
  }

  // ---- rules --------------------------------------------------------------

  private load(
    user: AuthUser,
    id: number,
  ): { row: LayoutRow; positions: PositionRow[]; streams: Map<number, TileStreamRow> } {
    const row = this.repo.get(id);
    const positions = row ? this.repo.positions(id) : [];
    const streams = this.repo.streams(positions.flatMap((p) => [p.stream_id, ...patrolIds(p)]));
    if (!row || !this.visible(user, row, positions, streams))
      throw new PantauError('NOT_FOUND', `layout ${id} not found`, { field: 'id' });
    return { row, positions, streams };
  }

  /** A layout the user sees and may change. @throws PantauError NOT_FOUND, FORBIDDEN */
  private editable(user: AuthUser, id: number): Layout {
    const layout = this.get(user, id);
    if (!layout.editable) {
      if (layout.visibility === 'private')
        throw new PantauError('FORBIDDEN', 'only its owner changes a private layout');
      throw new PantauError(
        'FORBIDDEN',
        user.role === 'admin' ? 'this layout shows cameras outside your scope' : 'only admins change shared layouts',
      );
    }
    return layout;
  }

  private visible(
    user: AuthUser,
    row: LayoutRow,
    positions: readonly PositionRow[],
    streams: Map<number, TileStreamRow>,
  ): boolean {
    if (row.visibility === 'private') return row.owner_user_id === user.id;
    const branches = streamBranches(positions, streams);
    return user.branchScope === null || branches.length === 0 || branches.some((b) => inScope(user, b));
  }

  /** Tiles checked against the grid and the caller's scope, ready to store. */
  private checkPositions(
    user: AuthUser,
    type: LayoutType,
    grid: Grid,
    positions: readonly ParsedPosition[],
  ): PositionValues[] {
    const problem = checkTiles(type, grid.grid_rows, grid.grid_cols, positions);
    if (problem) throw new PantauError('VALIDATION_ERROR', problem.message, { field: problem.field });
    const streams = this.repo.streams(positions.flatMap((p) => [p.stream_id, ...(p.patrol?.stream_ids ?? [])]));
    const reachable = (id: number, field: string) => {
      const s = streams.get(id);
      if (!s || !inScope(user, s.branch_id))
        throw new PantauError('NOT_FOUND', `stream ${id} does not exist`, { field });
    };
    return positions.map((p, i) => {
      reachable(p.stream_id, `positions.${i}.stream_id`);
      p.patrol?.stream_ids.forEach((s, j) => reachable(s, `positions.${i}.patrol.stream_ids.${j}`));
      const custom = type === 'custom';
      const rect = tileRect(type, grid.grid_cols ?? 1, p);
      return {
        position_number: p.position_number,
        stream_id: p.stream_id,
        position_name: p.position_name ? p.position_name : null,
        quality: p.quality,
        is_enabled: p.is_enabled,
        grid_row: custom ? rect.row : null,
        grid_col: custom ? rect.col : null,
        row_span: custom ? rect.row_span : 1,
        col_span: custom ? rect.col_span : 1,
        patrol: p.patrol ?? null,
      };
    });
  }

  /** The layout's current tiles on a (possibly) new grid. @throws PantauError VALIDATION_ERROR naming `layout_type` or the grid when they no longer fit */
  private refit(type: LayoutType, grid: Grid, before: Layout): PositionValues[] {
    const custom = type === 'custom';
    const tiles = before.positions.map((p) => ({
      position_number: p.position_number,
      ...(custom && before.layout_type === 'custom'
        ? { row: p.row, col: p.col, row_span: p.row_span, col_span: p.col_span }
        : {}),
    }));
    const problem = checkTiles(type, grid.grid_rows, grid.grid_cols, tiles);
    if (problem) {
      throw new PantauError('VALIDATION_ERROR', `the current tiles do not fit: ${problem.message}`, {
        field: custom ? 'grid_rows' : 'layout_type',
      });
    }
    return before.positions.map((p) => {
      const rect = tileRect(
        type,
        grid.grid_cols ?? 1,
        tiles.find((t) => t.position_number === p.position_number)!,
      );
      return {
        position_number: p.position_number,
        stream_id: p.stream_id,
        position_name: p.position_name,
        quality: p.quality,
        is_enabled: p.is_enabled,
        grid_row: custom ? rect.row : null,
        grid_col: custom ? rect.col : null,
        row_span: custom ? rect.row_span : 1,
        col_span: custom ? rect.col_span : 1,
        patrol: p.patrol
          ? { stream_ids: p.patrol.streams.map((s) => s.stream_id), interval_s: p.patrol.interval_s }
          : null,
      };
    });
  }

  private unsetDefaults(c: Caller): void {
    for (const prev of this.repo.defaults()) {
      this.repo.update(prev.id, { is_default: false });
      this.audit.record(c.actor, 'unset_default', 'layout', prev.id, { is_default: true }, { is_default: false });
      this.announce(prev, 'updated');
    }
  }

  /**
   * Say a layout changed (`layout.changed`), with who could see it: the branches of its streams
   * before the change (`audienceBefore`, read before it; null for a new layout) and after it
   * (read now, in the transaction; none for a deleted one). The real-time publisher addresses
   * it from there (realtime/realtime-publisher.ts, `layoutAudience`). Call inside the change's
   * transaction.
   * @param wasShared it was shared before this change (and is private now)
   */
  private announce(
    l: Pick<LayoutRow, 'id' | 'visibility' | 'owner_user_id'>,
    action: 'created' | 'updated' | 'deleted',
    audienceBefore: readonly number[] | null = null,
    wasShared = false,
  ): void {
    this.events.emit('layout.changed', {
      layout_id: l.id,
      action,
      visibility: l.visibility,
      owner_user_id: l.owner_user_id,
      was_shared: wasShared,
      branches_before: audienceBefore,
      // only a shared layout's audience depends on its streams
      branches_after: action === 'deleted' || l.visibility !== 'shared' ? null : this.branchesOf(l.id),
    });
  }

  /** Distinct branch ids of the streams a layout shows (tiles and patrols), ascending; [] when none. */
  private branchesOf(id: number): number[] {
    const positions = this.repo.positions(id);
    const streams = this.repo.streams(positions.flatMap((p) => [p.stream_id, ...patrolIds(p)]));
    return [...new Set(streamBranches(positions, streams))].sort((a, b) => a - b);
  }

  private write<T>(fn: () => T): T {
    return this.exec.tx(fn);
  }

  private assemble(
    user: AuthUser,
    r: LayoutRow,
    positions: readonly PositionRow[],
    streams: Map<number, TileStreamRow>,
  ): Layout {
    const type = r.layout_type as LayoutType;
    const { rows, cols } = layoutGrid(type, r.grid_rows, r.grid_cols);
    const shown = (id: number): TileStream | undefined => {
      const s = streams.get(id);
      return s && inScope(user, s.branch_id) ? s : undefined;
    };
    const tiles: LayoutPosition[] = [];
    for (const p of positions) {
      const s = shown(p.stream_id);
      if (!s) continue;
      const rect = tileRect(type, cols, {
        position_number: p.position_number,
        row: p.grid_row,
        col: p.grid_col,
        row_span: p.row_span,
        col_span: p.col_span,
      });
      const patrol = patrolIds(p)
        .map(shown)
        .filter((x): x is TileStream => x !== undefined);
      tiles.push({
        position_number: p.position_number,
        position_name: p.position_name,
        quality: p.quality,
        is_enabled: p.is_enabled === 1,
        ...s,
        ...rect,
        patrol:
          p.auto_switch === 1 && patrol.length > 0 ? { interval_s: p.switch_interval_s ?? 10, streams: patrol } : null,
      });
    }
    const owner = r.visibility === 'private';
    return {
      id: r.id,
      layout_name: r.layout_name,
      layout_type: type,
      grid_rows: rows,
      grid_cols: cols,
      visibility: r.visibility,
      live_mode: r.live_mode,
      owner_user_id: owner ? r.owner_user_id : null,
      is_default: r.is_default === 1,
      editable: owner
        ? r.owner_user_id === user.id
        : user.role === 'admin' && streamBranches(positions, streams).every((b) => inScope(user, b)),
      positions: tiles,
      created_by: r.created_by,
      created_at: r.created_at,
      updated_at: r.updated_at,
    };
  }
}

/** Branches of every stream a layout's tiles show (tiles and patrols; streams gone are ignored). */
function streamBranches(positions: readonly PositionRow[], streams: Map<number, TileStreamRow>): number[] {
  const out: number[] = [];
  for (const p of positions)
    for (const id of [p.stream_id, ...patrolIds(p)]) {
      const s = streams.get(id);
      if (s) out.push(s.branch_id);
    }
  return out;
}

/** Grid columns as stored: the size of a custom grid, null for the fixed types. */
interface Grid {
  grid_rows: number | null;
  grid_cols: number | null;
}

/** @throws PantauError VALIDATION_ERROR when a custom grid lacks its size */
function checkGrid(type: LayoutType, rows: number | null | undefined, cols: number | null | undefined): Grid {
  if (type !== 'custom') return { grid_rows: null, grid_cols: null };
  if (!rows) throw new PantauError('VALIDATION_ERROR', 'a custom grid needs grid_rows (1–8)', { field: 'grid_rows' });
  if (!cols) throw new PantauError('VALIDATION_ERROR', 'a custom grid needs grid_cols (1–8)', { field: 'grid_cols' });
  return { grid_rows: rows, grid_cols: cols };
}
