/**
 * Grid geometry of a video-wall layout, and which tile of one version of a layout is the same
 * player as which tile of the next.
 *
 * Tiles are keyed by what they play — `<stream_id>/<quality>` (a second tile of the same stream
 * and quality gets `#2`, …) — not by where they sit, so when a layout changes (tiles swapped,
 * the grid changed, one camera replaced) React keeps every tile whose stream and quality did not
 * change mounted, with its `<video>` and player, and only moves it to its new cell. A patrolling
 * tile changes stream by itself, so it is keyed by its position instead.
 */
import { LAYOUT_GRID, fixedLayoutCells, type Layout, type LayoutPosition, type TileRect } from '@pantau/shared';

/** Rows × columns of a layout. */
export interface Grid {
  rows: number;
  cols: number;
}

/**
 * The grid of a layout: its `grid_rows` × `grid_cols`; for a layout without them, `LAYOUT_GRID`
 * of the fixed types (`'4'` → 2 × 2), or the smallest near-square grid holding the highest
 * position number of a custom one.
 */
export function gridFor(
  layout: Pick<Layout, 'layout_type' | 'positions'> & Partial<Pick<Layout, 'grid_rows' | 'grid_cols'>>,
): Grid {
  if (layout.grid_rows && layout.grid_cols) return { rows: layout.grid_rows, cols: layout.grid_cols };
  if (layout.layout_type !== 'custom') return LAYOUT_GRID[layout.layout_type];
  const n = Math.max(1, ...layout.positions.map((p) => p.position_number));
  const cols = Math.ceil(Math.sqrt(n));
  return { rows: Math.ceil(n / cols), cols };
}

/** One tile of the wall: its React key, the position it shows and its CSS grid area. */
export interface WallTile {
  key: string;
  position: LayoutPosition;
  /** CSS `grid-area`: `row / col / span rows / span cols` (1-based). */
  area: string;
}

/** A cell no enabled tile covers: an empty placeholder (`number` = the fixed type's position there, else null). */
export interface EmptyCell {
  key: string;
  number: number | null;
  /** CSS `grid-area`. */
  area: string;
}

/** What the wall draws for a layout. */
export interface WallPlan {
  grid: Grid;
  tiles: WallTile[];
  empty: EmptyCell[];
}

/** `row / col / span r / span c` for a tile. */
export function gridArea(p: TileRect): string {
  return `${p.row} / ${p.col} / span ${p.row_span} / span ${p.col_span}`;
}

/**
 * The tile keys of a layout's enabled positions, by position number (see the module comment).
 * Duplicates (the same stream and quality twice) are numbered in position order, so they too
 * keep their players when unrelated tiles change.
 */
export function tileKeys(positions: readonly LayoutPosition[]): Map<number, string> {
  const keys = new Map<number, string>();
  const seen = new Map<string, number>();
  for (const p of [...positions].sort((a, b) => a.position_number - b.position_number)) {
    if (!p.is_enabled) continue;
    if (p.patrol) {
      keys.set(p.position_number, `patrol:${p.position_number}`);
      continue;
    }
    const base = `${p.stream_id}/${p.quality}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    keys.set(p.position_number, n === 1 ? base : `${base}#${n}`);
  }
  return keys;
}

/** What {@link planWall} reads of a layout. */
export type WallLayout = Pick<Layout, 'layout_type' | 'positions'> & Partial<Pick<Layout, 'grid_rows' | 'grid_cols'>>;

/**
 * What the wall draws: every enabled tile in its cells, and a placeholder for each free tile of
 * a fixed type (numbered, the big one of 6 and 8 spanning its square) or each free cell of a
 * custom grid. With a tile maximised (its position number), that tile alone on a 1 × 1 grid,
 * under the same key, so it keeps its player. Tiles come in key order: a stable DOM order means
 * no element is moved when the layout changes, only its grid area.
 */
export function planWall(layout: WallLayout, maximised: number | null = null): WallPlan {
  const keys = tileKeys(layout.positions);
  const enabled = layout.positions.filter((p) => keys.has(p.position_number));
  const max = maximised === null ? undefined : enabled.find((p) => p.position_number === maximised);
  if (max)
    return {
      grid: { rows: 1, cols: 1 },
      tiles: [{ key: keys.get(max.position_number)!, position: max, area: '1 / 1 / span 1 / span 1' }],
      empty: [],
    };
  const grid = gridFor(layout);
  const tiles = enabled
    .map((p) => ({ key: keys.get(p.position_number)!, position: p, area: gridArea(p) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const empty: EmptyCell[] = [];
  if (layout.layout_type !== 'custom') {
    fixedLayoutCells(layout.layout_type).forEach((cell, i) => {
      if (!keys.has(i + 1)) empty.push({ key: `empty:${i + 1}`, number: i + 1, area: gridArea(cell) });
    });
    return { grid, tiles, empty };
  }
  const covered = new Set<string>();
  for (const { position: p } of tiles)
    for (let r = p.row; r < p.row + p.row_span; r++)
      for (let c = p.col; c < p.col + p.col_span; c++) covered.add(`${r}:${c}`);
  for (let r = 1; r <= grid.rows; r++) {
    for (let c = 1; c <= grid.cols; c++) {
      if (!covered.has(`${r}:${c}`))
        empty.push({
          key: `empty:${r}:${c}`,
          number: null,
          area: gridArea({ row: r, col: c, row_span: 1, col_span: 1 }),
        });
    }
  }
  return { grid, tiles, empty };
}

/** How one version of a layout's tiles relates to the next. */
export interface TileDiff {
  /** Keys in both: the same player, perhaps in another cell. */
  kept: string[];
  /** Keys only in the new version: new players. */
  added: string[];
  /** Keys only in the old version: players stopped. */
  removed: string[];
  /** Kept keys whose cells changed. */
  moved: string[];
}

/** Compares the tiles of two versions of a layout (as the wall draws them, nothing maximised). */
export function diffTiles(before: WallLayout | null, after: WallLayout): TileDiff {
  const old = new Map((before ? planWall(before).tiles : []).map((t) => [t.key, t.area]));
  const next = new Map(planWall(after).tiles.map((t) => [t.key, t.area]));
  const kept = [...next.keys()].filter((k) => old.has(k));
  return {
    kept,
    added: [...next.keys()].filter((k) => !old.has(k)),
    removed: [...old.keys()].filter((k) => !next.has(k)),
    moved: kept.filter((k) => old.get(k) !== next.get(k)),
  };
}

/** The layout to show: the chosen one when the list holds it, else the default, else the first. */
export function pickLayout(layouts: readonly Layout[] | undefined, chosenId: number | null): Layout | null {
  if (!layouts || layouts.length === 0) return null;
  return layouts.find((l) => l.id === chosenId) ?? layouts.find((l) => l.is_default) ?? layouts[0]!;
}

/**
 * What a patrolling tile shows at step `step`: its own stream at 0, then each patrol stream
 * in turn, round and round. Name and quality stay the tile's.
 */
export function patrolPosition(position: LayoutPosition, step: number): LayoutPosition {
  const streams = position.patrol?.streams ?? [];
  const i = step % (streams.length + 1);
  if (i === 0) return position;
  const s = streams[i - 1]!;
  return { ...position, ...s, position_name: null };
}
