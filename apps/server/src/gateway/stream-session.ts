/**
 * The viewers of one (stream, quality) and the bytes they share: ffmpeg's MPEG-TS is cut into
 * packet-aligned messages and sent to every viewer; the packets since the last key frame are
 * cached so a viewer who joins late starts at once, with a picture, instead of waiting for the
 * next key frame. No processes here: {@link StreamSession.push} is fed by the upstream.
 *
 * Back-pressure policy (per viewer): once a viewer's socket holds more than
 * `maxViewerBufferedBytes` unsent, it is sent the rest of the current frame and then nothing
 * ("skipping"); once it has drained below a
 * quarter of that, it resumes at the next key frame, preceded by PAT and PMT, so it never gets
 * a broken GOP. Its timestamps jump forward at that point, which mpegts.js absorbs (its remuxer
 * re-bases each batch on the previous one). A viewer still skipping after `slowViewerTimeoutMs`
 * is closed with {@link CLOSE_SLOW_VIEWER} so its player reconnects at the live edge.
 */
import { TsPacketAligner, TsStreamInspector, codecOfStreamType } from './ts-packets.js';
import type { TsChunkMarks } from './ts-packets.js';

/** WebSocket close code for a viewer that could not keep up. */
export const CLOSE_SLOW_VIEWER = 4408;
/** ws readyState OPEN. */
const OPEN = 1;

/** What the gateway needs from a viewer's WebSocket (a `ws` WebSocket fits). */
export interface ViewerSocket {
  /** Bytes queued but not yet handed to the OS, as `ws` reports it. */
  readonly bufferedAmount: number;
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** Send one binary message. */
  send(data: Buffer): void;
  close(code?: number, reason?: string): void;
}

/** `waiting` for its first key frame; `playing`; `skipping` while its socket is congested. */
export type ViewerState = 'waiting' | 'playing' | 'skipping';

/** One viewer as status reports show it. */
export interface ViewerStatus {
  viewer_id: number;
  state: ViewerState;
  /** Bytes sent to this viewer. */
  bytes_sent: number;
  /** Bytes not sent because the viewer was skipping or waiting. */
  bytes_dropped: number;
  /** Bytes queued on its socket now. */
  buffered_bytes: number;
  /** ms since it joined. */
  connected_ms: number;
  /** ms from joining to its first bytes, or null if none yet. */
  first_bytes_ms: number | null;
}

/** Tuning for {@link StreamSession}. */
export interface StreamSessionOptions {
  /** Congestion threshold, bytes of `bufferedAmount`. Default 2 MiB. */
  maxViewerBufferedBytes?: number;
  /** Close a viewer that stays congested this long, ms. Default 10 000. */
  slowViewerTimeoutMs?: number;
  /** Give up caching a GOP bigger than this, bytes (then late joiners wait for the next key frame). Default 8 MiB. */
  gopCacheMaxBytes?: number;
}

interface Viewer {
  id: number;
  socket: ViewerSocket;
  state: ViewerState;
  joinedAt: number;
  firstBytesAt: number | null;
  skippingSince: number;
  bytesSent: number;
  bytesDropped: number;
}

/**
 * Sliding-window byte rate over the last `windowMs` (default 5000 ms); also used for the HLS
 * streams' figures (hls-stats.ts), which pass their own clock as `now` (epoch ms).
 */
export class RateMeter {
  private samples: Array<{ t: number; bytes: number }> = [];
  constructor(private readonly windowMs = 5000) {}
  /** Record `bytes` received at `now` (epoch ms). */
  add(bytes: number, now = Date.now()): void {
    this.samples.push({ t: now, bytes });
    this.prune(now);
  }
  /** Bits per second over the window, the span counted as at least 1 s (0 when empty). */
  bitsPerSecond(now = Date.now()): number {
    this.prune(now);
    const first = this.samples[0];
    if (!first) return 0;
    const span = Math.max(1000, now - first.t);
    const total = this.samples.reduce((sum, s) => sum + s.bytes, 0);
    return Math.round((total * 8 * 1000) / span);
  }
  private prune(now: number): void {
    let drop = 0;
    while (drop < this.samples.length && now - this.samples[drop]!.t > this.windowMs) drop++;
    if (drop > 0) this.samples.splice(0, drop);
  }
}

/**
 * Viewers and fan-out for one (stream, quality). Not thread-safe in any sense that matters:
 * everything runs on the event loop, so a viewer always sees whole messages in order.
 */
export class StreamSession {
  /** Bytes received from ffmpeg (all runs). */
  bytesIn = 0;
  private readonly viewers = new Map<number, Viewer>();
  private nextViewerId = 1;
  private readonly aligner = new TsPacketAligner();
  private readonly inspector = new TsStreamInspector();
  private readonly rate = new RateMeter();
  /** Whole packets since the last random-access point; empty when none is known. */
  private gop: Buffer[] = [];
  private gopBytes = 0;
  /** Bytes of this run seen without a key frame in the cache (to give up waiting for one). */
  private bytesWithoutRap = 0;
  private readonly maxBuffered: number;
  private readonly resumeBuffered: number;
  private readonly slowViewerTimeoutMs: number;
  private readonly gopCacheMaxBytes: number;

  constructor(options: StreamSessionOptions = {}) {
    this.maxBuffered = options.maxViewerBufferedBytes ?? 2 * 1024 * 1024;
    this.resumeBuffered = Math.floor(this.maxBuffered / 4);
    this.slowViewerTimeoutMs = options.slowViewerTimeoutMs ?? 10_000;
    this.gopCacheMaxBytes = options.gopCacheMaxBytes ?? 8 * 1024 * 1024;
  }

  /** Number of attached viewers. */
  get viewerCount(): number {
    return this.viewers.size;
  }

  /** Bits per second received over the last 5 s. */
  bitrateBps(): number {
    return this.rate.bitsPerSecond();
  }

  /** The video codec of this run, from its PMT (`h264`, `hevc`, …); null until seen. */
  get videoCodec(): string | null {
    return codecOfStreamType(this.inspector.videoStreamType);
  }

  /**
   * PAT, PMT and the packets since the last key frame — a stream a decoder can start on — and
   * an identity that changes with each new key frame (to cache what was decoded from it); null
   * while no key frame is cached.
   */
  keyFrame(): { id: Buffer; bytes: Buffer } | null {
    const psi = this.inspector.psi();
    const first = this.gop[0];
    if (!psi || !first) return null;
    return { id: first, bytes: Buffer.concat([psi, ...this.gop]) };
  }

  /** Bytes of the cached GOP (0 when no key frame is cached). */
  get cachedGopBytes(): number {
    return this.gopBytes;
  }

  /**
   * Attach a socket. If a key frame is cached, it is sent PAT + PMT + the packets since that
   * key frame at once; otherwise it starts at the next key frame.
   * @returns the viewer id (for {@link removeViewer}), unique within this session
   */
  addViewer(socket: ViewerSocket): number {
    const viewer: Viewer = {
      id: this.nextViewerId++,
      socket,
      state: 'waiting',
      joinedAt: Date.now(),
      firstBytesAt: null,
      skippingSince: 0,
      bytesSent: 0,
      bytesDropped: 0,
    };
    this.viewers.set(viewer.id, viewer);
    const psi = this.inspector.psi();
    if (psi && this.gop.length > 0 && socket.readyState === OPEN)
      this.startViewer(viewer, Buffer.concat([psi, ...this.gop]));
    return viewer.id;
  }

  /** Detach a viewer (does not close its socket). Unknown ids are ignored. */
  removeViewer(id: number): void {
    this.viewers.delete(id);
  }

  /** A new ffmpeg run starts: its byte stream has nothing to do with the cached one. */
  resetStream(): void {
    this.aligner.reset();
    this.inspector.reset();
    this.gop = [];
    this.gopBytes = 0;
    this.bytesWithoutRap = 0;
  }

  /** Feed bytes from ffmpeg's stdout; whole packets are cached and fanned out. */
  push(data: Buffer): void {
    this.bytesIn += data.length;
    this.rate.add(data.length);
    const chunk = this.aligner.push(data);
    if (!chunk) return;
    const marks = this.inspector.inspect(chunk);
    this.cache(chunk, marks.rap);
    const now = Date.now();
    for (const viewer of this.viewers.values()) this.deliver(viewer, chunk, marks, now);
  }

  /** Close every viewer's socket with a code and reason, and forget them. */
  closeAll(code: number, reason: string): void {
    for (const viewer of this.viewers.values()) {
      try {
        viewer.socket.close(code, reason);
      } catch {
        // already closed
      }
    }
    this.viewers.clear();
  }

  /** Per-viewer status, in join order. */
  viewerStatus(now = Date.now()): ViewerStatus[] {
    return [...this.viewers.values()].map((v) => ({
      viewer_id: v.id,
      state: v.state,
      bytes_sent: v.bytesSent,
      bytes_dropped: v.bytesDropped,
      buffered_bytes: v.socket.bufferedAmount,
      connected_ms: now - v.joinedAt,
      first_bytes_ms: v.firstBytesAt === null ? null : v.firstBytesAt - v.joinedAt,
    }));
  }

  private cache(chunk: Buffer, rap: number): void {
    if (rap >= 0) {
      this.gop = [chunk.subarray(rap)];
      this.gopBytes = chunk.length - rap;
      this.bytesWithoutRap = 0;
      return;
    }
    this.bytesWithoutRap += chunk.length;
    if (this.gop.length === 0) return;
    this.gop.push(chunk);
    this.gopBytes += chunk.length;
    if (this.gopBytes > this.gopCacheMaxBytes) {
      this.gop = [];
      this.gopBytes = 0;
    }
  }

  private deliver(viewer: Viewer, chunk: Buffer, marks: TsChunkMarks, now: number): void {
    const socket = viewer.socket;
    if (socket.readyState !== OPEN) return;
    const { rap, frameStart } = marks;
    switch (viewer.state) {
      case 'playing':
        if (socket.bufferedAmount <= this.maxBuffered || frameStart < 0) {
          // Not congested, or in the middle of a frame: finish it, so the last frame a
          // skipping viewer decodes is whole.
          this.send(viewer, chunk);
        } else {
          if (frameStart > 0) this.send(viewer, chunk.subarray(0, frameStart));
          viewer.state = 'skipping';
          viewer.skippingSince = now;
          viewer.bytesDropped += chunk.length - frameStart;
        }
        return;
      case 'skipping':
        if (now - viewer.skippingSince > this.slowViewerTimeoutMs) {
          this.viewers.delete(viewer.id);
          socket.close(CLOSE_SLOW_VIEWER, 'viewer too slow; reconnect for the live edge');
        } else if (rap >= 0 && socket.bufferedAmount <= this.resumeBuffered) {
          this.resumeAt(viewer, chunk, rap);
        } else {
          viewer.bytesDropped += chunk.length;
        }
        return;
      case 'waiting':
        if (rap >= 0) this.resumeAt(viewer, chunk, rap);
        // A source whose muxer never flags key frames: stop waiting, let the decoder cope.
        else if (this.bytesWithoutRap > this.gopCacheMaxBytes) this.startViewer(viewer, chunk);
        else viewer.bytesDropped += chunk.length;
        return;
      default: {
        const never: never = viewer.state;
        throw new Error(`unknown viewer state ${String(never)}`);
      }
    }
  }

  /** Start (or restart) a viewer at the key frame at `rap` in `chunk`, PAT and PMT first. */
  private resumeAt(viewer: Viewer, chunk: Buffer, rap: number): void {
    viewer.bytesDropped += rap;
    const psi = this.inspector.psi();
    const from = chunk.subarray(rap);
    this.startViewer(viewer, psi ? Buffer.concat([psi, from]) : from);
  }

  private startViewer(viewer: Viewer, data: Buffer): void {
    viewer.state = 'playing';
    this.send(viewer, data);
  }

  private send(viewer: Viewer, data: Buffer): void {
    viewer.socket.send(data);
    viewer.bytesSent += data.length;
    viewer.firstBytesAt ??= Date.now();
  }
}
