/**
 * The stream gateway's figures (S15): `GET /api/v1/gateway/streams` lists every (stream,
 * quality) the gateway carries now, MPEG-TS and HLS alike, with its viewers, bitrate and uptime.
 */
import { z } from 'zod';
import { Id } from './common.js';
import { StreamQuality } from './organisation.js';

/**
 * State of one upstream: `starting` (ffmpeg spawned, no bytes yet), `live`, `reconnecting`
 * (the camera stopped answering; restarting with backoff), `stopped`.
 */
export const GatewayUpstreamState = z.enum(['starting', 'live', 'reconnecting', 'stopped']);
export type GatewayUpstreamState = z.infer<typeof GatewayUpstreamState>;

/**
 * How the gateway carries a stream: `rtsp` pulled by one ffmpeg and played as MPEG-TS over the
 * WebSocket (RTSP cameras, and http MPEG-TS/FLV sources remuxed the same way); `hls` relayed
 * playlist and segments by the server's HLS proxy to hls.js.
 */
export const GatewayProtocol = z.enum(['rtsp', 'hls']);
export type GatewayProtocol = z.infer<typeof GatewayProtocol>;

/**
 * One active (stream, quality) of the gateway. For `hls`: `starting` until the first playlist
 * arrives, `live` while playlists do, `reconnecting` after a failed fetch from the source.
 */
export const GatewayStream = z.object({
  stream_id: Id,
  quality: StreamQuality,
  protocol: GatewayProtocol,
  state: GatewayUpstreamState,
  /**
   * `rtsp`: viewer sockets attached now, over every window and user. `hls`: players (one per
   * live ticket) that fetched the playlist within the last 10 s, or 3 target durations if longer.
   */
  viewers: z.int().min(0),
  /** Bits per second received from the camera over the last 5 s (HLS: playlists and segments fetched for every player). */
  bitrate_bps: z.int().min(0),
  /** Bytes received from the camera since the stream started. */
  bytes_in: z.int().min(0),
  /** ms since the current upstream delivered its first bytes (HLS: its first playlist since the last failure); 0 unless live. */
  uptime_ms: z.int().min(0),
  /** Upstream restarts (camera dropped, stalled) since the stream started; for `hls`, failed fetches from the source. */
  restarts: z.int().min(0),
  /** The last upstream error, credentials removed; null while healthy. */
  last_error: z.string().nullable(),
});
export type GatewayStream = z.infer<typeof GatewayStream>;
