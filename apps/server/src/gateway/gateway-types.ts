/**
 * Types shared by the gateway's modules.
 */

/** Which of a camera's two streams: `main` (full resolution) or `sub` (the grid's substream). */
export type LiveQuality = 'main' | 'sub';

/** Where ffmpeg pulls a stream from: the camera URL WITH credentials. Never leaves the server. */
export interface StreamSource {
  /** e.g. `rtsp://user:pass@10.0.0.7:554/Streaming/Channels/102`; http(s) sources are remuxed too. */
  url: string;
  /** `rtsp`, `hls`, `mpegts`, `flv` (from the stream's row); decides transport flags. */
  protocol: string;
}

/**
 * State of one (stream, quality) upstream:
 * `starting` ffmpeg spawned, no bytes yet; `live` bytes flowing; `reconnecting` ffmpeg exited
 * or stalled and a restart is scheduled (backoff); `stopped` for good (idle or shut down).
 */
export type UpstreamState = 'starting' | 'live' | 'reconnecting' | 'stopped';

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
