/**
 * Video-wall layouts and their tile positions (S9, first version).
 */
import { z } from 'zod';
import { Id, IsoDateTime } from './common.js';
import { StreamProtocol } from './organisation.js';

export const LayoutType = z.enum(['1', '4', '6', '8', '9', '16', 'custom']);

/** Grid size of each fixed layout type: rows × columns. */
export const LAYOUT_GRID: Record<Exclude<z.infer<typeof LayoutType>, 'custom'>, { rows: number; cols: number }> = {
  '1': { rows: 1, cols: 1 },
  '4': { rows: 2, cols: 2 },
  '6': { rows: 3, cols: 3 },
  '8': { rows: 4, cols: 4 },
  '9': { rows: 3, cols: 3 },
  '16': { rows: 4, cols: 4 },
};

export const PositionInput = z.object({
  position_number: z.int().min(1).max(64),
  stream_id: Id,
  position_name: z.string().trim().max(128).optional(),
  quality: z.enum(['main', 'sub']).default('sub'),
  is_enabled: z.boolean().default(true),
});

export const LayoutCreate = z.object({
  layout_name: z.string().trim().min(1).max(128),
  layout_type: LayoutType,
  is_default: z.boolean().default(false),
  positions: z.array(PositionInput).max(64).default([]),
});
export type LayoutCreate = z.input<typeof LayoutCreate>;

export const LayoutPosition = z.object({
  position_number: z.int(),
  stream_id: Id,
  position_name: z.string().nullable(),
  quality: z.enum(['main', 'sub']),
  is_enabled: z.boolean(),
  /** Denormalised for the wall: what a tile shows before it plays. */
  stream_name: z.string(),
  protocol: StreamProtocol,
  device_id: z.string(),
  branch_id: Id,
  branch_name: z.string(),
});
export type LayoutPosition = z.infer<typeof LayoutPosition>;

export const Layout = z.object({
  id: Id,
  layout_name: z.string(),
  layout_type: LayoutType,
  is_default: z.boolean(),
  positions: z.array(LayoutPosition),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type Layout = z.infer<typeof Layout>;

/** `GET /api/v1/streams/:id/live?quality=`: where the console plays a stream from. */
export const LiveStreamQuery = z.object({ quality: z.enum(['main', 'sub']).default('sub') });

export const LiveStream = z.object({
  stream_id: Id,
  /** How the console must play it: MPEG-TS over WebSocket for RTSP cameras (via the gateway). */
  player: z.enum(['mpegts', 'hls']),
  /** Absolute path on the server (`/ws/streams/…?ticket=…`) or absolute URL; holds a short-lived ticket, never camera credentials. */
  url: z.string(),
  /** When the ticket in `url` stops being accepted. */
  expires_at: IsoDateTime,
});
export type LiveStream = z.infer<typeof LiveStream>;
