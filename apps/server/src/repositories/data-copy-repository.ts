/**
 * The statements of `pantau migrate-data` (services/data-migration.ts): the source's catalog
 * and rows (the embedded SQLite file, opened read-only), and the target's rows, identities and
 * copy progress (PostgreSQL, table `data_migration_progress`, migration 022).
 *
 * Rows are read in primary-key order by keyset (`WHERE (k1, k2) > (?, ?) ORDER BY k1, k2
 * LIMIT n`), the same text on both engines, so a chunk never costs more than its own rows
 * however deep into a table the copy is. Table and column names come from the source's own
 * catalog and are quoted as identifiers.
 */
import type { SqlConnection, SqlStatement } from '../db/connection.js';
import type { DataMigrationProgressTable } from '../db/schema.js';

/** PostgreSQL takes at most 65,535 parameters in a statement; a chunk or page stays under this. */
export const MAX_PARAMETERS = 60_000;

/** A value as a row of either engine holds it (db/connection.ts: numbers, text, Buffer, null). */
export type CellValue = string | number | bigint | Buffer | null;

/** A table of the source, as its catalog describes it. */
export interface SourceTable {
  name: string;
  /** every column, in the table's order */
  columns: string[];
  /** the primary key's columns, in key order */
  key: string[];
  /** the other tables its foreign keys refer to */
  parents: string[];
  /** its columns that refer to its own rows (device_masters.parent_device_id) */
  selfReferences: string[];
  /** the columns declared NOT NULL */
  notNull: string[];
}

/** A row of `data_migration_progress`. */
export type ProgressRow = DataMigrationProgressTable;

/** `"name"`, an identifier quoted for either engine. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The keyset pages of one table on one connection. */
class KeysetReader {
  private readonly first: SqlStatement;
  private readonly next: SqlStatement;

  constructor(conn: SqlConnection, table: string, columns: readonly string[], key: readonly string[], limit: number) {
    const cols = columns.map(quoteIdent).join(', ');
    const order = key.map(quoteIdent).join(', ');
    const from = `SELECT ${cols} FROM ${quoteIdent(table)}`;
    this.first = conn.prepare(`${from} ORDER BY ${order} LIMIT ${limit}`);
    this.next = conn.prepare(
      `${from} WHERE (${order}) > (${key.map(() => '?').join(', ')}) ORDER BY ${order} LIMIT ${limit}`,
    );
  }

  /** The rows after `after` (a primary key; null: from the start), as arrays in column order. */
  page(after: readonly CellValue[] | null): CellValue[][] {
    const rows = (after === null ? this.first.all() : this.next.all(...after)) as Array<Record<string, CellValue>>;
    return rows.map((r) => Object.values(r));
  }
}

/** The source: an embedded SQLite database (read-only). */
export class SourceDataRepository {
  constructor(private readonly db: SqlConnection) {}

  /** The names of the migrations applied to the source. */
  migrations(): string[] {
    return this.db.prepare(`SELECT name FROM kysely_migration ORDER BY name`).pluck().all() as string[];
  }

  /** Its tables (not SQLite's own), each with its columns, key and references. */
  tables(): SourceTable[] {
    const names = this.db
      .prepare(
        `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`,
      )
      .pluck()
      .all() as string[];
    const info = this.db.prepare(`SELECT name, pk, "notnull" AS nn FROM pragma_table_info(?) ORDER BY cid`);
    const fks = this.db.prepare(`SELECT "table" AS parent, "from" AS col FROM pragma_foreign_key_list(?)`);
    return names.map((name) => {
      const cols = info.all(name) as Array<{ name: string; pk: number; nn: number }>;
      const refs = fks.all(name) as Array<{ parent: string; col: string }>;
      return {
        name,
        columns: cols.map((c) => c.name),
        key: cols
          .filter((c) => c.pk > 0)
          .sort((a, b) => a.pk - b.pk)
          .map((c) => c.name),
        parents: [...new Set(refs.filter((r) => r.parent !== name).map((r) => r.parent))].sort(),
        selfReferences: refs.filter((r) => r.parent === name).map((r) => r.col),
        notNull: cols.filter((c) => c.nn === 1).map((c) => c.name),
      };
    });
  }

  /** Rows of `table`. */
  count(table: string): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM ${quoteIdent(table)}`).get() as { n: number }).n;
  }

  /** AUTOINCREMENT high-water marks (`sqlite_sequence`): ids SQLite will never hand out again. */
  sequences(): Map<string, number> {
    const has = this.db.prepare(`SELECT COUNT(*) AS n FROM sqlite_schema WHERE name = 'sqlite_sequence'`).get() as {
      n: number;
    };
    if (has.n === 0) return new Map();
    const rows = this.db.prepare(`SELECT name, seq FROM sqlite_sequence`).all() as Array<{ name: string; seq: number }>;
    return new Map(rows.map((r) => [r.name, r.seq]));
  }

  /** A keyset reader of `limit` rows a page. */
  reader(t: Pick<SourceTable, 'name' | 'columns' | 'key'>, limit: number): KeysetReader {
    return new KeysetReader(this.db, t.name, t.columns, t.key, limit);
  }

  /** Open one read transaction: every later read sees the database as it is now (WAL snapshot). */
  beginSnapshot(): void {
    this.db.exec('BEGIN');
    // a read transaction starts at its first read
    this.db.prepare('SELECT COUNT(*) FROM sqlite_schema').get();
  }

  endSnapshot(): void {
    if (this.db.inTransaction) this.db.exec('COMMIT');
  }
}

/** The target: PostgreSQL, migrated, with the copy's progress. */
export class TargetDataRepository {
  private readonly inserts = new Map<string, SqlStatement>();

  constructor(private readonly db: SqlConnection) {}

  /** The target's columns of `table` (empty when it has no such table). */
  columns(table: string): string[] {
    return this.db
      .prepare(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position`,
      )
      .pluck()
      .all(table) as string[];
  }

  count(table: string): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM ${quoteIdent(table)}`).get() as { n: number }).n;
  }

  /** Delete every row of `table` (the rows a migration seeded into a new database). */
  clear(table: string): void {
    this.db.prepare(`DELETE FROM ${quoteIdent(table)}`).run();
  }

  /** Insert `rows` (arrays in `columns` order) into `table`, ids as given. */
  insert(table: string, columns: readonly string[], rows: readonly CellValue[][]): void {
    if (rows.length === 0) return;
    const text = `INSERT INTO ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) VALUES ${rows
      .map(() => `(${columns.map(() => '?').join(', ')})`)
      .join(', ')}`;
    // two texts a table at most (full chunks, then the last): prepared once each
    let s = this.inserts.get(text);
    if (!s) this.inserts.set(text, (s = this.db.prepare(text)));
    s.run(...rows.flat());
  }

  /** Set `column` of the row keyed `key` (`keyColumns` order) to `value`. */
  setColumn(
    table: string,
    column: string,
    value: CellValue,
    keyColumns: readonly string[],
    key: readonly CellValue[],
  ): void {
    this.db
      .prepare(
        `UPDATE ${quoteIdent(table)} SET ${quoteIdent(column)} = ? WHERE ${keyColumns.map((k) => `${quoteIdent(k)} = ?`).join(' AND ')}`,
      )
      .run(value, ...key);
  }

  /** A keyset reader of `limit` rows a page (the verification reads the target back). */
  reader(t: Pick<SourceTable, 'name' | 'columns' | 'key'>, limit: number): KeysetReader {
    return new KeysetReader(this.db, t.name, t.columns, t.key, limit);
  }

  /**
   * Move `table`'s identity sequence past `atLeast` and past its largest `column`, so the next
   * id the server takes is new. No-op for a column without a sequence.
   */
  advanceIdentity(table: string, column: string, atLeast: number): void {
    const seq = (this.db.prepare(`SELECT pg_get_serial_sequence(?, ?) AS s`).get(table, column) as { s: string | null })
      .s;
    if (!seq) return;
    const max = (
      this.db.prepare(`SELECT COALESCE(MAX(${quoteIdent(column)}), 0) AS m FROM ${quoteIdent(table)}`).get() as {
        m: number;
      }
    ).m;
    const to = Math.max(max, atLeast);
    // setval(…, n, false) makes n the next value; with true, n + 1 (n ≥ 1)
    if (to >= 1) this.db.prepare(`SELECT setval(?, ?, true)`).get(seq, to);
  }

  /** The copy's progress, in copy order (empty: no copy began here). */
  progress(): ProgressRow[] {
    return this.db.prepare(`SELECT * FROM data_migration_progress ORDER BY position`).all() as ProgressRow[];
  }

  /** Record a table the copy will fill. */
  addProgress(p: ProgressRow): void {
    this.db
      .prepare(
        `INSERT INTO data_migration_progress (table_name, source, position, phase, source_rows, rows_copied, last_key, started_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        p.table_name,
        p.source,
        p.position,
        p.phase,
        p.source_rows,
        p.rows_copied,
        p.last_key,
        p.started_at,
        p.updated_at,
      );
  }

  /** Advance a table's progress (in the transaction of the chunk it records). */
  saveProgress(
    table: string,
    phase: ProgressRow['phase'],
    rowsCopied: number,
    lastKey: string | null,
    at: string,
  ): void {
    this.db
      .prepare(
        `UPDATE data_migration_progress SET phase = ?, rows_copied = ?, last_key = ?, updated_at = ? WHERE table_name = ?`,
      )
      .run(phase, rowsCopied, lastKey, at, table);
  }

  /** Run `fn` in one transaction (a chunk and its progress commit together). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn);
  }
}
