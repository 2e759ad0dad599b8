/**
 * Synchronous execution of Kysely-built queries on the process's connection (db/connection.ts:
 * better-sqlite3, or libpq on PostgreSQL).
 *
 * Why: Kysely's own transactions on SQLite span `await`s while holding the one connection,
 * so a synchronous statement issued by another request in between would silently join that
 * transaction. Every write path here therefore runs as a synchronous transaction on the
 * connection (which cannot interleave with anything in this process; on PostgreSQL the other
 * processes are ordered by PostgreSQL's locks), and keeps Kysely as the typed query builder:
 * `exec.all(db.selectFrom(...))`. Prepared statements are cached by SQL text.
 *
 * Commit hooks: `onCommit` listeners run right after an outermost transaction of `tx` commits
 * (not after a savepoint, not after a rollback). The real-time hub is woken this way, so no
 * service has to remember to "pump" after its writes.
 */
import type { Compilable, InferResult } from 'kysely';
import type { SqlConnection, SqlStatement } from './connection.js';
import type { WriteLock } from './write-lock.js';

/** Runs compiled Kysely queries synchronously; owns the statement cache. */
export class SyncExecutor {
  private readonly cache = new Map<string, SqlStatement>();
  private readonly commitListeners: Array<() => void> = [];
  /** Reports what a commit listener threw (it cannot undo the commit). Default: rethrown on the next tick. */
  onListenerError: (err: unknown) => void = (err) => {
    queueMicrotask(() => {
      throw err;
    });
  };

  /**
   * @param lock the process's write lock, shared with the detection thread's connection when
   *   there is one (db/write-lock.ts); outermost transactions then begin IMMEDIATE under it
   */
  constructor(
    readonly conn: SqlConnection,
    private readonly lock: WriteLock | null = null,
  ) {}

  private stmt(sql: string): SqlStatement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.conn.prepare(sql);
      if (this.cache.size > 500) this.cache.clear();
      this.cache.set(sql, s);
    }
    return s;
  }

  /** All rows of a select (or an insert/update with `returning`). */
  all<Q extends Compilable<unknown>>(q: Q): InferResult<Q> {
    const c = q.compile();
    return this.stmt(c.sql).all(...(c.parameters as unknown[])) as InferResult<Q>;
  }

  /** First row, or undefined. */
  first<Q extends Compilable<unknown>>(q: Q): InferResult<Q>[number] | undefined {
    const c = q.compile();
    const s = this.stmt(c.sql);
    return (s.reader ? s.get(...(c.parameters as unknown[])) : undefined) as InferResult<Q>[number] | undefined;
  }

  /** Run a statement without a result set. */
  run(q: Compilable<unknown>): { changes: number; lastInsertRowid: number } {
    const c = q.compile();
    const r = this.stmt(c.sql).run(...(c.parameters as unknown[]));
    // read only when asked: on PostgreSQL it is a query of its own (db/pg-connection.ts)
    return {
      changes: r.changes,
      get lastInsertRowid() {
        return Number(r.lastInsertRowid);
      },
    };
  }

  /**
   * Run `fn` in one transaction (nested calls become savepoints); after the outermost one
   * commits, the commit listeners run.
   */
  tx<T>(fn: () => T): T {
    const outermost = !this.conn.inTransaction;
    let result: T;
    if (outermost && this.lock) {
      this.lock.acquire();
      try {
        // IMMEDIATE when a second connection writes: a deferred transaction that reads, then
        // writes after the other connection committed, fails with SQLITE_BUSY instead of waiting
        result = this.conn.transaction(fn, true);
      } finally {
        this.lock.release();
      }
    } else result = this.conn.transaction(fn);
    if (outermost) {
      for (const l of this.commitListeners) {
        try {
          l();
        } catch (err) {
          this.onListenerError(err);
        }
      }
    }
    return result;
  }

  /** Whether a transaction is open on the connection. */
  get inTransaction(): boolean {
    return this.conn.inTransaction;
  }

  /**
   * Run `listener` after every outermost transaction of {@link tx} commits. Listeners should be
   * cheap and must not write (the commit is over); what one throws goes to `onListenerError`.
   * @returns a function that removes the listener
   */
  onCommit(listener: () => void): () => void {
    this.commitListeners.push(listener);
    return () => {
      const i = this.commitListeners.indexOf(listener);
      if (i >= 0) this.commitListeners.splice(i, 1);
    };
  }
}

/** True when an error of either engine is a UNIQUE (or PRIMARY KEY) constraint violation (PostgreSQL: SQLSTATE 23505). */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}
