/**
 * The console's client of the `/ws` real-time feed (DESIGN §5). No React here: the console
 * session wires it to the stores, the tests drive it with a fake WebSocket.
 *
 * Lifecycle: connect → send `{type:'auth', token}` → `{type:'ready', last_id}`. The first time,
 * `last_id` becomes the cursor and `onSync('initial')` lets the caller load the recent events
 * over REST (after `ready`, so nothing falls between the snapshot and the live stream). Each
 * event's `id` advances the cursor; an event at or below the cursor is a duplicate and dropped.
 * After a drop (close, error, or 2 × heartbeat with no frame at all) it reconnects with backoff
 * (0.5 s doubling to 10 s, ±20 % jitter), sends `{type:'auth', token, since: cursor}` so the
 * server replays what followed the cursor in order before anything live, and is connected
 * again on `resumed`; on `resync_required` it calls `onSync('resync')` so the
 * caller reloads over REST. While the socket is down it calls `poll()` every few seconds (the
 * REST fallback of D4) and after {@link OFFLINE_AFTER_MS} reports `offline` instead of
 * `reconnecting`, while it keeps retrying.
 */
import {
  HEARTBEAT_INTERVAL_MS,
  isRealtimeEvent,
  parseServerMessage,
  type ClientMessage,
  type RealtimeEvent,
} from '@pantau/shared';
import { createBackoff, type Backoff, type BackoffOptions } from '../lib/backoff.js';

/** What the connection indicator shows. `connecting` only before the first `ready`. */
export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline';

/** The subset of the browser's WebSocket the client uses; tests pass a fake. */
export interface WebSocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

/** Opens a WebSocket to a URL. */
export type WebSocketFactory = (url: string) => WebSocketLike;

/** Why the caller should (re)load events over REST. */
export type SyncReason = 'initial' | 'resync';

/** Settings and callbacks of a {@link RealtimeClient}. */
export interface RealtimeClientOptions {
  /** `ws(s)://host/ws`. */
  url: string;
  /** Bearer token sent in the auth frame. */
  token: string;
  createSocket: WebSocketFactory;
  /** Called once per new event, in id order, synchronously as frames arrive. */
  onEvent: (event: RealtimeEvent) => void;
  onStatus?: (status: ConnectionStatus) => void;
  /** Load events over REST: after the first `ready`, and after `resync_required`. */
  onSync?: (reason: SyncReason) => Promise<void> | void;
  /** REST polling while the socket is down. */
  poll?: () => Promise<void>;
  /**
   * A frame that is not what the protocol says (not JSON, an unknown type, a field off its
   * schema): it is dropped, not acted on. Default: a console warning.
   */
  onInvalidFrame?: (error: string, frame: string) => void;
  /** The server refused the token; the client has stopped. */
  onAuthFailed?: (message: string) => void;
  /** Server heartbeat period, ms (default {@link HEARTBEAT_INTERVAL_MS}); silence for twice this is a dead socket. */
  heartbeatMs?: number;
  /** Polling period while down, ms (default 3000). */
  pollIntervalMs?: number;
  /** How long down before `offline`, ms (default {@link OFFLINE_AFTER_MS}). */
  offlineAfterMs?: number;
  backoff?: BackoffOptions;
}

/** Down this long (ms) and the indicator says `offline` rather than `reconnecting`. */
export const OFFLINE_AFTER_MS = 15_000;

const AUTH_ERRORS = new Set(['UNAUTHENTICATED', 'INVALID_CREDENTIALS', 'CREDENTIAL_EXPIRED', 'FORBIDDEN']);

/** One connection to `/ws` that keeps itself alive; see the module comment. */
export class RealtimeClient {
  /** Id of the last event processed (the resume cursor); `null` before the first `ready`. */
  lastId: number | null = null;
  /** Events dropped because their id was at or below the cursor. */
  duplicatesDropped = 0;
  /** Frames dropped because they failed the protocol's schemas (see `onInvalidFrame`). */
  invalidFrames = 0;
  private statusValue: ConnectionStatus = 'connecting';
  private ws: WebSocketLike | null = null;
  private stopped = true;
  private readonly backoff: Backoff;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private livenessTimer: ReturnType<typeof setTimeout> | null = null;
  private offlineTimer: ReturnType<typeof setTimeout> | null = null;
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private polling = false;
  private readyLastId = 0;

  constructor(private readonly opts: RealtimeClientOptions) {
    this.backoff = createBackoff(opts.backoff);
  }

  /** Current connection status. */
  get status(): ConnectionStatus {
    return this.statusValue;
  }

  /** Opens the connection (idempotent). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  /** Closes the connection and every timer; no callback is called afterwards. */
  stop(): void {
    this.stopped = true;
    this.dropSocket();
    this.clearTimers();
    this.stopPolling();
  }

  /** Drops any current socket and connects at once with a fresh backoff (the indicator's click). */
  reconnectNow(): void {
    if (this.stopped) return;
    this.backoff.reset();
    this.clearTimer('reconnect');
    this.dropSocket();
    this.markDown(true);
    this.connect();
  }

  private connect(): void {
    this.clearTimer('reconnect');
    let ws: WebSocketLike;
    try {
      ws = this.opts.createSocket(this.opts.url);
    } catch {
      this.handleDisconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      // With a cursor, the server replays what followed it, in order, before any live event.
      if (ws === this.ws)
        this.send(
          this.lastId === null
            ? { type: 'auth', token: this.opts.token }
            : { type: 'auth', token: this.opts.token, since: this.lastId },
        );
    };
    ws.onmessage = (ev) => {
      if (ws !== this.ws) return;
      this.armLiveness();
      this.handleFrame(ev.data);
    };
    ws.onclose = () => {
      if (ws === this.ws) this.handleDisconnect();
    };
    ws.onerror = () => {
      // A close event follows every error; reconnecting is handled there.
    };
    this.armLiveness();
  }

  private handleFrame(data: unknown): void {
    if (typeof data !== 'string') return;
    // validated, not cast: a frame off the shared schemas is reported and dropped
    const parsed = parseServerMessage(data);
    if (!parsed.ok) {
      this.invalidFrames += 1;
      (this.opts.onInvalidFrame ?? ((e: string) => console.warn(`realtime: dropped a frame (${e})`)))(
        parsed.error,
        data,
      );
      return;
    }
    const msg = parsed.message;
    if (isRealtimeEvent(msg)) {
      this.handleEvent(msg);
      return;
    }
    switch (msg.type) {
      case 'ready':
        this.handleReady(msg.last_id);
        return;
      case 'resumed':
        this.markConnected();
        return;
      case 'resync_required':
        this.lastId = Math.max(this.lastId ?? 0, this.readyLastId);
        this.markConnected();
        this.sync('resync');
        return;
      case 'error':
        if (AUTH_ERRORS.has(msg.code)) {
          this.stop();
          this.setStatus('offline');
          this.opts.onAuthFailed?.(msg.message);
        }
        return;
      case 'heartbeat':
      case 'pong':
        return;
      default:
        return;
    }
  }

  private handleReady(serverLastId: number): void {
    this.readyLastId = serverLastId;
    this.backoff.reset();
    if (this.lastId === null || serverLastId < this.lastId) {
      // First connection, or the server's event ids started over (its data was reset):
      // nothing to resume from, so take the server's cursor and reload over REST.
      const reason: SyncReason = this.lastId === null ? 'initial' : 'resync';
      this.lastId = serverLastId;
      this.markConnected();
      this.sync(reason);
      return;
    }
    // The auth frame carried `since`: the replay is under way and `resumed` follows it.
  }

  private handleEvent(event: RealtimeEvent): void {
    if (this.lastId !== null && event.id <= this.lastId) {
      this.duplicatesDropped += 1;
      return;
    }
    this.lastId = event.id;
    this.opts.onEvent(event);
  }

  private handleDisconnect(): void {
    this.dropSocket();
    if (this.stopped) return;
    this.markDown(false);
    const delay = this.backoff.next();
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.stopped) this.connect();
    }, delay);
  }

  /** Status → reconnecting (unless already offline and not forced), start the offline clock and polling. */
  private markDown(forced: boolean): void {
    if (this.statusValue === 'connected' || this.statusValue === 'connecting' || forced) this.setStatus('reconnecting');
    if (forced) this.clearTimer('offline');
    this.offlineTimer ??= setTimeout(() => {
      this.offlineTimer = null;
      if (!this.stopped && this.statusValue !== 'connected') this.setStatus('offline');
    }, this.opts.offlineAfterMs ?? OFFLINE_AFTER_MS);
    this.startPolling();
  }

  private markConnected(): void {
    this.clearTimer('offline');
    this.stopPolling();
    this.setStatus('connected');
  }

  private sync(reason: SyncReason): void {
    try {
      void Promise.resolve(this.opts.onSync?.(reason)).catch(() => undefined);
    } catch {
      // a failing reload must not break the socket handling
    }
  }

  private armLiveness(): void {
    this.clearTimer('liveness');
    this.livenessTimer = setTimeout(
      () => {
        this.livenessTimer = null;
        // Nothing heard for two heartbeats: the TCP connection may be half-open and its close
        // event minutes away, so give up on it now.
        this.handleDisconnect();
      },
      2 * (this.opts.heartbeatMs ?? HEARTBEAT_INTERVAL_MS),
    );
  }

  private startPolling(): void {
    const poll = this.opts.poll;
    if (!poll || this.pollTimer !== null) return;
    this.pollTimer = setInterval(() => {
      if (this.polling) return;
      this.polling = true;
      poll()
        .catch(() => undefined)
        .finally(() => {
          this.polling = false;
        });
    }, this.opts.pollIntervalMs ?? 3000);
  }

  private stopPolling(): void {
    if (this.pollTimer !== null) clearInterval(this.pollTimer);
    this.pollTimer = null;
  }

  private send(msg: ClientMessage): void {
    try {
      this.ws?.send(JSON.stringify(msg));
    } catch {
      // the close handler reconnects
    }
  }

  private dropSocket(): void {
    this.clearTimer('liveness');
    const ws = this.ws;
    this.ws = null;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    try {
      ws.close();
    } catch {
      // already closed
    }
  }

  private setStatus(status: ConnectionStatus): void {
    if (status === this.statusValue) return;
    this.statusValue = status;
    this.opts.onStatus?.(status);
  }

  private clearTimer(which: 'reconnect' | 'liveness' | 'offline'): void {
    const key = `${which}Timer` as const;
    const timer = this[key];
    if (timer !== null) clearTimeout(timer);
    this[key] = null;
  }

  private clearTimers(): void {
    this.clearTimer('reconnect');
    this.clearTimer('liveness');
    this.clearTimer('offline');
  }
}
