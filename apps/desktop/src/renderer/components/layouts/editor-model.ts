/**
 * The layout editor's draft and what the editor's gestures do to it, as pure functions: drop a
 * camera on a tile or a free cell, drag a tile onto another (swap) or onto a free cell (move),
 * change the grid (tiles that still fit are kept), merge cells of a custom grid (a tile's span),
 * and the body `PATCH /layouts/:id` takes. Problems are checked with the server's own rules
 * (`checkTiles` from @pantau/shared) and mapped, like the server's answers, onto tiles by
 * position number.
 */
import {
  checkTiles,
  fixedLayoutCells,
  layoutGrid,
  PantauError,
  type Layout,
  type LayoutType,
  type LayoutUpdate,
  type LayoutVisibility,
  type LiveMode,
  type StreamQuality,
  type TileRect,
  type TileStream,
} from '@pantau/shared';

/** A camera stream as the editor shows it (dragged from the tree or read from a layout). */
export type DraftStream = Omit<TileStream, 'protocol'>;

/** One tile of the draft. */
export interface DraftTile extends TileRect {
  position_number: number;
  stream: DraftStream;
  /** '' = the stream's own name. */
  position_name: string;
  quality: StreamQuality;
  is_enabled: boolean;
  patrol: { streams: DraftStream[]; interval_s: number } | null;
}

/** A layout being edited. */
export interface Draft {
  layout_name: string;
  layout_type: LayoutType;
  /** Rows × columns (fixed types: theirs). */
  grid_rows: number;
  grid_cols: number;
  visibility: LayoutVisibility;
  /** Tiles always live, or stills until activity (big walls). */
  live_mode: LiveMode;
  tiles: DraftTile[];
}

/** Where something is dropped: a tile (by position number) or a free cell. */
export type DropTarget =
  { kind: 'tile'; number: number } | { kind: 'cell'; row: number; col: number; number: number | null };

/** One slot of the editor's grid: a tile, or a free cell (a fixed type's numbered one, or a custom grid's). */
export interface Slot {
  key: string;
  rect: TileRect;
  tile: DraftTile | null;
  /** Position number of the slot (a free custom cell has none). */
  number: number | null;
}

const streamOf = (s: DraftStream): DraftStream => ({
  stream_id: s.stream_id,
  stream_name: s.stream_name,
  device_id: s.device_id,
  branch_id: s.branch_id,
  branch_name: s.branch_name,
});
const byNumber = (a: DraftTile, b: DraftTile) => a.position_number - b.position_number;

/** A new, empty draft: four tiles, shared when the user may share. */
export function emptyDraft(name: string, visibility: LayoutVisibility): Draft {
  return {
    layout_name: name,
    layout_type: '4',
    grid_rows: 2,
    grid_cols: 2,
    visibility,
    live_mode: 'always',
    tiles: [],
  };
}

/** The draft of a saved layout. */
export function draftFrom(layout: Layout): Draft {
  return {
    layout_name: layout.layout_name,
    layout_type: layout.layout_type,
    grid_rows: layout.grid_rows,
    grid_cols: layout.grid_cols,
    visibility: layout.visibility,
    live_mode: layout.live_mode,
    tiles: layout.positions.map((p) => ({
      position_number: p.position_number,
      stream: streamOf(p),
      position_name: p.position_name ?? '',
      quality: p.quality,
      is_enabled: p.is_enabled,
      row: p.row,
      col: p.col,
      row_span: p.row_span,
      col_span: p.col_span,
      patrol: p.patrol ? { interval_s: p.patrol.interval_s, streams: p.patrol.streams.map(streamOf) } : null,
    })),
  };
}

/** The tiles in the order the body lists them (index i ↔ `positions.i` in the server's answers). */
export function bodyOrder(draft: Draft): DraftTile[] {
  return [...draft.tiles].sort(byNumber);
}

/** The `PATCH /layouts/:id` (and, with `is_default`, create) body of a draft. */
export function toBody(
  draft: Draft,
): Required<Pick<LayoutUpdate, 'layout_name' | 'layout_type' | 'visibility' | 'live_mode' | 'positions'>> &
  Pick<LayoutUpdate, 'grid_rows' | 'grid_cols'> {
  const custom = draft.layout_type === 'custom';
  return {
    layout_name: draft.layout_name,
    layout_type: draft.layout_type,
    ...(custom ? { grid_rows: draft.grid_rows, grid_cols: draft.grid_cols } : {}),
    visibility: draft.visibility,
    live_mode: draft.live_mode,
    positions: bodyOrder(draft).map((t) => ({
      position_number: t.position_number,
      stream_id: t.stream.stream_id,
      position_name: t.position_name.trim() === '' ? null : t.position_name.trim(),
      quality: t.quality,
      is_enabled: t.is_enabled,
      ...(custom ? { row: t.row, col: t.col, row_span: t.row_span, col_span: t.col_span } : {}),
      patrol:
        t.patrol && t.patrol.streams.length > 0
          ? { stream_ids: t.patrol.streams.map((s) => s.stream_id), interval_s: t.patrol.interval_s }
          : null,
    })),
  };
}

/** Every slot of the draft's grid: its tiles and its free tiles or cells, in reading order. */
export function slotsOf(draft: Draft): Slot[] {
  const tiles = new Map(draft.tiles.map((t) => [t.position_number, t]));
  if (draft.layout_type !== 'custom') {
    return fixedLayoutCells(draft.layout_type).map((rect, i) => ({
      key: `n${i + 1}`,
      rect,
      tile: tiles.get(i + 1) ?? null,
      number: i + 1,
    }));
  }
  const covered = new Set<string>();
  for (const t of draft.tiles)
    for (let r = t.row; r < t.row + t.row_span; r++)
      for (let c = t.col; c < t.col + t.col_span; c++) covered.add(`${r}:${c}`);
  const slots: Slot[] = draft.tiles.map((t) => ({
    key: `n${t.position_number}`,
    rect: rectOf(t),
    tile: t,
    number: t.position_number,
  }));
  for (let r = 1; r <= draft.grid_rows; r++) {
    for (let c = 1; c <= draft.grid_cols; c++) {
      if (!covered.has(`${r}:${c}`))
        slots.push({ key: `c${r}:${c}`, rect: { row: r, col: c, row_span: 1, col_span: 1 }, tile: null, number: null });
    }
  }
  return slots.sort((a, b) => a.rect.row - b.rect.row || a.rect.col - b.rect.col);
}

const rectOf = (t: TileRect): TileRect => ({ row: t.row, col: t.col, row_span: t.row_span, col_span: t.col_span });

/** The smallest position number no tile uses. */
function freeNumber(draft: Draft): number {
  const used = new Set(draft.tiles.map((t) => t.position_number));
  let n = 1;
  while (used.has(n)) n++;
  return n;
}

/** Where a new tile at `target` goes: its number and cells. */
function placeAt(draft: Draft, target: Extract<DropTarget, { kind: 'cell' }>): { position_number: number } & TileRect {
  if (draft.layout_type !== 'custom') {
    const n = target.number ?? 1;
    return { position_number: n, ...fixedLayoutCells(draft.layout_type)[n - 1]! };
  }
  return { position_number: freeNumber(draft), row: target.row, col: target.col, row_span: 1, col_span: 1 };
}

/** Drops a camera: onto a tile it replaces the tile's camera (name and patrol cleared), onto a free cell it makes a tile. */
export function dropCamera(draft: Draft, target: DropTarget, stream: DraftStream): Draft {
  if (target.kind === 'tile') {
    return {
      ...draft,
      tiles: draft.tiles.map((t) =>
        t.position_number === target.number ? { ...t, stream: streamOf(stream), position_name: '', patrol: null } : t,
      ),
    };
  }
  const tile: DraftTile = {
    ...placeAt(draft, target),
    stream: streamOf(stream),
    position_name: '',
    quality: 'sub',
    is_enabled: true,
    patrol: null,
  };
  return { ...draft, tiles: [...draft.tiles, tile].sort(byNumber) };
}

/** What a tile shows (swapped between tiles; its place stays). */
type Content = Pick<DraftTile, 'stream' | 'position_name' | 'quality' | 'is_enabled' | 'patrol'>;
const contentOf = (t: DraftTile): Content => ({
  stream: t.stream,
  position_name: t.position_name,
  quality: t.quality,
  is_enabled: t.is_enabled,
  patrol: t.patrol,
});

/**
 * Drags tile `from` onto `target`: onto another tile the two swap what they show (each keeps its
 * place and size); onto a free cell the tile moves there (a custom grid's tile as one cell).
 */
export function moveTile(draft: Draft, from: number, target: DropTarget): Draft {
  const a = draft.tiles.find((t) => t.position_number === from);
  if (!a) return draft;
  if (target.kind === 'tile') {
    const b = draft.tiles.find((t) => t.position_number === target.number);
    if (!b || b === a) return draft;
    return {
      ...draft,
      tiles: draft.tiles.map((t) => (t === a ? { ...a, ...contentOf(b) } : t === b ? { ...b, ...contentOf(a) } : t)),
    };
  }
  const rest = { ...draft, tiles: draft.tiles.filter((t) => t !== a) };
  const moved: DraftTile = { ...contentOf(a), ...placeAt(rest, target) };
  if (draft.layout_type === 'custom') moved.position_number = a.position_number;
  return { ...rest, tiles: [...rest.tiles, moved].sort(byNumber) };
}

/** Changes one tile's settings (name, quality, enabled, patrol, span). */
export function updateTile(draft: Draft, number: number, patch: Partial<Omit<DraftTile, 'position_number'>>): Draft {
  return { ...draft, tiles: draft.tiles.map((t) => (t.position_number === number ? { ...t, ...patch } : t)) };
}

/** Removes a tile. */
export function removeTile(draft: Draft, number: number): Draft {
  return { ...draft, tiles: draft.tiles.filter((t) => t.position_number !== number) };
}

/**
 * Another grid: a fixed type keeps the tiles whose numbers it has (in its own places); a custom
 * grid keeps every tile where it was (a fixed layout's places, the big tile included, become
 * custom cells) and drops those that no longer fit or would overlap.
 * @returns the new draft and how many tiles were dropped
 */
export function changeGrid(
  draft: Draft,
  type: LayoutType,
  rows?: number,
  cols?: number,
): { draft: Draft; dropped: number } {
  if (type !== 'custom') {
    const cells = fixedLayoutCells(type);
    const { rows: r, cols: c } = layoutGrid(type);
    const tiles = draft.tiles
      .filter((t) => t.position_number <= cells.length)
      .map((t) => ({ ...t, ...cells[t.position_number - 1]! }));
    return {
      draft: { ...draft, layout_type: type, grid_rows: r, grid_cols: c, tiles },
      dropped: draft.tiles.length - tiles.length,
    };
  }
  const r = rows ?? draft.grid_rows;
  const c = cols ?? draft.grid_cols;
  const tiles: DraftTile[] = [];
  const taken = new Set<string>();
  for (const t of [...draft.tiles].sort(byNumber)) {
    if (t.row + t.row_span - 1 > r || t.col + t.col_span - 1 > c) continue;
    const cells: string[] = [];
    for (let y = t.row; y < t.row + t.row_span; y++)
      for (let x = t.col; x < t.col + t.col_span; x++) cells.push(`${y}:${x}`);
    if (cells.some((k) => taken.has(k))) continue;
    cells.forEach((k) => taken.add(k));
    tiles.push(t);
  }
  // numbers must fit the new grid's cell count
  const capacity = r * c;
  const used = new Set(tiles.filter((t) => t.position_number <= capacity).map((t) => t.position_number));
  let next = 1;
  const renumbered = tiles.map((t) => {
    if (t.position_number <= capacity) return t;
    while (used.has(next)) next++;
    used.add(next);
    return { ...t, position_number: next };
  });
  return {
    draft: { ...draft, layout_type: 'custom', grid_rows: r, grid_cols: c, tiles: renumbered.sort(byNumber) },
    dropped: draft.tiles.length - tiles.length,
  };
}

/** A problem shown in place: on a tile (`number`) and its field, or on a layout field. */
export interface PlacedProblem {
  /** Position number of the tile, or null for a layout field. */
  number: number | null;
  /** `stream_id`, `row_span`, … for a tile; `layout_name`, `grid_rows`, … for the layout. */
  field: string;
  message: string;
}

/** Places a field path of the body (`positions.2.row_span`, `layout_name`) onto the draft. */
export function placeField(draft: Draft, path: string, message: string): PlacedProblem {
  const m = /^(?:body\.)?positions\.(\d+)\.?(.*)$/.exec(path);
  if (!m) return { number: null, field: path.replace(/^body\./, ''), message };
  const tile = bodyOrder(draft)[Number(m[1])];
  return { number: tile?.position_number ?? null, field: m[2] || 'stream_id', message };
}

/** The draft's first broken tile rule (the server's own check), placed; or null. */
export function localProblem(draft: Draft): PlacedProblem | null {
  if (draft.layout_name.trim() === '') return { number: null, field: 'layout_name', message: 'required' };
  const body = toBody(draft);
  const p = checkTiles(draft.layout_type, body.grid_rows, body.grid_cols, body.positions);
  return p ? placeField(draft, p.field, p.message) : null;
}

/** A failed save's problems, placed (every issue the server names; others on the layout as `general`). */
export function serverProblems(draft: Draft, err: unknown): PlacedProblem[] {
  if (!(err instanceof PantauError))
    return [{ number: null, field: 'general', message: err instanceof Error ? err.message : String(err) }];
  const issues =
    err.details?.issues ?? (err.details?.field ? [{ field: err.details.field, message: err.message }] : []);
  if (issues.length === 0) return [{ number: null, field: 'general', message: err.message }];
  return issues.map((i) => placeField(draft, i.field, i.message));
}
