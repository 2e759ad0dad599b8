/**
 * Video-wall layouts and their tiles (S9): the fixed NVR layouts (1, 4, 6, 8, 9, 16 tiles) and
 * custom grids of up to 8 × 8 cells where a tile may span several cells; each tile shows one
 * camera stream, or patrols a list of them. Shared layouts are seen by every user whose scope
 * holds all their streams; private ones only by their owner.
 *
 * The geometry helpers below are the one source of the tile rules: the server validates
 * with them and the console's editor checks with them before it saves.
 */
import { z } from 'zod';
import { Id, IsoDateTime } from './common.js';
import { StreamProtocol, StreamQuality } from './organisation.js';

export const LayoutType = z.enum(['1', '4', '6', '8', '9', '16', '25', '36', '64', 'custom']);
export type LayoutType = z.infer<typeof LayoutType>;
export type FixedLayoutType = Exclude<LayoutType, 'custom'>;

export const LayoutVisibility = z.enum(['shared', 'private']);
export type LayoutVisibility = z.infer<typeof LayoutVisibility>;

/** Largest custom grid: rows and columns each. */
export const MAX_GRID_SIZE = 8;
/** Most tiles a layout holds (a full 8 × 8 grid). */
export const MAX_TILES = MAX_GRID_SIZE * MAX_GRID_SIZE;
/** Shortest patrol step, seconds: a camera shown for less is not watched, only flashed. */
export const MIN_PATROL_INTERVAL_S = 5;
/** Longest patrol step, seconds (one hour). */
export const MAX_PATROL_INTERVAL_S = 3600;
/** Most cameras a patrolling tile cycles through besides its own. */
export const MAX_PATROL_STREAMS = 32;

/** Grid size of each fixed layout type: rows × columns. */
export const LAYOUT_GRID: Record<FixedLayoutType, { rows: number; cols: number }> = {
  '1': { rows: 1, cols: 1 },
  '4': { rows: 2, cols: 2 },
  '6': { rows: 3, cols: 3 },
  '8': { rows: 4, cols: 4 },
  '9': { rows: 3, cols: 3 },
  '16': { rows: 4, cols: 4 },
  '25': { rows: 5, cols: 5 },
  '36': { rows: 6, cols: 6 },
  '64': { rows: 8, cols: 8 },
};

/**
 * How a wall's tiles play (issue 15): `always` live; or `activity` — a tile shows a still frame
 * (a key frame from the gateway, refreshed every few seconds) and plays live on a detection at
 * its camera, on hover or on keyboard focus, and while maximised (Frigate's "smart streaming").
 * What makes a 36- or 64-tile wall fit one workstation.
 */
export const LiveMode = z.enum(['always', 'activity']);
export type LiveMode = z.infer<typeof LiveMode>;

/** Where a tile sits: 1-based first row and column, and how many cells it spans each way. */
export interface TileRect {
  row: number;
  col: number;
  row_span: number;
  col_span: number;
}

/**
 * The cells of a fixed layout type, index i = position i + 1. 1, 4, 9 and 16 are plain grids
 * filled row by row; 6 and 8 are the standard NVR layouts with one big tile at the top left
 * (6 = 3 × 3 with a 2 × 2 tile and 5 small ones down the right and along the bottom;
 * 8 = 4 × 4 with a 3 × 3 tile and 7 small ones), numbered right column first, then the bottom
 * row left to right, as NVR front panels number them.
 */
export function fixedLayoutCells(type: FixedLayoutType): TileRect[] {
  const { rows, cols } = LAYOUT_GRID[type];
  const one = (row: number, col: number): TileRect => ({ row, col, row_span: 1, col_span: 1 });
  if (type === '6' || type === '8') {
    const big = rows - 1;
    const cells: TileRect[] = [{ row: 1, col: 1, row_span: big, col_span: big }];
    for (let r = 1; r <= big; r++) cells.push(one(r, cols));
    for (let c = 1; c <= cols; c++) cells.push(one(rows, c));
    return cells;
  }
  const cells: TileRect[] = [];
  for (let r = 1; r <= rows; r++) for (let c = 1; c <= cols; c++) cells.push(one(r, c));
  return cells;
}

/** Rows × columns of a layout: the fixed type's, or the custom grid's own (1 × 1 when unset). */
export function layoutGrid(
  type: LayoutType,
  gridRows?: number | null,
  gridCols?: number | null,
): { rows: number; cols: number } {
  if (type !== 'custom') return LAYOUT_GRID[type];
  return { rows: gridRows ?? 1, cols: gridCols ?? 1 };
}

/** How many tiles a layout type has room for (custom: its grid's cell count). */
export function layoutCapacity(type: LayoutType, gridRows?: number | null, gridCols?: number | null): number {
  if (type !== 'custom') return fixedLayoutCells(type).length;
  const g = layoutGrid(type, gridRows, gridCols);
  return g.rows * g.cols;
}

/** What {@link tileRect} needs of a tile. */
export interface TilePlacement {
  position_number: number;
  row?: number | null | undefined;
  col?: number | null | undefined;
  row_span?: number | null | undefined;
  col_span?: number | null | undefined;
}

/**
 * The rectangle of a tile: from the template of a fixed type (by position number); for a
 * custom grid the tile's own row/col/spans, or when it has none, the cell its number names
 * counting row by row.
 */
export function tileRect(type: LayoutType, gridCols: number, p: TilePlacement): TileRect {
  if (type !== 'custom') {
    const cell = fixedLayoutCells(type)[p.position_number - 1];
    return cell ?? { row: 1, col: 1, row_span: 1, col_span: 1 };
  }
  const cols = Math.max(1, gridCols);
  return {
    row: p.row ?? Math.floor((p.position_number - 1) / cols) + 1,
    col: p.col ?? ((p.position_number - 1) % cols) + 1,
    row_span: p.row_span ?? 1,
    col_span: p.col_span ?? 1,
  };
}

/** A broken tile rule: the input field it concerns and what is wrong, in English. */
export interface TileProblem {
  field: string;
  message: string;
}

/**
 * Checks the tiles of a layout: position numbers unique and within the type; on fixed types
 * no geometry other than the template's; on custom grids every tile inside the grid and no two
 * tiles sharing a cell. Fields are `positions.<i>.<name>` (`i` = index in `positions`).
 * @returns the first problem, or null when the tiles are fine
 */
export function checkTiles(
  type: LayoutType,
  gridRows: number | null | undefined,
  gridCols: number | null | undefined,
  positions: readonly TilePlacement[],
): TileProblem | null {
  const capacity = layoutCapacity(type, gridRows, gridCols);
  const seen = new Set<number>();
  for (const [i, p] of positions.entries()) {
    if (p.position_number > capacity)
      return {
        field: `positions.${i}.position_number`,
        message: `position ${p.position_number} does not fit a ${type === 'custom' ? `${capacity}-cell` : `${type}-tile`} layout`,
      };
    if (seen.has(p.position_number))
      return { field: `positions.${i}.position_number`, message: `position ${p.position_number} used twice` };
    seen.add(p.position_number);
  }
  if (type !== 'custom') {
    const template = fixedLayoutCells(type);
    for (const [i, p] of positions.entries()) {
      const cell = template[p.position_number - 1]!;
      for (const k of ['row', 'col', 'row_span', 'col_span'] as const) {
        const v = p[k];
        if (v !== undefined && v !== null && v !== cell[k])
          return {
            field: `positions.${i}.${k}`,
            message: `a ${type}-tile layout places its tiles itself: use a custom grid to choose ${k}`,
          };
      }
    }
    return null;
  }
  const { rows, cols } = layoutGrid(type, gridRows, gridCols);
  const owner = new Map<string, number>();
  for (const [i, p] of positions.entries()) {
    const r = tileRect(type, cols, p);
    if (r.row + r.row_span - 1 > rows)
      return {
        field: `positions.${i}.${p.row_span && p.row_span > 1 ? 'row_span' : 'row'}`,
        message: `tile ${p.position_number} ends below row ${rows} of the grid`,
      };
    if (r.col + r.col_span - 1 > cols)
      return {
        field: `positions.${i}.${p.col_span && p.col_span > 1 ? 'col_span' : 'col'}`,
        message: `tile ${p.position_number} ends right of column ${cols} of the grid`,
      };
    for (let y = r.row; y < r.row + r.row_span; y++) {
      for (let x = r.col; x < r.col + r.col_span; x++) {
        const other = owner.get(`${y}:${x}`);
        if (other !== undefined)
          return {
            field: `positions.${i}.row`,
            message: `tile ${p.position_number} overlaps tile ${other} at row ${y}, column ${x}`,
          };
        owner.set(`${y}:${x}`, p.position_number);
      }
    }
  }
  return null;
}

/** A patrol: the tile shows its own stream, then each of these in turn, `interval_s` seconds each. */
export const PatrolInput = z
  .object({
    stream_ids: z.array(Id).min(1).max(MAX_PATROL_STREAMS),
    interval_s: z.int().min(MIN_PATROL_INTERVAL_S).max(MAX_PATROL_INTERVAL_S),
  })
  .strict();

const GridIndex = z.int().min(1).max(MAX_GRID_SIZE);

/** One tile as written: fixed types take their geometry from `position_number`, custom grids from row/col/spans. */
export const PositionInput = z
  .object({
    position_number: z.int().min(1).max(MAX_TILES),
    stream_id: Id,
    position_name: z.string().trim().max(128).nullable().optional(),
    quality: StreamQuality.default('sub'),
    is_enabled: z.boolean().default(true),
    row: GridIndex.optional(),
    col: GridIndex.optional(),
    row_span: GridIndex.optional(),
    col_span: GridIndex.optional(),
    patrol: PatrolInput.nullable().optional(),
  })
  .strict();
export type PositionInput = z.input<typeof PositionInput>;

export const LayoutCreate = z.object({
  layout_name: z.string().trim().min(1).max(128),
  layout_type: LayoutType,
  /** Custom grids only (required there): rows and columns, 1–8 each. */
  grid_rows: GridIndex.optional(),
  grid_cols: GridIndex.optional(),
  /** `shared` (admins only; the default) or `private` (the creator's own, any user). */
  visibility: LayoutVisibility.default('shared'),
  /** Default `always`. */
  live_mode: LiveMode.default('always'),
  is_default: z.boolean().default(false),
  positions: z.array(PositionInput).max(MAX_TILES).default([]),
});
export type LayoutCreate = z.input<typeof LayoutCreate>;

/** `PATCH /layouts/:id`: any of these; `positions` replaces every tile in the same transaction. */
export const LayoutUpdate = z
  .object({
    layout_name: z.string().trim().min(1).max(128).optional(),
    layout_type: LayoutType.optional(),
    grid_rows: GridIndex.optional(),
    grid_cols: GridIndex.optional(),
    visibility: LayoutVisibility.optional(),
    live_mode: LiveMode.optional(),
    positions: z.array(PositionInput).max(MAX_TILES).optional(),
  })
  .strict();
export type LayoutUpdate = z.input<typeof LayoutUpdate>;

/** `PUT /layouts/:id/positions`: every tile of the layout (replaces all of them). */
export const PositionsReplace = z.object({ positions: z.array(PositionInput).max(MAX_TILES) }).strict();
export type PositionsReplace = z.input<typeof PositionsReplace>;

/** A stream as a tile shows it before it plays. */
export const TileStream = z.object({
  stream_id: Id,
  stream_name: z.string(),
  protocol: StreamProtocol,
  device_id: z.string(),
  branch_id: Id,
  branch_name: z.string(),
});
export type TileStream = z.infer<typeof TileStream>;

export const LayoutPosition = z.object({
  position_number: z.int(),
  stream_id: Id,
  position_name: z.string().nullable(),
  quality: StreamQuality,
  is_enabled: z.boolean(),
  /** Denormalised for the wall: what a tile shows before it plays. */
  stream_name: z.string(),
  protocol: StreamProtocol,
  device_id: z.string(),
  branch_id: Id,
  branch_name: z.string(),
  /** The tile's cells (1-based), always filled in (fixed types: from the template). */
  row: z.int(),
  col: z.int(),
  row_span: z.int(),
  col_span: z.int(),
  /** The cameras visited after `stream_id`, in order, each for `interval_s` seconds; null = no patrol. */
  patrol: z.object({ interval_s: z.int(), streams: z.array(TileStream) }).nullable(),
});
export type LayoutPosition = z.infer<typeof LayoutPosition>;

export const Layout = z.object({
  id: Id,
  layout_name: z.string(),
  layout_type: LayoutType,
  /** Rows and columns of the grid (fixed types: theirs). */
  grid_rows: z.int(),
  grid_cols: z.int(),
  visibility: LayoutVisibility,
  live_mode: LiveMode,
  /** The owner of a private layout; null for shared ones. */
  owner_user_id: Id.nullable(),
  is_default: z.boolean(),
  /** Whether the caller may change it (shared: admins; private: its owner). */
  editable: z.boolean(),
  positions: z.array(LayoutPosition),
  created_by: Id.nullable(),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type Layout = z.infer<typeof Layout>;

/**
 * Video codecs a console names when it says what it can decode: `h264` (AVC) and `hevc`
 * (H.265). Each is the ffprobe name of the codec (StreamMedia.video_codec).
 */
export const VideoCodec = z.enum(['h264', 'hevc']);
export type VideoCodec = z.infer<typeof VideoCodec>;

/**
 * `GET /api/v1/streams/:id/live?quality=&codecs=&height=`: where the console plays a stream
 * from. `codecs`: what this console can decode, comma-separated {@link VideoCodec} names (the
 * console asks Media Source Extensions); a camera sending anything else is transcoded to H.264
 * for it. Absent = `h264` only. `height`: the tile's height in device px, so a transcode is
 * made no bigger than it is shown.
 */
export const LiveStreamQuery = z.object({
  quality: StreamQuality.default('sub'),
  codecs: z
    .string()
    .max(100)
    .regex(/^[a-z0-9]+(,[a-z0-9]+)*$/, 'comma-separated codec names, e.g. h264,hevc')
    .optional(),
  height: z.coerce.number().int().min(90).max(4320).optional(),
  /**
   * `1`: with the camera's audio (a maximised tile the operator unmuted). AAC passes through;
   * G.711 (PCMA/PCMU) and other codecs browsers cannot play are transcoded to AAC. Default `0`:
   * video only, what every tile starts with.
   */
  audio: z.enum(['0', '1']).default('0'),
});

/** `GET /api/v1/streams/:id/still?quality=&height=`: a JPEG of the stream's latest key frame. */
export const StillQuery = z.object({
  quality: StreamQuality.default('sub'),
  /**
   * A hint, px: stills the gateway writes beside a stream's remux (every substream, and a main
   * stream first asked for as a still) are the key frame's own size up to 360 px; only a still
   * decoded on demand (a main stream already playing without them) is scaled to it.
   */
  height: z.coerce.number().int().min(32).max(2160).optional(),
});

/**
 * Why the gateway serves another quality than asked (`quality` differs): `transcode_limit` the
 * main stream needs a transcode for this console and the server's limit of concurrent
 * transcodes is reached, so the grid's substream is shown.
 */
export const LiveFallbackReason = z.enum(['transcode_limit']);

export const LiveStream = z.object({
  stream_id: Id,
  /** The quality served: the one asked for, unless `fallback` says why not. */
  quality: StreamQuality,
  /** How the console must play it: MPEG-TS over WebSocket for RTSP cameras (via the gateway). */
  player: z.enum(['mpegts', 'hls']),
  /** What the camera sends on that quality (ffprobe's name: `h264`, `hevc`, …); null until probed. */
  codec: z.string().nullable(),
  /** `copy`: the camera's own video, remuxed; `transcode`: re-encoded to H.264 because this console cannot decode `codec`. */
  delivery: z.enum(['copy', 'transcode']),
  fallback: LiveFallbackReason.nullable(),
  /** The camera's audio codec on that quality (ffprobe's name: `aac`, `pcm_alaw`, …); null when it sends none (or was never probed). */
  audio_codec: z.string().nullable(),
  /** Whether the stream at `url` carries audio (asked for and the camera has some), as AAC. */
  audio: z.boolean(),
  /** Absolute path on the server (`/ws/streams/…?ticket=…`) or absolute URL; holds a short-lived ticket, never camera credentials. */
  url: z.string(),
  /** When the ticket in `url` stops being accepted. */
  expires_at: IsoDateTime,
});
export type LiveStream = z.infer<typeof LiveStream>;
