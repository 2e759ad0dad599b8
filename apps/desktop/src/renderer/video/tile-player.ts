/**
 * Keeps one video tile playing, whatever the network and the camera do. No React and no
 * mpegts.js here: the player and the URL source are injected, so the state machine is tested
 * with fakes.
 *
 * States (shown on the tile and as its `data-status`):
 * - `connecting`: fetching a live URL, or opened but no frame has played yet;
 * - `live`: the video's `currentTime` advances;
 * - `stalled`: it played, then `currentTime` stood still for more than {@link STALL_AFTER_MS}
 *   (`behindS` = seconds since it last advanced); after {@link RESTART_AFTER_STALL_MS} the
 *   player is restarted with a fresh URL;
 * - `offline`: the URL could not be fetched, the player reported an error or the stream
 *   ended, or nothing played within {@link FIRST_FRAME_TIMEOUT_MS} of the last data buffered
 *   (at most {@link FIRST_FRAME_MAX_WAIT_MS}). It retries with backoff
 *   (0.5 s doubling to 10 s) and each retry fetches a new live URL, because the ticket in the
 *   old one expires.
 *
 * Live edge: a viewer whose buffer runs more than {@link LIVE_EDGE_MAX_LAG_S} ahead of what it
 * shows (a busy machine, a background tab, a burst after a network hiccup) is moved to
 * {@link LIVE_EDGE_TARGET_S} before the buffered end, whatever the player. mpegts.js chases
 * the edge itself from 0.9 s and hls.js speeds up past 1 s; this is the backstop for both.
 */
import { createBackoff, type Backoff, type BackoffOptions } from '../lib/backoff.js';

/** What a tile shows. */
export type TileStatus = 'connecting' | 'live' | 'stalled' | 'offline';

/** Status plus detail. */
export interface TileState {
  status: TileStatus;
  /** Seconds the picture has stood still (stalled only), whole seconds. */
  behindS: number;
  /** Why the tile is offline. */
  error: string | null;
  /**
   * Offline because the server could not give a live URL (`server`), the stream itself failed
   * (`camera`), or this console cannot decode the camera's codec and the server will not
   * transcode it (`codec`: the URL source threw an error with `tileCause: 'codec'`).
   */
  cause?: 'server' | 'camera' | 'codec';
}

/** An error of {@link TilePlayerOptions.resolveUrl} that names its cause for the tile. */
export interface TileCauseError extends Error {
  tileCause: 'server' | 'codec';
}

/** The video element as the controller sees it (an `HTMLVideoElement` fits). */
export interface VideoLike {
  /** Seconds; set to jump to the live edge. */
  currentTime: number;
  /** What is buffered (seconds); the last range's end is the live edge. */
  readonly buffered?: { readonly length: number; end(index: number): number };
}

/** A started player (mpegts.js in production). */
export interface MediaPlayerLike {
  destroy(): void;
}

/** Creates and starts a player for a URL on the video; `onFailure` reports errors and end of stream. */
export type PlayerFactory = (url: string, video: VideoLike, onFailure: (reason: string) => void) => MediaPlayerLike;

/** Picture standing still this long (ms) after playing = stalled. */
export const STALL_AFTER_MS = 2000;
/** Stalled this long (ms) = restart the player. */
export const RESTART_AFTER_STALL_MS = 8000;
/** No first frame within this (ms) of opening, or of the buffer last growing = offline, retry. */
export const FIRST_FRAME_TIMEOUT_MS = 10_000;
/**
 * Longest wait (ms) for a first frame while data keeps arriving. On an overloaded workstation
 * (16 decoders on a busy CPU) the first picture of a healthy stream can take longer than
 * {@link FIRST_FRAME_TIMEOUT_MS}; tearing such a player down to start again costs more than
 * waiting, and 16 tiles doing it together never get a picture (seen in CI on a slow machine).
 */
export const FIRST_FRAME_MAX_WAIT_MS = 30_000;
/**
 * How often `currentTime` is sampled, ms: often enough that a tile says live within a tenth of a
 * second of its first frame (a big wall going live on a detection); reading a property of 64
 * `<video>`s ten times a second costs nothing measurable.
 */
export const CHECK_INTERVAL_MS = 100;
/** Buffered end minus current time above this (s) = fallen behind: jump to the live edge. */
export const LIVE_EDGE_MAX_LAG_S = 1.5;
/** Where a jump lands: this many seconds before the buffered end (enough not to starve the decoder). */
export const LIVE_EDGE_TARGET_S = 0.3;

/** Inputs of a {@link TilePlayer}. */
export interface TilePlayerOptions {
  video: VideoLike;
  /** Asks the server for a fresh playable URL (`ws(s)://…?ticket=…`). */
  resolveUrl: () => Promise<string>;
  createPlayer: PlayerFactory;
  onState: (state: TileState) => void;
  now?: () => number;
  backoff?: BackoffOptions;
}

/** One tile's playback controller; see the module comment. */
export class TilePlayer {
  private state: TileState = { status: 'connecting', behindS: 0, error: null };
  private player: MediaPlayerLike | null = null;
  private running = false;
  private generation = 0;
  private played = false;
  private lastTime = 0;
  private lastAdvanceAt = 0;
  /** When the player was opened, and the buffered end last seen growing before the first frame. */
  private openedAt = 0;
  private lastBufferedEnd = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private checkTimer: ReturnType<typeof setInterval> | null = null;
  private readonly backoff: Backoff;
  private readonly now: () => number;
  /** Jumps to the live edge so far (for tests and the tile's `data-catch-ups`). */
  catchUps = 0;

  constructor(private readonly opts: TilePlayerOptions) {
    this.backoff = createBackoff(opts.backoff);
    this.now = opts.now ?? (() => performance.now());
  }

  /** Current state. */
  get current(): TileState {
    return this.state;
  }

  /** Starts playing (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.checkTimer = setInterval(() => this.check(), CHECK_INTERVAL_MS);
    void this.open();
  }

  /** Stops playing and releases the player; no state is reported afterwards. */
  stop(): void {
    this.running = false;
    this.generation += 1;
    if (this.checkTimer !== null) clearInterval(this.checkTimer);
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.checkTimer = this.retryTimer = null;
    this.destroyPlayer();
  }

  /**
   * Retry at once if the tile is offline and waiting for its next attempt (e.g. the server
   * just came back); the backoff starts again from its shortest delay.
   */
  retryNow(): void {
    if (!this.running || this.state.status !== 'offline' || this.retryTimer === null) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.backoff.reset();
    void this.open();
  }

  private async open(): Promise<void> {
    const generation = ++this.generation;
    this.destroyPlayer();
    if (this.state.status !== 'offline') this.setState({ status: 'connecting', behindS: 0, error: null });
    let url: string;
    try {
      url = await this.opts.resolveUrl();
    } catch (err) {
      if (generation === this.generation) {
        const cause = (err as Partial<TileCauseError> | null)?.tileCause ?? 'server';
        this.fail(
          `${cause === 'codec' ? 'codec: ' : 'no live URL: '}${err instanceof Error ? err.message : String(err)}`,
          cause,
        );
      }
      return;
    }
    if (generation !== this.generation || !this.running) return;
    this.played = false;
    this.lastTime = this.opts.video.currentTime;
    this.lastAdvanceAt = this.openedAt = this.now();
    this.lastBufferedEnd = bufferedEnd(this.opts.video);
    try {
      this.player = this.opts.createPlayer(url, this.opts.video, (reason) => {
        if (generation === this.generation) this.fail(reason);
      });
    } catch (err) {
      this.fail(err instanceof Error ? err.message : String(err));
    }
  }

  /** Samples the video clock; drives live / stalled / restart. */
  private check(): void {
    if (!this.running || this.player === null) return;
    const t = this.opts.video.currentTime;
    const now = this.now();
    if (t > this.lastTime + 0.001 || t < this.lastTime - 0.5) {
      this.lastTime = t;
      this.lastAdvanceAt = now;
      this.played = true;
      this.backoff.reset();
      if (this.state.status !== 'live') this.setState({ status: 'live', behindS: 0, error: null });
      this.keepAtLiveEdge(t);
      return;
    }
    const stillMs = now - this.lastAdvanceAt;
    if (!this.played) {
      // data still arriving: the decoder is behind, not the stream gone (see FIRST_FRAME_MAX_WAIT_MS)
      const end = bufferedEnd(this.opts.video);
      if (end > this.lastBufferedEnd + 0.001) {
        this.lastBufferedEnd = end;
        this.lastAdvanceAt = now;
      }
      if (now - this.lastAdvanceAt > FIRST_FRAME_TIMEOUT_MS || now - this.openedAt > FIRST_FRAME_MAX_WAIT_MS)
        this.fail('no video received');
      return;
    }
    if (stillMs > RESTART_AFTER_STALL_MS) {
      this.setState({ status: 'connecting', behindS: 0, error: null });
      void this.open();
    } else if (stillMs > STALL_AFTER_MS) {
      const behindS = Math.floor(stillMs / 1000);
      if (this.state.status !== 'stalled' || this.state.behindS !== behindS)
        this.setState({ status: 'stalled', behindS, error: null });
    }
  }

  /** Jumps forward when the buffer runs too far ahead of the picture (see the module comment). */
  private keepAtLiveEdge(t: number): void {
    const buffered = this.opts.video.buffered;
    if (!buffered || buffered.length === 0) return;
    const end = buffered.end(buffered.length - 1);
    if (end - t <= LIVE_EDGE_MAX_LAG_S) return;
    this.opts.video.currentTime = end - LIVE_EDGE_TARGET_S;
    this.lastTime = end - LIVE_EDGE_TARGET_S;
    this.catchUps += 1;
  }

  private fail(reason: string, cause: NonNullable<TileState['cause']> = 'camera'): void {
    if (!this.running) return;
    this.generation += 1;
    this.destroyPlayer();
    this.setState({ status: 'offline', behindS: 0, error: reason, cause });
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.running) void this.open();
    }, this.backoff.next());
  }

  private destroyPlayer(): void {
    const player = this.player;
    this.player = null;
    try {
      player?.destroy();
    } catch {
      // a broken player is being thrown away anyway
    }
  }

  private setState(state: TileState): void {
    this.state = state;
    this.opts.onState(state);
  }
}

/** The end of the last buffered range, s (0 when nothing is buffered). */
function bufferedEnd(video: VideoLike): number {
  const b = video.buffered;
  return b && b.length > 0 ? b.end(b.length - 1) : 0;
}
