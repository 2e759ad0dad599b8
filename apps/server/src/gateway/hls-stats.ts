/**
 * Figures of the HLS streams the proxy relays (S15), in the terms of the MPEG-TS gateway's so
 * that `GET /api/v1/gateway/streams` and `/health` can list both side by side.
 *
 * HLS has no connection to count: a player asks for the playlist again about once per target
 * duration and fetches segments in between, each an ordinary HTTP request. So, per (stream,
 * quality):
 * - **viewers**: distinct live tickets that fetched a playlist within the viewer window. Each
 *   `/live` answer carries its own ticket and hls.js keeps reloading with the URL it started
 *   with, so a ticket is one player. A player that gets a new ticket after an error counts twice
 *   until the old one ages out of the window.
 * - **viewer window**: the larger of {@link HLS_MIN_VIEWER_WINDOW_MS} and
 *   {@link HLS_VIEWER_WINDOW_TARGET_DURATIONS} target durations (`#EXT-X-TARGETDURATION` of the
 *   last media playlist). A live player reloads once per target duration (RFC 8216 §6.3.4), so
 *   three of them let two reloads be late or retried before a player stops counting; the 10 s
 *   floor keeps short-segment streams (1–2 s) from flickering between n and n−1 viewers when a
 *   reload is slow, and matches the MPEG-TS side's 10 s idle timeout.
 * - **bytes_in / bitrate_bps**: every byte read from the source (playlists and segments), i.e.
 *   "received from the camera" as on the MPEG-TS side. The proxy does not cache, so two players
 *   make the source send each segment twice, and the figures say so.
 * - **state**: `starting` until the first playlist arrives; `live` while playlists do;
 *   `reconnecting` after a failed fetch from the source (the player retries) until the next
 *   playlist arrives. A segment the source answers 404 for is not a failure (a player that fell
 *   behind the live window asks for one that is gone).
 * - **uptime_ms**: since the first playlist of the current run (after the last failure).
 * - **restarts**: failed fetches from the source since the stream started; **last_error** the
 *   last one's reason, credentials removed by the caller, null again once live.
 * - A stream leaves the list (state `stopped`, told to `onStatus`) once nobody has asked for it
 *   for the viewer window plus `idleTimeoutMs`, as an idle MPEG-TS stream stops.
 *
 * Time comes from the `now` option (epoch ms), so tests move a clock instead of sleeping.
 */
import { streamProblemOf } from './stream-problem.js';
import type { GatewayUpstreamState, StreamQuality } from '@pantau/shared';
import type { StreamStats, StreamStatusListener } from './gateway-types.js';
import { RateMeter } from './stream-session.js';

/** Smallest viewer window, ms (see the module comment). */
export const HLS_MIN_VIEWER_WINDOW_MS = 10_000;
/** The viewer window in target durations, when that is longer than the floor. */
export const HLS_VIEWER_WINDOW_TARGET_DURATIONS = 3;
/** How often idle streams are looked for, ms (real time, whatever the clock). */
const SWEEP_EVERY_MS = 1000;

/** Options of {@link HlsStats}; every field has a default. */
export interface HlsStatsOptions {
  /** Clock, epoch ms. Default `Date.now`. */
  now?: () => number;
  /** Floor of the viewer window, ms. Default {@link HLS_MIN_VIEWER_WINDOW_MS}. */
  minViewerWindowMs?: number;
  /** A stream without requests for the viewer window plus this long is dropped, ms. Default 10 000. */
  idleTimeoutMs?: number;
  /** Told when a stream is first asked for (`starting`), goes `live`, fails (`reconnecting`) or is dropped (`stopped`). */
  onStatus?: StreamStatusListener;
}

interface Entry {
  streamId: number;
  quality: StreamQuality;
  state: GatewayUpstreamState;
  /** ticket → its last playlist request, ms. */
  players: Map<string, number>;
  /** Last request of any kind, ms. */
  lastRequestAt: number;
  /** From the last media playlist, ms; null until one was seen. */
  targetDurationMs: number | null;
  bytesIn: number;
  rate: RateMeter;
  liveSince: number | null;
  failures: number;
  lastError: string | null;
}

const keyOf = (streamId: number, quality: StreamQuality): string => `${streamId}/${quality}`;

/** `#EXT-X-TARGETDURATION:<s>` of a media playlist, in ms, or null (master playlists have none). */
export function targetDurationMs(playlist: string): number | null {
  const m = /^#EXT-X-TARGETDURATION:\s*(\d+(?:\.\d+)?)\s*$/m.exec(playlist);
  if (!m) return null;
  const s = Number(m[1]);
  return Number.isFinite(s) && s > 0 ? Math.round(s * 1000) : null;
}

/**
 * Per (stream, quality) figures of the HLS proxy. The proxy reports each request and what came
 * of it; {@link stats} reads them. One per gateway; call {@link close} on shutdown.
 */
export class HlsStats {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly minWindowMs: number;
  private readonly idleTimeoutMs: number;
  private readonly onStatus: StreamStatusListener | undefined;
  private sweeper: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(options: HlsStatsOptions = {}) {
    this.now = options.now ?? Date.now;
    this.minWindowMs = options.minViewerWindowMs ?? HLS_MIN_VIEWER_WINDOW_MS;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 10_000;
    this.onStatus = options.onStatus;
  }

  /**
   * A request for a stream passed the proxy's checks (ticket, scope, path) and is about to be
   * fetched from the source. Starts the stream's figures if it has none (state `starting`).
   * @param player the request's ticket: one per player
   * @param playlist true for a playlist (`.m3u8`): only those count the player as a viewer
   */
  request(streamId: number, quality: StreamQuality, player: string, playlist: boolean): void {
    if (this.closed) return;
    const now = this.now();
    this.sweep(now);
    const key = keyOf(streamId, quality);
    const known = this.entries.get(key);
    const entry: Entry = known ?? {
      streamId,
      quality,
      state: 'starting',
      players: new Map(),
      lastRequestAt: now,
      targetDurationMs: null,
      bytesIn: 0,
      rate: new RateMeter(),
      liveSince: null,
      failures: 0,
      lastError: null,
    };
    entry.lastRequestAt = now;
    if (playlist) entry.players.set(player, now);
    if (known) return;
    this.entries.set(key, entry);
    this.sweeper ??= setInterval(() => this.sweep(this.now()), SWEEP_EVERY_MS).unref();
    this.tell(entry, now);
  }

  /** `bytes` of a playlist or segment arrived from the source (ignored for a stream not tracked). */
  received(streamId: number, quality: StreamQuality, bytes: number): void {
    const entry = this.entries.get(keyOf(streamId, quality));
    if (!entry || bytes <= 0) return;
    const now = this.now();
    entry.bytesIn += bytes;
    entry.rate.add(bytes, now);
  }

  /**
   * A playlist arrived whole from the source: the stream is `live` (its uptime starts now if it
   * was not), its last error is cleared, and a media playlist's target duration sizes the
   * viewer window.
   * @param text the playlist as the source sent it
   */
  playlistLoaded(streamId: number, quality: StreamQuality, text: string): void {
    const entry = this.entries.get(keyOf(streamId, quality));
    if (!entry) return;
    const now = this.now();
    entry.targetDurationMs = targetDurationMs(text) ?? entry.targetDurationMs;
    if (entry.state === 'live') return;
    entry.state = 'live';
    entry.liveSince = now;
    entry.lastError = null;
    this.tell(entry, now);
  }

  /**
   * A fetch from the source failed (no answer, an error status, a bad playlist): counted, its
   * reason kept as `last_error`, the stream `reconnecting` until the next playlist arrives.
   * @param reason why, already without credentials (it is shown to every user in scope)
   */
  failed(streamId: number, quality: StreamQuality, reason: string): void {
    const entry = this.entries.get(keyOf(streamId, quality));
    if (!entry) return;
    const now = this.now();
    entry.failures++;
    entry.lastError = reason;
    entry.liveSince = null;
    if (entry.state === 'reconnecting') return;
    entry.state = 'reconnecting';
    this.tell(entry, now);
  }

  /** Figures of every HLS stream asked for lately (drops the idle ones first). No URLs. */
  stats(): StreamStats[] {
    const now = this.now();
    this.sweep(now);
    return [...this.entries.values()].map((e) => ({
      stream_id: e.streamId,
      quality: e.quality,
      protocol: 'hls' as const,
      viewers: this.viewers(e, now),
      bytes_in: e.bytesIn,
      bitrate_bps: e.rate.bitsPerSecond(now),
      uptime_ms: e.state === 'live' && e.liveSince !== null ? Math.max(0, now - e.liveSince) : 0,
      restarts: e.failures,
      state: e.state,
      last_error: e.lastError,
      problem: e.state === 'live' ? null : streamProblemOf(e.lastError),
      delivery: 'copy' as const,
      audio: null,
      codec: null,
      encoder: null,
      output_height: null,
      cpu_percent: 0,
    }));
  }

  /** Drop every stream (each told `stopped`) and stop the sweep timer; later requests are ignored. */
  close(): void {
    this.closed = true;
    const now = this.now();
    for (const entry of [...this.entries.values()]) this.drop(entry, now);
    this.stopSweeper();
  }

  private windowMs(e: Entry): number {
    return Math.max(this.minWindowMs, HLS_VIEWER_WINDOW_TARGET_DURATIONS * (e.targetDurationMs ?? 0));
  }

  private viewers(e: Entry, now: number): number {
    const windowMs = this.windowMs(e);
    for (const [player, seen] of e.players) if (now - seen > windowMs) e.players.delete(player);
    return e.players.size;
  }

  private sweep(now: number): void {
    for (const entry of [...this.entries.values()]) {
      if (now - entry.lastRequestAt > this.windowMs(entry) + this.idleTimeoutMs) this.drop(entry, now);
    }
    if (this.entries.size === 0) this.stopSweeper();
  }

  private drop(entry: Entry, now: number): void {
    this.entries.delete(keyOf(entry.streamId, entry.quality));
    entry.state = 'stopped';
    entry.liveSince = null;
    this.tell(entry, now);
  }

  private stopSweeper(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }

  private tell(entry: Entry, now: number): void {
    this.onStatus?.({
      stream_id: entry.streamId,
      quality: entry.quality,
      state: entry.state,
      viewers: this.viewers(entry, now),
    });
  }
}
