/**
 * The synchronous SQL connection every repository writes through, on either engine: SQLite
 * (better-sqlite3, the embedded default) or PostgreSQL (libpq, scale mode: db/pg-connection.ts).
 *
 * Why synchronous on both: the services' transactions are synchronous by design
 * (db/sync-executor.ts): a transaction cannot interleave with another request's statements in
 * the same process, so the rules need no locks of their own. On PostgreSQL the same holds in a
 * process (libpq's blocking calls), and PostgreSQL's row locks order the processes.
 *
 * Statements use `?` placeholders on both engines (the PostgreSQL connection numbers them);
 * `run` reports the rows changed and, for a statement with `RETURNING id`, that id
 * (`lastInsertRowid`; SQLite also gives it without RETURNING, PostgreSQL does not).
 */
import type SQLite from 'better-sqlite3';

/** Which database engine a connection talks to. */
export type Engine = 'sqlite' | 'postgres';

/** A value a statement takes: what better-sqlite3 binds (PostgreSQL gets them as text). */
export type SqlValue = string | number | bigint | null | Buffer;

/** What `run` reports. */
export interface RunResult {
  /** rows inserted, updated or deleted */
  changes: number;
  /** SQLite: the rowid of the last insert; PostgreSQL: the first column of the first returned row, else 0 */
  lastInsertRowid: number | bigint;
}

/** A prepared statement (the subset of better-sqlite3's Statement both engines offer). */
export interface SqlStatement {
  /** false for a statement that returns no rows (SQLite knows; PostgreSQL says true and returns none) */
  readonly reader: boolean;
  /** first row, or undefined */
  get(...params: unknown[]): unknown;
  /** every row */
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): RunResult;
  /** This statement, returning each row's first column instead of the row (better-sqlite3's `pluck`). */
  pluck(): SqlStatement;
}

/** A synchronous connection (one per thread). */
export interface SqlConnection {
  readonly engine: Engine;
  /** A statement, prepared once (callers keep it; SQL with `?` placeholders). */
  prepare(sql: string): SqlStatement;
  /** Run SQL text without parameters (several statements allowed): schema changes, tests. */
  exec(sql: string): void;
  /**
   * Run `fn` in a transaction: BEGIN (IMMEDIATE on SQLite when `immediate`) … COMMIT, or
   * ROLLBACK when it throws (rethrown). A nested call is a savepoint.
   */
  transaction<T>(fn: () => T, immediate?: boolean): T;
  /** Whether a transaction is open. */
  readonly inTransaction: boolean;
  /** Close the connection (idempotent). */
  close(): void;
}

/** The SQLite connection: better-sqlite3 itself, whose statements already have this shape. */
export class SqliteConnection implements SqlConnection {
  readonly engine = 'sqlite' as const;
  private readonly deferred: (fn: () => unknown) => unknown;
  private readonly immediate: (fn: () => unknown) => unknown;

  /** @param raw the open better-sqlite3 handle (SQLite-only code may use it: pragmas, backups) */
  constructor(readonly raw: SQLite.Database) {
    // one wrapper each: better-sqlite3 builds a function per `transaction()` call
    const t = raw.transaction((fn: () => unknown) => fn());
    this.deferred = t;
    this.immediate = t.immediate;
  }

  prepare(sql: string): SqlStatement {
    return this.raw.prepare(sql);
  }

  exec(sql: string): void {
    this.raw.exec(sql);
  }

  transaction<T>(fn: () => T, immediate = false): T {
    return (immediate ? this.immediate : this.deferred)(fn) as T;
  }

  get inTransaction(): boolean {
    return this.raw.inTransaction;
  }

  close(): void {
    if (this.raw.open) this.raw.close();
  }
}

/**
 * SQL that differs between the engines, picked once when a repository prepares its
 * statements: `pick(conn, { sqlite: '…', postgres: '…' })`.
 */
export function pick<T>(conn: { engine: Engine }, variants: Record<Engine, T>): T {
  return variants[conn.engine];
}
