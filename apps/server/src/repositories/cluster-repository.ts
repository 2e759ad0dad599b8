/**
 * The server processes sharing the database (`server_processes`, migration 020) and the
 * leadership among them.
 *
 * Leadership is a PostgreSQL session advisory lock (`pg_try_advisory_lock`) on the process's
 * connection: the server releases it the moment that connection ends, so when the leader dies
 * (or loses its connection) another process takes it at its next try. On SQLite there is one
 * server process, always the leader.
 */
import type { Selectable } from 'kysely';
import type { SqlConnection, SqlStatement } from '../db/connection.js';
import type { ServerProcessesTable } from '../db/schema.js';

/** A row of server_processes. */
export type ServerProcessRow = Selectable<ServerProcessesTable>;

/** The advisory lock key of leadership (any constant of our own). */
export const LEADER_LOCK = 7_410_002;

/** Statements of the process registry and the leader lock. */
export class ClusterRepository {
  private readonly s: Record<'insert' | 'beat' | 'remove' | 'live' | 'prune', SqlStatement>;
  private readonly pg: { tryLock: SqlStatement; holds: SqlStatement; unlock: SqlStatement } | null;

  constructor(private readonly db: SqlConnection) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO server_processes (id, role, host, pid, url, version, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      beat: db.prepare(`UPDATE server_processes SET heartbeat_at = ?, url = ? WHERE id = ?`),
      remove: db.prepare(`DELETE FROM server_processes WHERE id = ?`),
      live: db.prepare(`SELECT * FROM server_processes WHERE heartbeat_at >= ? ORDER BY started_at, id`),
      prune: db.prepare(`DELETE FROM server_processes WHERE heartbeat_at < ?`),
    };
    this.pg =
      db.engine === 'postgres'
        ? {
            tryLock: db.prepare(`SELECT pg_try_advisory_lock(${LEADER_LOCK}) AS ok`),
            holds: db.prepare(
              `SELECT COUNT(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = ${LEADER_LOCK} AND granted AND pid = pg_backend_pid()`,
            ),
            unlock: db.prepare(`SELECT pg_advisory_unlock(${LEADER_LOCK}) AS ok`),
          }
        : null;
  }

  /** Add this process's row (its heartbeat now). */
  register(p: ServerProcessRow): void {
    this.s.insert.run(p.id, p.role, p.host, p.pid, p.url, p.version, p.started_at, p.heartbeat_at);
  }

  /**
   * Renew a heartbeat.
   * @returns false when the row is gone (pruned while this process stalled): register again
   */
  heartbeat(id: string, at: number, url: string | null): boolean {
    return this.s.beat.run(at, url, id).changes > 0;
  }

  remove(id: string): void {
    this.s.remove.run(id);
  }

  /** The processes with a heartbeat at or after `since` (epoch ms), oldest start first. */
  live(since: number): ServerProcessRow[] {
    return this.s.live.all(since) as ServerProcessRow[];
  }

  /** Forget processes silent since before `before` (epoch ms). @returns rows removed */
  prune(before: number): number {
    return this.s.prune.run(before).changes;
  }

  /**
   * Hold the leadership, taking it when free. Outside a transaction.
   * @returns whether this process leads now
   */
  lead(): boolean {
    if (!this.pg) return true;
    // already held on this session: no second try (the lock would be counted twice)
    if ((this.pg.holds.get() as { n: number }).n > 0) return true;
    return Boolean((this.pg.tryLock.get() as { ok: number }).ok);
  }

  /** Give the leadership up (a clean stop: the next process takes it at once). */
  resign(): void {
    if (this.pg && (this.pg.holds.get() as { n: number }).n > 0) this.pg.unlock.get();
  }
}
