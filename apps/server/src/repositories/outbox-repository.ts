/**
 * The transactional outbox of real-time events (DESIGN §5).
 *
 * An event row is inserted in the same transaction as the change it reports; its
 * AUTOINCREMENT id is the event id clients see. SQLite serialises writers and does not
 * consume an AUTOINCREMENT value on rollback, so ids are committed in increasing order with
 * no holes: a broadcaster that tails `id > last` never skips one. A restart resumes from the
 * table, so an event committed just before a crash is still delivered to resuming clients.
 *
 * Who receives an event is stored with it (so replay after a reconnect, and every server
 * process tailing the table, filters it the same way): the `channel` column names the
 * audience — `branch:<id>` (users whose scope holds the branch), `group:<id>` (users who may
 * see the group), `admins` (admins of every branch), `user:<id>` (that one user only, e.g. a
 * private layout's owner) or `global` (everyone).
 *
 * On PostgreSQL (scale mode) several processes write at once, and an id taken from a sequence
 * can commit after a larger one: a tailer reading `id > last` would skip it for ever. So there
 * the rows are written just before COMMIT, under the commit-order lock (PgConnection.atCommit):
 * transactions that append events commit one at a time, in id order, and hold the lock only for
 * the inserts and the COMMIT. Ids a rolled-back transaction took are skipped (clients take gaps
 * as events of other scopes); none commits out of order.
 *
 * This is the repository of `realtime_outbox`; the hub that tails it and fans events out to
 * sockets is realtime/hub.ts. Raw prepared statements: an event is appended in nearly every
 * write transaction, the detection job's included.
 */
import type { SqlConnection, SqlStatement } from '../db/connection.js';
import type { Selectable } from 'kysely';
import type { RealtimeEventMap, RealtimeEventType } from '@pantau/shared';
import type { RealtimeOutboxTable } from '../db/schema.js';
import { PgConnection } from '../db/pg-connection.js';

/** A stored event with its frame pre-serialised once for fan-out. */
export interface OutboxEvent {
  id: number;
  type: RealtimeEventType;
  channel: string;
  /** Branch the event concerns; null = not branch-level. */
  branch_id: number | null;
  /** Group the event concerns when not branch-level; both null = every user may see it (unless addressed to one user or to admins). */
  group_id: number | null;
  /** The one user the event is addressed to (channel `user:<id>`), or null. */
  user_id: number | null;
  /** The JSON text frame `{ id, type, channel, ts, data }`. */
  frame: string;
}

/** A stored row of realtime_outbox, as `after` reads it. */
type Row = Selectable<RealtimeOutboxTable>;

/** Channel of events only admins whose scope is every branch receive. */
export const ADMIN_CHANNEL = 'admins';

/** Prefix of the channel of events addressed to one user: `user:<id>`. */
const USER_CHANNEL_PREFIX = 'user:';

/** Repository of the `realtime_outbox` table (synchronous, for use inside transactions). */
export class Outbox {
  private readonly insertStmt: SqlStatement;
  private readonly afterStmt: SqlStatement;

  /** PostgreSQL: defer each insert to the commit-ordered part of its transaction (see the module's docstring) */
  private readonly atCommit: ((action: () => void) => void) | null;

  constructor(private readonly db: SqlConnection) {
    this.insertStmt = db.prepare(
      `INSERT INTO realtime_outbox (type, channel, branch_id, group_id, data, ts) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.atCommit = db instanceof PgConnection ? (action) => db.atCommit(action) : null;
    this.afterStmt = db.prepare(
      `SELECT id, type, channel, branch_id, group_id, data, ts FROM realtime_outbox WHERE id > ? ORDER BY id LIMIT ?`,
    );
  }

  /**
   * Record an event. Call inside the transaction of the change it reports.
   * @param branchId the branch it is about (drives isolation), or null
   * @param groupId with branchId null: the group it is about (only users who may see the group get it); both null = everyone
   * @returns the event id; null on PostgreSQL, where the id is taken as the transaction commits
   */
  append<T extends RealtimeEventType>(
    type: T,
    branchId: number | null,
    data: RealtimeEventMap[T],
    now: number = Date.now(),
    groupId: number | null = null,
  ): number | null {
    const channel = branchId !== null ? `branch:${branchId}` : groupId !== null ? `group:${groupId}` : 'global';
    return this.write(type, channel, branchId, branchId === null ? groupId : null, data, now);
  }

  /**
   * Record a system-wide event only admins of every branch may see (channel `admins`), e.g.
   * the queue numbers. Call inside the transaction of the change it reports.
   * @returns the event id (null on PostgreSQL, see {@link append})
   */
  appendForAdmins<T extends RealtimeEventType>(
    type: T,
    data: RealtimeEventMap[T],
    now: number = Date.now(),
  ): number | null {
    return this.write(type, ADMIN_CHANNEL, null, null, data, now);
  }

  /**
   * Record an event only one user may see (channel `user:<id>`), e.g. a change to their
   * private layout: the hub sends it live and on replay to that user's sockets only. Call
   * inside the transaction of the change it reports.
   * @param userId id of the user (users.id) it is addressed to
   * @returns the event id (null on PostgreSQL, see {@link append})
   */
  appendForUser<T extends RealtimeEventType>(
    type: T,
    userId: number,
    data: RealtimeEventMap[T],
    now: number = Date.now(),
  ): number | null {
    return this.write(type, `${USER_CHANNEL_PREFIX}${userId}`, null, null, data, now);
  }

  private write(
    type: string,
    channel: string,
    branchId: number | null,
    groupId: number | null,
    data: unknown,
    now: number,
  ): number | null {
    const args = [type, channel, branchId, groupId, JSON.stringify(data), new Date(now).toISOString()] as const;
    if (this.atCommit) {
      this.atCommit(() => this.insertStmt.run(...args));
      return null;
    }
    return Number(this.insertStmt.run(...args).lastInsertRowid);
  }

  /** Up to `limit` events with id > `afterId`, in id order. */
  after(afterId: number, limit: number): OutboxEvent[] {
    return (this.afterStmt.all(afterId, limit) as Row[]).map(toEvent);
  }

  /** Highest committed event id (0 when none). */
  lastId(): number {
    return (this.db.prepare(`SELECT COALESCE(MAX(id), 0) AS id FROM realtime_outbox`).get() as { id: number }).id;
  }

  /** Lowest event id still kept (0 when empty). */
  oldestId(): number {
    return (this.db.prepare(`SELECT COALESCE(MIN(id), 0) AS id FROM realtime_outbox`).get() as { id: number }).id;
  }

  /**
   * Drop all but the newest `keep` events, and every event written before `before` (ISO time):
   * the resume window, by count and by age. Ids and times grow together (rows are appended in
   * commit order), so the old rows are a prefix: deleted oldest first in chunks that stop at the
   * first younger row, never a scan of the table.
   * @returns rows deleted
   */
  prune(keep: number, before?: string): number {
    let n = this.db
      .prepare(`DELETE FROM realtime_outbox WHERE id <= (SELECT MAX(id) FROM realtime_outbox) - ?`)
      .run(keep).changes;
    if (before === undefined) return n;
    const oldest = this.db.prepare(`SELECT ts FROM realtime_outbox ORDER BY id LIMIT 1`);
    const chunk = this.db.prepare(
      `DELETE FROM realtime_outbox WHERE id IN (SELECT id FROM realtime_outbox ORDER BY id LIMIT 5000) AND ts < ?`,
    );
    for (;;) {
      const ts = (oldest.get() as { ts: string } | undefined)?.ts;
      if (ts === undefined || ts >= before) return n;
      const d = chunk.run(before).changes;
      n += d;
      if (d === 0) return n;
    }
  }
}

function toEvent(r: Row): OutboxEvent {
  return {
    id: r.id,
    type: r.type as RealtimeEventType,
    channel: r.channel,
    branch_id: r.branch_id,
    group_id: r.group_id,
    user_id: addressee(r.channel),
    frame: `{"id":${r.id},"type":${JSON.stringify(r.type)},"channel":${JSON.stringify(r.channel)},"ts":${JSON.stringify(r.ts)},"data":${r.data}}`,
  };
}

/** The user a channel addresses (`user:<id>`), or null for every other channel. */
function addressee(channel: string): number | null {
  if (!channel.startsWith(USER_CHANNEL_PREFIX)) return null;
  const id = Number(channel.slice(USER_CHANNEL_PREFIX.length));
  // a malformed user channel addresses no one rather than everyone
  return Number.isInteger(id) && id > 0 ? id : -1;
}
