/**
 * Synchronous execution of Kysely-built queries on the raw better-sqlite3 handle.
 *
 * Why: Kysely's own transactions on SQLite span `await`s while holding the one connection,
 * so a synchronous statement issued by another request in between would silently join that
 * transaction. Every write path here therefore runs as a synchronous better-sqlite3
 * transaction (which cannot interleave with anything), and keeps Kysely as the typed query
 * builder: `exec.all(db.selectFrom(...))`. Prepared statements are cached by SQL text.
 */
import type SQLite from 'better-sqlite3';
import type { Compilable, InferResult } from 'kysely';

/** Runs compiled Kysely queries synchronously; owns the statement cache. */
export class SyncExecutor {
  private readonly cache = new Map<string, SQLite.Statement>();

  /** One reusable transaction wrapper: better-sqlite3 builds a function per `transaction()` call. */
  private readonly runInTx: (fn: () => unknown) => unknown;

  constructor(readonly sqlite: SQLite.Database) {
    this.runInTx = sqlite.transaction((fn: () => unknown) => fn());
  }

  private stmt(sql: string): SQLite.Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.sqlite.prepare(sql);
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
    return { changes: r.changes, lastInsertRowid: Number(r.lastInsertRowid) };
  }

  /** Run `fn` in one transaction (nested calls become savepoints). */
  tx<T>(fn: () => T): T {
    return this.runInTx(fn) as T;
  }
}

/** True when a better-sqlite3 error is a UNIQUE (or PRIMARY KEY) constraint violation. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
