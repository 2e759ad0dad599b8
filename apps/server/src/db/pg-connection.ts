/**
 * The PostgreSQL connection of scale mode: libpq's blocking calls (the `libpq` package, the
 * binding node-postgres's native mode uses), behind the same synchronous {@link SqlConnection}
 * the SQLite engine gives (db/connection.ts explains why synchronous).
 *
 * What it does on top of libpq:
 * - `?` placeholders numbered `$1, $2 …` (outside quotes and comments), so repositories write
 *   one SQL text; Kysely's PostgreSQL compiler already writes `$n`.
 * - Rows in the shapes SQLite gives: integers (int2/4/8, oid) and numerics as numbers,
 *   booleans as 1/0, bytea as Buffer, everything else as PostgreSQL's text (the schema keeps
 *   times as ISO-8601 text and JSON as text on both engines).
 * - Statements prepared on the server on first use, by name; past {@link MAX_PREPARED} names
 *   they are deallocated and prepared again when next used (Kysely-built SQL texts are many).
 * - Commit-ordered writes ({@link PgConnection.atCommit}): statements run just before COMMIT
 *   under a transaction-scoped advisory lock, so such transactions commit one at a time across
 *   every process, in the order their ids were taken (the outbox's no-gap guarantee).
 * - Transactions with savepoints for nested calls; a broken connection (server restarted) is
 *   opened again before the next statement outside a transaction, and inside one the
 *   transaction fails with the error (its caller retries or reports, as with any failure).
 *
 * Errors are {@link PgError}: `code` is the SQLSTATE (23505 unique violation …), as
 * better-sqlite3's errors carry `SQLITE_CONSTRAINT_UNIQUE`.
 *
 * libpq's addon is not context-aware: it loads in one thread per process, so on PostgreSQL the
 * detection jobs and report figures run on the main thread (scale mode adds processes instead).
 */
import { createRequire } from 'node:module';
import type { RunResult, SqlConnection, SqlStatement } from './connection.js';
import { decodeValue, numberPlaceholders, quoteLiteral, toParam } from './pg-text.js';

/** The part of libpq's binding used here (node-libpq's index.js). */
interface Libpq {
  connectSync(conninfo: string): void;
  finish(): void;
  exec(text: string): void;
  execParams(text: string, params: Array<string | null>): void;
  prepare(name: string, text: string, nParams: number): void;
  execPrepared(name: string, params: Array<string | null>): void;
  resultStatus(): string;
  resultErrorMessage(): string;
  resultErrorFields(): Record<string, string | undefined>;
  errorMessage(): string;
  transactionStatus(): string;
  ntuples(): number;
  nfields(): number;
  fname(i: number): string;
  ftype(i: number): number;
  getvalue(row: number, col: number): string;
  getisnull(row: number, col: number): boolean;
  cmdTuples(): string;
  clear(): void;
}

/** How many named statements a connection keeps prepared before deallocating them all. */
export const MAX_PREPARED = 2000;

/**
 * The advisory lock key of commit-ordered writes (any constant of our own; `pg_advisory_xact_lock`
 * keys are one bigint per database).
 */
export const COMMIT_ORDER_LOCK = 7_410_001;

/** A PostgreSQL error with its SQLSTATE. */
export class PgError extends Error {
  /** SQLSTATE, e.g. `23505` (unique_violation), `40001` (serialization_failure); `08006` for a lost connection */
  readonly code: string;
  readonly constraint: string | undefined;
  readonly detail: string | undefined;
  constructor(message: string, code: string, constraint?: string, detail?: string) {
    super(message);
    this.name = 'PgError';
    this.code = code;
    this.constraint = constraint;
    this.detail = detail;
  }
}

/** The statement behind {@link PgConnection.lastval}. */
const LASTVAL = { text: 'SELECT lastval() AS id', count: 0, names: null };

let loaded: (new () => Libpq) | null = null;

/**
 * libpq's binding, loaded on first use: an optional dependency, built from libpq's headers
 * (Debian `libpq-dev`).
 * @throws Error saying how to install it when it is missing or was not built
 */
function libpq(): new () => Libpq {
  if (loaded) return loaded;
  try {
    loaded = createRequire(import.meta.url)('libpq') as new () => Libpq;
    return loaded;
  } catch (err) {
    throw new Error(
      `PostgreSQL needs the libpq binding: install Debian's libpq-dev, then run \`npm rebuild libpq\` (${String((err as Error).message)})`,
    );
  }
}

/** Finished handles, kept reachable until libuv has closed their poll handles (see {@link finish}). */
const retiring = new Set<Libpq>();

/**
 * End a libpq connection. libpq's addon (1.11) closes the socket's `uv_poll` handle with
 * `uv_close`, which completes on a later turn of the event loop, and lets the handle's owner be
 * garbage-collected at once: collected before that turn, libuv finishes closing freed memory and
 * aborts the process (`uv__finish_close` assertion; reproduced by finishing connections with
 * `global.gc()` between them). So the handle stays referenced until a timer, which fires on a
 * later turn than the close.
 */
function finish(pq: Libpq): void {
  try {
    pq.finish();
  } catch {
    // already gone
  }
  retiring.add(pq);
  setTimeout(() => retiring.delete(pq), 100).unref();
}

/** A statement of a {@link PgConnection}: its SQL text, prepared on the server by name on first use. */
class PgStatement implements SqlStatement {
  readonly reader = true;
  constructor(
    private readonly conn: PgConnection,
    readonly text: string,
    readonly count: number,
    readonly names: string[] | null,
    private readonly plucked = false,
  ) {}

  get(...params: unknown[]): unknown {
    const row = this.conn.execute(this, params).rows[0];
    return this.plucked && row ? Object.values(row)[0] : row;
  }

  all(...params: unknown[]): unknown[] {
    const rows = this.conn.execute(this, params).rows;
    return this.plucked ? rows.map((r) => Object.values(r as object)[0]) : rows;
  }

  pluck(): SqlStatement {
    return new PgStatement(this.conn, this.text, this.count, this.names, true);
  }

  run(...params: unknown[]): RunResult {
    const r = this.conn.execute(this, params);
    const first = r.rows[0] as Record<string, unknown> | undefined;
    if (first) {
      const id = Object.values(first)[0];
      return { changes: r.changes, lastInsertRowid: typeof id === 'number' ? id : 0 };
    }
    // no RETURNING: the id is the session's last sequence value (lastval()), asked only when read
    // (right after the insert, before another statement; hot inserts say RETURNING id instead)
    const conn = this.conn;
    return {
      changes: r.changes,
      get lastInsertRowid() {
        return conn.lastval();
      },
    };
  }
}

/** A synchronous PostgreSQL connection (see the module's docstring). */
export class PgConnection implements SqlConnection {
  readonly engine = 'postgres' as const;
  private pq: Libpq;
  private depth = 0;
  /** {@link atCommit} actions of the open transaction, and where each open savepoint began in them */
  private atCommitActions: Array<() => void> = [];
  private readonly savepointMarks: number[] = [];
  private readonly names = new Map<string, string>();
  private nextName = 1;
  private closed = false;

  /**
   * Connect.
   * @param url a libpq connection string or URI (`postgres://user:pass@host:port/db`)
   * @param applicationName shown in `pg_stat_activity`
   * @throws Error when the server cannot be reached or refuses the login
   */
  constructor(
    private readonly url: string,
    private readonly applicationName = 'pantau',
  ) {
    this.pq = this.connect();
  }

  private connect(): Libpq {
    const Pq = libpq();
    const pq = new Pq();
    try {
      pq.connectSync(this.url);
    } catch (err) {
      throw new PgError(`PostgreSQL: ${String((err as Error).message).trim()}`, '08001');
    }
    // UTC and ISO text for any time PostgreSQL formats itself; the schema's times are text
    pq.exec(`SET application_name = ${quoteLiteral(this.applicationName)}; SET TIME ZONE 'UTC'`);
    pq.clear();
    return pq;
  }

  /**
   * Before a statement: refuse on a closed connection, and reopen one the server dropped (only
   * between transactions).
   * @throws PgError 08003 when closed
   */
  private ready(): void {
    if (this.closed) throw new PgError('PostgreSQL: the connection is closed', '08003');
    if (this.depth > 0 || this.pq.transactionStatus() !== 'PQTRANS_UNKNOWN') return;
    finish(this.pq);
    this.names.clear();
    this.pq = this.connect();
  }

  prepare(sql: string): SqlStatement {
    const { text, count, names } = numberPlaceholders(sql);
    return new PgStatement(this, text, count, names);
  }

  /**
   * The session's last sequence value: the id of the last insert into a table with an identity column.
   * @throws PgError 55000 when this session has inserted into none yet
   */
  lastval(): number {
    return Number((this.execute(LASTVAL, []).rows[0] as { id: number }).id);
  }

  /**
   * Run a statement's text with its parameters.
   * @throws PgError on any failure
   */
  execute(
    stmt: { text: string; count: number; names: string[] | null },
    params: unknown[],
  ): { rows: unknown[]; changes: number } {
    this.ready();
    const bound = stmt.names ? stmt.names.map((n) => (params[0] as Record<string, unknown>)[n]) : params;
    const values = bound.map(toParam);
    let name = this.names.get(stmt.text);
    if (!name) {
      if (this.names.size >= MAX_PREPARED) {
        this.simple('DEALLOCATE ALL');
        this.names.clear();
      }
      name = `p${this.nextName++}`;
      this.pq.prepare(name, stmt.text, stmt.count);
      this.check();
      this.pq.clear();
      this.names.set(stmt.text, name);
    }
    this.pq.execPrepared(name, values);
    return this.result();
  }

  exec(sql: string): void {
    this.simple(sql);
  }

  /** Run SQL text without parameters (several statements allowed). */
  simple(sql: string): { rows: unknown[]; changes: number } {
    this.ready();
    this.pq.exec(sql);
    return this.result();
  }

  /** Run SQL text with parameters, unprepared (Kysely's driver: migrations and one-off queries). */
  query(sql: string, params: readonly unknown[]): { rows: unknown[]; changes: number } {
    this.ready();
    this.pq.execParams(sql, params.map(toParam));
    return this.result();
  }

  /** @throws PgError when the last command failed (the result is cleared) */
  private check(): void {
    const status = this.pq.resultStatus();
    if (status === 'PGRES_FATAL_ERROR' || status === 'PGRES_BAD_RESPONSE' || status === 'PGRES_NONFATAL_ERROR') {
      const f = this.pq.resultErrorFields() ?? {};
      const message = (this.pq.resultErrorMessage() || this.pq.errorMessage() || 'PostgreSQL error').trim();
      this.pq.clear();
      // no SQLSTATE: the connection itself failed (libpq reports it without a server error)
      throw new PgError(message, f.sqlState ?? '08006', f.constraintName, f.messageDetail);
    }
  }

  private result(): { rows: unknown[]; changes: number } {
    this.check();
    const nrows = this.pq.ntuples();
    const nfields = this.pq.nfields();
    const rows: unknown[] = [];
    if (nfields > 0) {
      const names: string[] = [];
      const types: number[] = [];
      for (let c = 0; c < nfields; c++) {
        names.push(this.pq.fname(c));
        types.push(this.pq.ftype(c));
      }
      for (let r = 0; r < nrows; r++) {
        const row: Record<string, unknown> = {};
        for (let c = 0; c < nfields; c++) {
          if (this.pq.getisnull(r, c)) {
            row[names[c]!] = null;
            continue;
          }
          row[names[c]!] = decodeValue(types[c]!, this.pq.getvalue(r, c));
        }
        rows.push(row);
      }
    }
    const changes = Number(this.pq.cmdTuples() || 0);
    this.pq.clear();
    return { rows, changes };
  }

  /**
   * Run `action` (statements on this connection) just before the open transaction commits, after
   * taking the {@link COMMIT_ORDER_LOCK}: every transaction with such actions, in any process,
   * runs them and commits while holding it, one at a time. So ids taken by those actions (the
   * outbox's event ids) commit in increasing order, and a reader that has seen id N will never
   * see a smaller id commit later. The lock is held for the actions and the COMMIT only, not
   * the whole transaction. Outside a transaction the action runs at once, in one of its own.
   * A savepoint rolled back drops the actions queued since it began.
   */
  atCommit(action: () => void): void {
    if (this.depth === 0) {
      this.transaction(() => this.atCommit(action));
      return;
    }
    this.atCommitActions.push(action);
  }

  transaction<T>(fn: () => T): T {
    const outer = this.depth === 0;
    const sp = `sp${this.depth}`;
    this.simple(outer ? 'BEGIN' : `SAVEPOINT ${sp}`);
    this.depth++;
    if (!outer) this.savepointMarks.push(this.atCommitActions.length);
    let result: T;
    try {
      result = fn();
      if (outer && this.atCommitActions.length > 0) {
        this.simple(`SELECT pg_advisory_xact_lock(${COMMIT_ORDER_LOCK})`);
        for (const a of this.atCommitActions) a();
      }
    } catch (err) {
      this.depth--;
      if (outer) this.atCommitActions = [];
      else this.atCommitActions.length = this.savepointMarks.pop()!;
      try {
        this.simple(outer ? 'ROLLBACK' : `ROLLBACK TO SAVEPOINT ${sp}; RELEASE SAVEPOINT ${sp}`);
      } catch {
        // the connection is gone: the server rolled back
      }
      throw err;
    }
    this.depth--;
    if (outer) this.atCommitActions = [];
    else this.savepointMarks.pop();
    try {
      this.simple(outer ? 'COMMIT' : `RELEASE SAVEPOINT ${sp}`);
    } catch (err) {
      if (outer && this.pq.transactionStatus() !== 'PQTRANS_IDLE') {
        try {
          this.simple('ROLLBACK');
        } catch {
          // gone
        }
      }
      throw err;
    }
    return result;
  }

  get inTransaction(): boolean {
    return this.depth > 0;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    finish(this.pq);
  }
}
