/**
 * The stream gateway's figures (S15): `GET /api/v1/gateway/streams` lists every (stream,
 * quality) the gateway is pulling now, with its viewers, bitrate and uptime.
 */
import { z } from 'zod';
import { Id } from './common.js';

/**
 * State of one upstream: `starting` (ffmpeg spawned, no bytes yet), `live`, `reconnecting`
 * (the camera stopped answering; restarting with backoff), `stopped`.
 */
export const GatewayUpstreamState = z.enum(['starting', 'live', 'reconnecting', 'stopped']);

/** One active (stream, quality) of the gateway. */
export const GatewayStream = z.object({
  stream_id: Id,
  quality: z.enum(['main', 'sub']),
  state: GatewayUpstreamState,
  /** Viewer sockets attached now, over every window and user. */
  viewers: z.int().min(0),
  /** Bits per second received from the camera over the last 5 s. */
  bitrate_bps: z.int().min(0),
  /** Bytes received from the camera since the stream started. */
  bytes_in: z.int().min(0),
  /** ms since the current upstream delivered its first bytes; 0 unless live. */
  uptime_ms: z.int().min(0),
  /** Upstream restarts (camera dropped, stalled) since the stream started. */
  restarts: z.int().min(0),
  /** The last upstream error, credentials removed; null while healthy. */
  last_error: z.string().nullable(),
});
export type GatewayStream = z.infer<typeof GatewayStream>;
