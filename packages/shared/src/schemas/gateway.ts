/**
 * The stream gateway's figures (S15): `GET /api/v1/gateway/streams` lists every (stream,
 * quality) the gateway carries now, MPEG-TS and HLS alike, with its viewers, bitrate and uptime.
 */
import { z } from 'zod';
import { Id, IsoDateTime } from './common.js';
import { StreamProblem, StreamQuality } from './organisation.js';

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
  /** What the last error means (401 → `unauthorized`, no answer → `unreachable`, …); null while healthy. */
  problem: StreamProblem.nullable(),
  /**
   * `copy`: the camera's video remuxed as it is; `transcode`: re-encoded to H.264 for consoles
   * that cannot decode the camera's codec (one per stream and quality, shared by them all).
   * HLS is always `copy`.
   */
  delivery: z.enum(['copy', 'transcode']),
  /** The video codec received from the camera (from the MPEG-TS PMT: `h264`, `hevc`, …); null until known. */
  codec: z.string().nullable(),
  /** Audio carried with the video for unmuted tiles: `copy` (the camera's AAC), `aac` (G.711 and others transcoded to AAC); null = video only. */
  audio: z.enum(['copy', 'aac']).nullable(),
  /** A transcode's encoder (`libx264`, `h264_vaapi`, `h264_nvenc`, `h264_qsv`) and output height, px; null for `copy`. */
  encoder: z.string().nullable(),
  output_height: z.int().nullable(),
  /** CPU of this stream's ffmpeg over the last few seconds, % of one core (0 for HLS, which runs none). */
  cpu_percent: z.number().min(0),
});
export type GatewayStream = z.infer<typeof GatewayStream>;

/**
 * The H.264 encoder of the gateway's transcodes: `auto` uses a hardware encoder that works on
 * the server (VAAPI, NVENC, Quick Sync, tried in that order), else libx264.
 */
export const GatewayEncoderSetting = z.enum(['auto', 'libx264', 'h264_vaapi', 'h264_nvenc', 'h264_qsv']);
export type GatewayEncoderSetting = z.infer<typeof GatewayEncoderSetting>;

/** `GET /api/v1/gateway/settings`: the transcode limit and encoder, and what runs now. */
export const GatewaySettings = z.object({
  /** Most transcodes at once (0 = never transcode: consoles that cannot decode a camera get its substream or an error). */
  max_transcodes: z.int().min(0).max(64),
  encoder: GatewayEncoderSetting,
  /** The encoder new transcodes use on this server (`auto` resolved). */
  encoder_in_use: z.string(),
  /** Transcodes running now. */
  transcodes_running: z.int().min(0),
  updated_at: IsoDateTime,
  updated_by: Id.nullable(),
});
export type GatewaySettings = z.infer<typeof GatewaySettings>;

/** `PUT /api/v1/gateway/settings`: any subset. */
export const GatewaySettingsUpdate = z
  .object({ max_transcodes: GatewaySettings.shape.max_transcodes, encoder: GatewayEncoderSetting })
  .partial()
  .strict();
export type GatewaySettingsUpdate = z.infer<typeof GatewaySettingsUpdate>;
