/**
 * Types shared by the gateway's modules. The upstream states and protocols are the shared
 * contract's (packages/shared/src/schemas/gateway.ts), since /health and the statistics route
 * report them.
 */
import type { GatewayProtocol, GatewayUpstreamState, StreamProblem, StreamQuality } from '@pantau/shared';

/** Where ffmpeg pulls a stream from: the camera URL WITH credentials. Never leaves the server. */
export interface StreamSource {
  /** e.g. `rtsp://user:pass@10.0.0.7:554/Streaming/Channels/102`; http(s) sources are remuxed too. */
  url: string;
  /** `rtsp`, `hls`, `mpegts`, `flv` (from the stream's row); decides transport flags. */
  protocol: string;
  /** RTSP media over the RTSP connection (`tcp`, the default) or RTP/UDP. */
  transport?: 'tcp' | 'udp';
}

/** One (stream, quality) in the gateway's figures, whichever way it is carried. */
export interface StreamStats {
  stream_id: number;
  quality: StreamQuality;
  protocol: GatewayProtocol;
  /**
   * `rtsp`: viewer sockets attached now. `hls`: players (distinct tickets) that fetched a
   * playlist within the viewer window (hls-stats.ts).
   */
  viewers: number;
  /** Bytes received from the source since the stream started (ffmpeg's output; for HLS every playlist and segment byte fetched). */
  bytes_in: number;
  /** Received bits per second over the last 5 s. */
  bitrate_bps: number;
  /** ms since the current run went live (ffmpeg's first bytes; HLS: first playlist fetched since the last failure); 0 unless live. */
  uptime_ms: number;
  /** `rtsp`: ffmpeg restarts since the stream started. `hls`: failed fetches from the source (each one a player retry). */
  restarts: number;
  state: GatewayUpstreamState;
  /** The last upstream error, credentials removed; null while healthy. */
  last_error: string | null;
  /** What that error means; null while healthy. */
  problem: StreamProblem | null;
  /** `copy` (remux) or `transcode` (re-encoded to H.264). */
  delivery: 'copy' | 'transcode';
  /** Video codec received, from the PMT (`h264`, `hevc`, …); null until known. */
  codec: string | null;
  /** Audio carried with the video: `copy` (AAC) or `aac` (transcoded to AAC); null = video only. */
  audio: 'copy' | 'aac' | null;
  /** A transcode's encoder, else null. */
  encoder: string | null;
  /** A transcode's output height (px; null = the source's, or a copy). */
  output_height: number | null;
  /** ffmpeg's CPU over the last interval, % of one core. */
  cpu_percent: number;
}

/** Told whenever a stream's upstream changes state (e.g. to broadcast `stream_status`). */
export type StreamStatusListener = (status: {
  stream_id: number;
  quality: StreamQuality;
  state: GatewayUpstreamState;
  viewers: number;
  /** What the last error means, while reconnecting. */
  problem?: StreamProblem | null;
  /** The variant whose state this is. */
  delivery?: 'copy' | 'transcode';
}) => void;

/** The subset of pino's logger the gateway uses (Fastify's `app.log` fits). */
export interface GatewayLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that drops everything (the default). */
export const silentLogger: GatewayLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
