/**
 * The real-time hub behind `/ws` (S10, DESIGN §5): authenticates sockets, tails the outbox
 * and fans events out to every socket whose user may see them (by the event's branch, group,
 * or the one user it is addressed to — see {@link visible}).
 *
 * Each socket has a cursor: the id of the last event considered for it. Live delivery and
 * replay after a reconnect are the same operation — send every visible event after the
 * cursor, in order — served from an in-memory ring of recent events, or from the outbox
 * table for older ones. Back-pressure: while a socket's send buffer holds more than
 * {@link HubOptions.maxBufferedBytes}, nothing more is queued for it; a timer catches it up
 * from its cursor once it drains, so a slow client costs memory on no one's behalf and
 * still loses nothing. A cursor older than the outbox keeps gets `resync_required`.
 */
import type { WebSocket } from 'ws';
import type { Logger } from 'pino';
import { ClientMessage, HEARTBEAT_INTERVAL_MS, type ServerControlMessage } from '@pantau/shared';
import type { SocketUser } from '../domain/caller.js';
import { ADMIN_CHANNEL, type Outbox, type OutboxEvent } from '../repositories/outbox-repository.js';

export interface HubOptions {
  outbox: Outbox;
  logger: Logger;
  /** Resolves a session token to its user, or null. */
  authenticate(token: string): Promise<SocketUser | null>;
  /** Re-reads a user's scope (after a change of role or scope), or null when they may no longer be signed in. */
  reload(userId: number, sessionId: number): Omit<SocketUser, 'expiresAt'> | null;
  /** Events kept in memory for fast fan-out and short replays (default 20 000). */
  ringSize?: number;
  /** Stop queueing to a socket above this many buffered bytes (default 1 MiB). */
  maxBufferedBytes?: number;
  /** Close sockets that have not authenticated within this, ms (default 10 000). */
  authTimeoutMs?: number;
  heartbeatMs?: number;
  /** Events kept in the outbox table for replay (default 200 000); pruned every minute. */
  retainEvents?: number;
  /**
   * And no event older than this, ms (default 1 h): a console away for longer reloads its feed
   * (`resync_required`) instead of replaying it, and a quiet site's outbox does not keep a day.
   */
  retainMs?: number;
}

interface Client {
  ws: WebSocket;
  user: SocketUser | null;
  scope: Set<number> | null;
  groups: Set<number> | null;
  cursor: number;
  alive: boolean;
}

/** How long an event stays in the outbox for replay by default, ms. */
const DEFAULT_RETAIN_MS = 3_600_000;

/** Fan-out of outbox events to authenticated WebSocket clients. */
export class RealtimeHub {
  private readonly clients = new Set<Client>();
  private ring: OutboxEvent[] = [];
  private head: number;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly ringSize: number;
  private readonly maxBuffered: number;

  constructor(private readonly opts: HubOptions) {
    this.head = opts.outbox.lastId();
    this.ringSize = opts.ringSize ?? 20_000;
    this.maxBuffered = opts.maxBufferedBytes ?? 1 << 20;
    const hb = opts.heartbeatMs ?? HEARTBEAT_INTERVAL_MS;
    this.timers.push(setInterval(() => this.heartbeat(), hb));
    // Safety net and back-pressure catch-up: pick up anything committed without a pump() call.
    this.timers.push(setInterval(() => this.pump(), 250));
    this.timers.push(
      setInterval(() => this.prune(opts.retainEvents ?? 200_000, opts.retainMs ?? DEFAULT_RETAIN_MS), 60_000),
    );
    for (const t of this.timers) t.unref();
  }

  /** Number of authenticated sockets. */
  get clientCount(): number {
    let n = 0;
    for (const c of this.clients) if (c.user) n++;
    return n;
  }

  /** Highest event id known to the hub. */
  get lastEventId(): number {
    return this.head;
  }

  /**
   * Take over a freshly upgraded socket. One the socket guard has already refused (closing: too
   * many from its address) is left alone.
   */
  attach(ws: WebSocket): void {
    if (ws.readyState !== ws.OPEN) return;
    const client: Client = { ws, user: null, scope: null, groups: null, cursor: this.head, alive: true };
    this.clients.add(client);
    const authTimer = setTimeout(() => {
      if (!client.user) ws.close(4401, 'authentication timeout');
    }, this.opts.authTimeoutMs ?? 10_000);
    ws.on('pong', () => {
      client.alive = true;
    });
    ws.on('message', (raw, isBinary) => {
      // closing (e.g. closed by the socket guard for flooding): what it still sends is not read
      if (ws.readyState !== ws.OPEN) return;
      client.alive = true;
      if (isBinary)
        return this.control(client, { type: 'error', code: 'VALIDATION_ERROR', message: 'text frames only' });
      let msg: ClientMessage;
      try {
        const parsed = ClientMessage.safeParse(JSON.parse(String(raw)));
        if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'invalid');
        msg = parsed.data;
      } catch (err) {
        return this.control(client, {
          type: 'error',
          code: 'VALIDATION_ERROR',
          message: `bad frame: ${(err as Error).message}`,
        });
      }
      void this.onMessage(client, msg, authTimer);
    });
    ws.on('close', () => {
      clearTimeout(authTimer);
      this.clients.delete(client);
    });
    ws.on('error', (err) => this.opts.logger.debug({ err }, 'websocket error'));
  }

  private async onMessage(client: Client, msg: ClientMessage, authTimer: NodeJS.Timeout): Promise<void> {
    switch (msg.type) {
      case 'auth': {
        if (client.user) return;
        const user = await this.opts.authenticate(msg.token).catch(() => null);
        if (!user) {
          this.control(client, { type: 'error', code: 'UNAUTHENTICATED', message: 'invalid or expired token' });
          client.ws.close(4401, 'invalid or expired token');
          return;
        }
        clearTimeout(authTimer);
        // scale mode: the console may come from another process whose events this hub has not
        // read yet (woken by NOTIFY or its pump timer); read up to now before judging its cursor
        // (before this client has a user: the pump sends it nothing)
        if (msg.since !== undefined && msg.since > this.head) this.pump();
        this.setUser(client, user);
        this.control(client, { type: 'ready', last_id: this.head, user_id: user.id });
        if (msg.since !== undefined && msg.since > this.head) {
          // The client saw ids this server never issued (its data was reset): start afresh.
          client.cursor = this.head;
          this.control(client, { type: 'resync_required', since: msg.since, oldest_id: this.opts.outbox.oldestId() });
          return;
        }
        client.cursor = msg.since ?? this.head;
        if (msg.since !== undefined) this.catchUp(client, true);
        return;
      }
      case 'resume': {
        if (!client.user)
          return this.control(client, { type: 'error', code: 'UNAUTHENTICATED', message: 'send auth first' });
        if (msg.since > this.head) this.pump();
        client.cursor = Math.min(msg.since, this.head);
        this.catchUp(client, true);
        return;
      }
      case 'ping':
        return this.control(client, { type: 'pong', ts: new Date().toISOString() });
      default: {
        const never: never = msg;
        return never;
      }
    }
  }

  /**
   * Read newly committed events from the outbox and deliver them. Cheap when nothing is
   * new; call after every commit that appended events.
   */
  pump(): void {
    for (;;) {
      const batch = this.opts.outbox.after(this.head, 1000);
      if (batch.length === 0) break;
      for (const e of batch) this.ring.push(e);
      this.head = batch[batch.length - 1]!.id;
      if (batch.length < 1000) break;
    }
    if (this.ring.length > this.ringSize * 1.5) this.ring = this.ring.slice(-this.ringSize);
    for (const c of this.clients) if (c.user) this.catchUp(c, false);
  }

  /** Send everything visible after the client's cursor, as far as its buffer allows. */
  private catchUp(c: Client, announce: boolean): void {
    const since = c.cursor;
    let replayed = 0;
    while (c.cursor < this.head && c.ws.readyState === c.ws.OPEN) {
      if (c.ws.bufferedAmount > this.maxBuffered) return; // resumed by the pump timer once drained
      const events = this.eventsAfter(c.cursor);
      if (events === null) {
        const oldest = this.opts.outbox.oldestId();
        this.control(c, { type: 'resync_required', since: c.cursor, oldest_id: oldest });
        c.cursor = this.head;
        return;
      }
      if (events.length === 0) break;
      for (const e of events) {
        if (visible(c, e)) {
          c.ws.send(e.frame);
          replayed++;
        }
        c.cursor = e.id;
        if (c.ws.bufferedAmount > this.maxBuffered) break;
      }
    }
    if (announce) this.control(c, { type: 'resumed', since, last_id: c.cursor, replayed });
  }

  /** Events after `id` from the ring or the table; null when they are no longer kept. */
  private eventsAfter(id: number): OutboxEvent[] | null {
    const first = this.ring[0];
    if (first && id >= first.id - 1) {
      // ids are dense, so the offset is arithmetic
      const start = id - first.id + 1;
      return this.ring.slice(start, start + 500);
    }
    const fromDb = this.opts.outbox.after(id, 500);
    if (fromDb.length > 0 && fromDb[0]!.id !== id + 1) return null;
    return fromDb;
  }

  private setUser(c: Client, user: SocketUser): void {
    c.user = user;
    c.scope = user.branchScope === null ? null : new Set(user.branchScope);
    c.groups = user.groupScope === null ? null : new Set(user.groupScope);
  }

  /** A user's role or scope changed: re-read it for each of their sockets, at once. */
  userChanged(userId: number): void {
    for (const c of this.clients) {
      if (c.user?.id !== userId) continue;
      const fresh = this.opts.reload(userId, c.user.sessionId);
      if (fresh) this.setUser(c, { ...fresh, expiresAt: c.user.expiresAt });
      else this.signOut(c, 'session ended');
    }
  }

  /** A user's sessions ended (disabled, password reset, sessions revoked): close their sockets. */
  userSignedOut(userId: number, reason: string): void {
    for (const c of this.clients) if (c.user?.id === userId) this.signOut(c, reason);
  }

  /** One session ended (logout): close its sockets. */
  sessionEnded(sessionId: number): void {
    for (const c of this.clients) if (c.user?.sessionId === sessionId) this.signOut(c, 'signed out');
  }

  private signOut(c: Client, reason: string): void {
    this.control(c, { type: 'error', code: 'UNAUTHENTICATED', message: reason });
    c.ws.close(4401, reason);
    c.user = null;
  }

  private control(c: Client, m: ServerControlMessage): void {
    if (c.ws.readyState === c.ws.OPEN) c.ws.send(JSON.stringify(m));
  }

  private heartbeat(): void {
    const ts = new Date().toISOString();
    for (const c of this.clients) {
      if (!c.alive) {
        c.ws.terminate();
        continue;
      }
      if (c.user && c.user.expiresAt <= ts) {
        this.signOut(c, 'session expired');
        continue;
      }
      c.alive = false;
      c.ws.ping();
      if (c.user) this.control(c, { type: 'heartbeat', ts, last_id: c.cursor });
    }
  }

  /**
   * Keep only the newest `keep` events for replay, none older than `maxAgeMs` (table and
   * memory); clients further behind get `resync_required`. @returns events dropped from the table
   */
  prune(keep: number, maxAgeMs?: number): number {
    const before = maxAgeMs === undefined ? undefined : new Date(Date.now() - maxAgeMs).toISOString();
    const dropped = this.opts.outbox.prune(keep, before);
    const oldest = this.opts.outbox.oldestId();
    const cutoff = Math.max(this.head - keep, oldest === 0 ? this.head : oldest - 1);
    this.ring = this.ring.filter((e) => e.id > cutoff);
    return dropped;
  }

  /** Close every socket and stop timers. */
  close(): void {
    for (const t of this.timers) clearInterval(t);
    for (const c of this.clients) c.ws.close(1001, 'server shutting down');
    this.clients.clear();
  }
}

/**
 * Whether a socket's user may see an event: events addressed to one user by that user only,
 * admin events by admins of every branch, branch events by branch, group events by group, the
 * rest by all. Live delivery and replay both go through here.
 */
function visible(c: Client, e: OutboxEvent): boolean {
  if (e.user_id !== null) return c.user !== null && c.user.id === e.user_id;
  if (e.channel === ADMIN_CHANNEL) return c.user?.role === 'admin' && c.scope === null;
  if (e.branch_id !== null) return c.scope === null || c.scope.has(e.branch_id);
  if (e.group_id !== null) return c.groups === null || c.groups.has(e.group_id);
  return true;
}
