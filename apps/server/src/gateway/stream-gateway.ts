/**
 * The stream gateway (DESIGN S15): one ffmpeg per active (stream, quality, delivery), shared by
 * every viewer in every window, started when the first viewer attaches and stopped when nobody
 * has watched for `idleTimeoutMs`. Owns the processes; knows nothing of HTTP, users or tickets.
 *
 * Delivery (issue 15): `copy` remuxes the camera's video as it is; `transcode` re-encodes it to
 * H.264 for consoles that cannot decode the camera's codec — one per stream and quality, shared
 * by all of them, as tall as the tallest tile that asked (it restarts taller when a taller one
 * joins), at most `maxTranscodes()` at once.
 * It also holds the figures of the HLS streams the proxy relays ({@link StreamGateway.hls}),
 * so that {@link StreamGateway.stats} lists every stream the server carries, either way.
 */
import { FfmpegUpstream } from './ffmpeg-upstream.js';
import type { AudioMode, TranscodeSpec } from './ffmpeg-args.js';
import { silentLogger } from './gateway-types.js';
import { resolveEncoder, type H264Encoder, type H264EncoderSetting } from './h264-encoder.js';
import { CpuMeter } from './process-cpu.js';
import { decodeStill } from './still-frame.js';
import type { StreamQuality } from '@pantau/shared';
import type { GatewayLogger, StreamSource, StreamStats, StreamStatusListener } from './gateway-types.js';
import { HlsStats } from './hls-stats.js';
import type { HlsStatsOptions } from './hls-stats.js';
import { StreamSession } from './stream-session.js';
import type { StreamSessionOptions, ViewerSocket, ViewerStatus } from './stream-session.js';

/** WebSocket close code sent to viewers when the gateway shuts down ("going away"). */
export const CLOSE_GOING_AWAY = 1001;
/** WebSocket close code for a viewer refused because the transcode limit is reached. */
export const CLOSE_TRANSCODE_LIMIT = 4429;

/** How the gateway carries a stream to a viewer. */
export type Delivery = 'copy' | 'transcode';

/** A viewer socket the gateway can also watch for closing (a `ws` WebSocket fits). */
export interface GatewaySocket extends ViewerSocket {
  once(event: 'close', listener: () => void): unknown;
}

/** Options of {@link StreamGateway}; every field has a default. */
export interface StreamGatewayOptions extends StreamSessionOptions {
  /** ffmpeg binary. Default `ffmpeg`. */
  ffmpegPath?: string;
  /** Stop a stream's ffmpeg after this long without viewers, ms. Default 10 000. */
  idleTimeoutMs?: number;
  /** Restart an ffmpeg that delivers no bytes for this long, ms. Default 5000. */
  stallTimeoutMs?: number;
  /** A new ffmpeg must deliver bytes within this long, ms. Default 10 000. */
  startTimeoutMs?: number;
  /** Restart delays, ms (last repeats). Default 1000, 2000, 4000, 8000, 10 000. */
  backoffMs?: readonly number[];
  logger?: GatewayLogger;
  /** Told whenever a stream's upstream changes state (e.g. to broadcast `stream_status`), HLS streams included. */
  onStatus?: StreamStatusListener;
  /** The HLS figures' clock and viewer window (idle timeout and `onStatus` come from above). */
  hls?: Pick<HlsStatsOptions, 'now' | 'minViewerWindowMs'>;
  /** Most transcodes running at once (read at each new one). Default 4. */
  maxTranscodes?: () => number;
  /** The transcodes' encoder setting (read at each new one). Default `auto`. */
  encoder?: () => H264EncoderSetting;
  /** Told when a run's PMT names its video codec (e.g. to notice a camera whose codec changed). */
  onCodec?: (streamId: number, quality: StreamQuality, codec: string) => void;
  /** A stream kept for stills alone stops this long after the last still (or after the idle timeout, if longer), ms. Default {@link STILL_IDLE_MS}. */
  stillIdleMs?: number;
  /** How often each ffmpeg's CPU is read, ms. Default 2000. */
  cpuSampleMs?: number;
}

/** What {@link StreamGateway.attach} needs. */
export interface AttachRequest {
  streamId: number;
  quality: StreamQuality;
  /** Camera URL with credentials; used to start ffmpeg (or for its next restart if one runs). */
  source: StreamSource;
  socket: GatewaySocket;
  /** Default `copy`. */
  delivery?: Delivery;
  /** For a transcode: its encoder (from {@link StreamGateway.encoder}) and the height the viewer's tile needs (px; null = the source's). */
  transcode?: TranscodeSpec;
  /** With audio (an unmuted tile): copied (AAC) or transcoded to AAC. Default none. */
  audio?: AudioMode | null;
  /** Write still frames beside a copy (always for substreams; for a main stream when a still asked for it first). */
  stills?: boolean;
}

/** Returned by {@link StreamGateway.attach}. */
export interface ViewerHandle {
  readonly viewerId: number;
  /** Stop sending to this viewer (idempotent; also happens when its socket closes). */
  detach(): void;
}

export type { StreamStats } from './gateway-types.js';

/** `gateway.stats()`, for /health: every stream, MPEG-TS (`protocol: 'rtsp'`) first, then HLS. */
export interface GatewayStats {
  /** (stream, quality) pairs carried now. */
  streams: number;
  /** Sum of their viewers (sockets for MPEG-TS, recent players for HLS). */
  viewers: number;
  perStream: StreamStats[];
}

/** {@link StreamStats} of an MPEG-TS stream plus each viewer's status. */
export interface StreamStatusReport extends StreamStats {
  /** Bytes of the cached key-frame GOP a joining viewer gets at once (0 if none). */
  gop_cache_bytes: number;
  viewer_status: ViewerStatus[];
}

interface Entry {
  streamId: number;
  quality: StreamQuality;
  delivery: Delivery;
  audio: AudioMode | null;
  session: StreamSession;
  upstream: FfmpegUpstream;
  idleTimer: NodeJS.Timeout | null;
  /** The last codec a run's PMT named. */
  codec: string | null;
  cpu: CpuMeter;
  /** The last still: written by ffmpeg beside the remux (`from` null), or decoded from the key frame `from` at `height`. */
  still: { from: Buffer | null; height: number | null; jpeg: Buffer; at: number } | null;
  stillDecoding: Promise<{ jpeg: Buffer; at: number }> | null;
}

/** What {@link StreamGateway.still} needs. */
export interface StillRequest {
  streamId: number;
  quality: StreamQuality;
  source: StreamSource;
  /** Output height, px (null: the stream's own). */
  height: number | null;
  /** How long to wait for a first key frame when the stream was not running, ms. Default 8000. */
  waitMs?: number;
}

/** ws readyState CLOSING. */
const CLOSING = 2;

/**
 * A stream kept for stills alone stops this long after the last still was asked for, ms (or the
 * idle timeout, if longer): a big wall refreshes each tile every few seconds, but 64 tiles share
 * the browser's 6 connections to the server, so one tile's asks can be this far apart; a stream
 * stopped between them would make every still a cold start (connect + wait for a key frame).
 */
export const STILL_IDLE_MS = 30_000;

/** Still frames beside a copy: at most 360 px tall (a tile of a 4 × 4 wall and smaller). */
const STILLS = { maxHeight: 360 } as const;

/** entryFor() needs a request with a socket; a still has none (it never becomes a viewer). */
const NO_SOCKET: GatewaySocket = {
  bufferedAmount: 0,
  readyState: 3,
  send: () => undefined,
  close: () => undefined,
  once: () => undefined,
};

const keyOf = (
  streamId: number,
  quality: StreamQuality,
  delivery: Delivery = 'copy',
  audio: AudioMode | null = null,
): string => `${streamId}/${quality}${delivery === 'copy' ? '' : `/${delivery}`}${audio ? '+audio' : ''}`;

/** A transcode taller than another (null = the source's full height, the tallest). */
const taller = (a: number | null, b: number | null): boolean => (a === null ? b !== null : b !== null && a > b);

/**
 * Shares one ffmpeg per (stream, quality) among its viewers. Create one per server and call
 * {@link close} on shutdown.
 */
export class StreamGateway {
  /** Figures of the HLS streams; the HLS proxy reports its requests here. */
  readonly hls: HlsStats;
  private readonly entries = new Map<string, Entry>();
  private readonly stopping = new Set<Promise<void>>();
  private readonly idleTimeoutMs: number;
  private readonly logger: GatewayLogger;
  private closed = false;
  private readonly cpuTimer: NodeJS.Timeout;

  constructor(private readonly options: StreamGatewayOptions = {}) {
    this.idleTimeoutMs = options.idleTimeoutMs ?? 10_000;
    this.logger = options.logger ?? silentLogger;
    this.cpuTimer = setInterval(() => {
      for (const e of this.entries.values()) e.cpu.sample(e.upstream.pid);
    }, options.cpuSampleMs ?? 2000);
    this.cpuTimer.unref();
    this.hls = new HlsStats({
      ...options.hls,
      idleTimeoutMs: this.idleTimeoutMs,
      onStatus: (status) => {
        this.logger.info(
          { stream: keyOf(status.stream_id, status.quality), state: status.state, protocol: 'hls' },
          'gateway: stream state',
        );
        options.onStatus?.(status);
      },
    });
  }

  /** Transcodes running now. */
  get transcodes(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.delivery === 'transcode') n++;
    return n;
  }

  /** The most transcodes at once, as set now. */
  get maxTranscodes(): number {
    return this.options.maxTranscodes?.() ?? 4;
  }

  /** Whether a viewer could get a transcode of (stream, quality) now: one runs already, or the limit allows another. */
  canTranscode(streamId: number, quality: StreamQuality, audio: AudioMode | null = null): boolean {
    return this.entries.has(keyOf(streamId, quality, 'transcode', audio)) || this.transcodes < this.maxTranscodes;
  }

  /** The encoder new transcodes use (the setting, `auto` resolved on this machine; detected once). */
  encoder(): Promise<H264Encoder> {
    return resolveEncoder(this.options.encoder?.() ?? 'auto', this.options.ffmpegPath);
  }

  /**
   * Attach a viewer socket to a stream, starting its ffmpeg if none runs. The socket gets
   * binary MPEG-TS messages (whole 188-byte packets) from the last key frame on. Detaches by
   * itself when the socket closes. After {@link close}, the socket is closed with 1001; a
   * socket already closing is ignored (viewerId 0). A transcode past the limit is refused:
   * the socket is closed with {@link CLOSE_TRANSCODE_LIMIT} (viewerId 0).
   */
  attach(request: AttachRequest): ViewerHandle {
    const { socket } = request;
    if (this.closed) {
      socket.close(CLOSE_GOING_AWAY, 'gateway shutting down');
      return { viewerId: 0, detach: () => undefined };
    }
    // Already closing or closed: its 'close' event may have fired, so it would never detach.
    if (socket.readyState >= CLOSING) return { viewerId: 0, detach: () => undefined };
    if (
      request.delivery === 'transcode' &&
      !this.canTranscode(request.streamId, request.quality, request.audio ?? null)
    ) {
      socket.close(CLOSE_TRANSCODE_LIMIT, `transcode limit reached (${this.maxTranscodes})`);
      return { viewerId: 0, detach: () => undefined };
    }
    const entry = this.entryFor(request);
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.idleTimer = null;
    const viewerId = entry.session.addViewer(socket);
    let attached = true;
    const detach = (): void => {
      if (!attached) return;
      attached = false;
      entry.session.removeViewer(viewerId);
      if (
        entry.session.viewerCount === 0 &&
        this.entries.get(keyOf(entry.streamId, entry.quality, entry.delivery, entry.audio)) === entry
      ) {
        this.scheduleIdleStop(entry);
      }
    };
    socket.once('close', detach);
    this.logger.debug(
      {
        stream: keyOf(entry.streamId, entry.quality, entry.delivery, entry.audio),
        viewerId,
        viewers: entry.session.viewerCount,
      },
      'gateway: viewer attached',
    );
    return { viewerId, detach };
  }

  /**
   * A JPEG of the stream's latest key frame (big walls: tiles that are not live show it). Starts
   * the stream's copy if nobody watches it, and keeps it running while stills are asked for (each
   * ask restarts its idle timer), so a wall refreshing stills every few seconds costs one remux per
   * camera, not a connection per still. A still of the same key frame is decoded once.
   * @returns the JPEG and when its key frame arrived (epoch ms)
   * @throws Error when no key frame arrives within `waitMs` (the camera does not answer), or when
   *   ffmpeg cannot decode it; after {@link close}
   */
  async still(request: StillRequest): Promise<{ jpeg: Buffer; at: number }> {
    if (this.closed) throw new Error('gateway shutting down');
    const entry = this.entryFor({ ...request, delivery: 'copy', audio: null, socket: NO_SOCKET, stills: true });
    // not stopped for idleness while a still is made; its idle time counts from the last still
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.idleTimer = null;
    try {
      return await this.stillOf(entry, request);
    } finally {
      if (entry.session.viewerCount === 0 && this.entries.get(keyOf(entry.streamId, entry.quality)) === entry)
        this.scheduleIdleStop(entry, Math.max(this.idleTimeoutMs, this.options.stillIdleMs ?? STILL_IDLE_MS));
    }
  }

  private async stillOf(entry: Entry, request: StillRequest): Promise<{ jpeg: Buffer; at: number }> {
    const deadline = Date.now() + (request.waitMs ?? 8000);
    // ffmpeg writes one a key frame beside the remux: the latest is the answer
    if (entry.upstream.stills) return this.waitUntil(entry, deadline, () => entry.still);
    const frame = await this.waitUntil(entry, deadline, () => entry.session.keyFrame());
    const cached = entry.still;
    if (cached && cached.from === frame.id && cached.height === request.height) return cached;
    if (entry.stillDecoding) return entry.stillDecoding;
    const { id, bytes } = frame;
    entry.stillDecoding = decodeStill(bytes, request.height, this.options.ffmpegPath)
      .then((jpeg) => {
        entry.still = { from: id, height: request.height, jpeg, at: Date.now() };
        return entry.still;
      })
      .finally(() => (entry.stillDecoding = null));
    return entry.stillDecoding;
  }

  /**
   * Polls `ready` every 50 ms until it gives a value.
   * @throws Error with the upstream's last error once `deadline` (epoch ms) passes, the entry is
   *   stopped or the gateway closes, or at once when the camera refused for a known reason (401,
   *   404, no answer: it will not send a key frame in time either)
   */
  private async waitUntil<T>(entry: Entry, deadline: number, ready: () => T | null): Promise<T> {
    for (let value = ready(); ; value = ready()) {
      if (value !== null) return value;
      const refused = entry.upstream.state === 'reconnecting' && entry.upstream.problem !== null;
      const gone = this.closed || this.entries.get(keyOf(entry.streamId, entry.quality)) !== entry;
      if (refused || gone || Date.now() > deadline)
        throw new Error(entry.upstream.lastError ?? 'no key frame from the camera yet');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * Counts and per-stream figures of every MPEG-TS and HLS stream carried now (no URLs, no
   * credentials): safe for /health.
   */
  stats(): GatewayStats {
    const perStream = [...[...this.entries.values()].map((e) => this.statsOf(e)), ...this.hls.stats()];
    return { streams: perStream.length, viewers: perStream.reduce((n, s) => n + s.viewers, 0), perStream };
  }

  /** One MPEG-TS stream's figures with each viewer's status, or null if that stream is not active (HLS streams: see {@link stats}). */
  status(
    streamId: number,
    quality: StreamQuality,
    delivery: Delivery = 'copy',
    audio: AudioMode | null = null,
  ): StreamStatusReport | null {
    const entry = this.entries.get(keyOf(streamId, quality, delivery, audio));
    if (!entry) return null;
    return {
      ...this.statsOf(entry),
      gop_cache_bytes: entry.session.cachedGopBytes,
      viewer_status: entry.session.viewerStatus(),
    };
  }

  /**
   * Close every viewer (code 1001), stop every ffmpeg and resolve when all have exited
   * (each gets SIGTERM, then SIGKILL after 2 s), and drop the HLS figures. Later attaches are
   * refused and later HLS requests are not counted.
   */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.cpuTimer);
    this.hls.close();
    for (const entry of this.entries.values()) this.stopEntry(entry, 'gateway shutting down');
    await Promise.all([...this.stopping]);
  }

  private entryFor(request: AttachRequest): Entry {
    const delivery = request.delivery ?? 'copy';
    const audio = request.audio ?? null;
    const key = keyOf(request.streamId, request.quality, delivery, audio);
    const existing = this.entries.get(key);
    if (existing) {
      existing.upstream.setSource(request.source);
      const running = existing.upstream.transcode;
      // a taller tile joined: restart the shared transcode at its height (never shrink)
      if (running && request.transcode && taller(request.transcode.height, running.height))
        existing.upstream.restartWith({ encoder: running.encoder, height: request.transcode.height });
      return existing;
    }
    const o = this.options;
    const session = new StreamSession(o);
    const entry: Entry = {
      streamId: request.streamId,
      quality: request.quality,
      delivery,
      audio,
      session,
      idleTimer: null,
      codec: null,
      cpu: new CpuMeter(),
      still: null,
      stillDecoding: null,
      upstream: new FfmpegUpstream({
        source: request.source,
        label: key,
        transcode: delivery === 'transcode' ? (request.transcode ?? { encoder: 'libx264', height: null }) : null,
        audio,
        // substreams are what walls show as stills: the key frames' JPEGs cost ~1 ms a second each
        stills: delivery === 'copy' && (request.quality === 'sub' || request.stills === true) ? STILLS : null,
        onStill: (jpeg) => {
          entry.still = { from: null, height: null, jpeg, at: Date.now() };
        },
        onData: (chunk) => {
          session.push(chunk);
          if (entry.codec === null && delivery === 'copy') {
            const codec = session.videoCodec;
            if (codec !== null) {
              entry.codec = codec;
              o.onCodec?.(request.streamId, request.quality, codec);
            }
          }
        },
        onRunStart: () => {
          session.resetStream();
          entry.still = null;
          // learn it again: a camera that rebooted with new firmware may send another codec
          if (delivery === 'copy') entry.codec = null;
        },
        onState: (state) => {
          const problem = entry.upstream.problem;
          this.logger.info({ stream: key, state, ...(problem && { problem }) }, 'gateway: stream state');
          o.onStatus?.({
            stream_id: request.streamId,
            quality: request.quality,
            state,
            viewers: session.viewerCount,
            problem,
            delivery,
          });
        },
        logger: this.logger,
        ...(o.ffmpegPath !== undefined && { ffmpegPath: o.ffmpegPath }),
        ...(o.stallTimeoutMs !== undefined && { stallTimeoutMs: o.stallTimeoutMs }),
        ...(o.startTimeoutMs !== undefined && { startTimeoutMs: o.startTimeoutMs }),
        ...(o.backoffMs !== undefined && { backoffMs: o.backoffMs }),
      }),
    };
    this.entries.set(key, entry);
    entry.upstream.start();
    return entry;
  }

  private scheduleIdleStop(entry: Entry, afterMs = this.idleTimeoutMs): void {
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.idleTimer = setTimeout(() => {
      entry.idleTimer = null;
      if (entry.session.viewerCount === 0) this.stopEntry(entry, 'idle');
    }, afterMs);
  }

  private stopEntry(entry: Entry, why: string): void {
    const key = keyOf(entry.streamId, entry.quality, entry.delivery, entry.audio);
    if (this.entries.get(key) === entry) this.entries.delete(key);
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.idleTimer = null;
    entry.session.closeAll(CLOSE_GOING_AWAY, why);
    this.logger.info({ stream: key, why }, 'gateway: stopping stream');
    const done = entry.upstream.stop().finally(() => this.stopping.delete(done));
    this.stopping.add(done);
  }

  private statsOf(e: Entry): StreamStats {
    const up = e.upstream;
    return {
      stream_id: e.streamId,
      quality: e.quality,
      protocol: 'rtsp',
      viewers: e.session.viewerCount,
      bytes_in: e.session.bytesIn,
      bitrate_bps: e.session.bitrateBps(),
      uptime_ms: up.liveSince === null ? 0 : Date.now() - up.liveSince,
      restarts: up.restarts,
      state: up.state,
      last_error: up.lastError,
      problem: up.problem,
      delivery: e.delivery,
      codec: e.delivery === 'copy' ? (e.codec ?? e.session.videoCodec) : 'h264',
      audio: e.audio,
      encoder: up.transcode?.encoder ?? null,
      output_height: up.transcode?.height ?? null,
      cpu_percent: e.cpu.percent,
    };
  }
}
