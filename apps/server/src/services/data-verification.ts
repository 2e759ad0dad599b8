/**
 * The verification of `pantau migrate-data` (services/data-migration.ts): per table, the row
 * counts of both sides and a checksum of their rows, each side read back through its own driver
 * (better-sqlite3, libpq): the sum modulo 2^128 of each row's SHA-256 over its values in a
 * canonical form ({@link canonicalRow}), which does not depend on the order the engines return
 * rows in (their text collations differ).
 */
import { createHash } from 'node:crypto';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import {
  MAX_PARAMETERS,
  type CellValue,
  type SourceDataRepository,
  type SourceTable,
  type TargetDataRepository,
} from '../repositories/data-copy-repository.js';

/** What {@link migrateData} is told along the way. */
export interface DataMigrationProgress {
  stage: 'copy' | 'verify';
  /** rows copied (or verified) so far, of `total` */
  done: number;
  total: number;
  table: string;
}

/** One table's outcome. */
export interface TableResult {
  table: string;
  source_rows: number;
  target_rows: number;
  /** 32 hex digits (see the module's docstring) */
  source_checksum: string;
  target_checksum: string;
  /** rows this run copied (0 for a table a previous run finished) */
  copied_now: number;
  match: boolean;
}

/**
 * A row's values in one text, the same whichever engine returned them: integers (numbers or
 * bigints) in decimal, other numbers as JavaScript's shortest round-trip form (PostgreSQL 12+
 * prints float8 the same way), text as is, bytes in hex, each tagged with its kind.
 */
export function canonicalRow(values: readonly CellValue[]): string {
  return JSON.stringify(
    values.map((v) => {
      if (v === null) return 'n';
      if (typeof v === 'bigint') return `i${v}`;
      if (typeof v === 'number') return Number.isInteger(v) ? `i${v}` : `r${v}`;
      if (Buffer.isBuffer(v)) return `b${v.toString('hex')}`;
      return `s${v}`;
    }),
  );
}

const MOD_128 = (1n << 128n) - 1n;

/** An order-independent checksum of rows: add each row's hash in. */
class RowChecksum {
  private sum = 0n;
  rows = 0;
  add(values: readonly CellValue[]): void {
    const h = createHash('sha256').update(canonicalRow(values)).digest();
    this.sum = (this.sum + h.readBigUInt64BE(0) * (1n << 64n) + h.readBigUInt64BE(8)) & MOD_128;
    this.rows++;
  }
  get hex(): string {
    return this.sum.toString(16).padStart(32, '0');
  }
}

/**
 * Counts and checksums of every table on both sides.
 * @param copiedNow rows this run copied per table (reported beside the figures)
 */
export async function verifyCopy(
  o: {
    source: SourceDataRepository;
    target: TargetDataRepository;
    onProgress?: ((p: DataMigrationProgress) => void) | undefined;
  },
  tables: SourceTable[],
  copiedNow: Map<string, number>,
): Promise<TableResult[]> {
  const total = tables.reduce((n, t) => n + o.source.count(t.name), 0);
  let done = 0;
  const out: TableResult[] = [];
  for (const t of tables) {
    const limit = Math.max(1, Math.floor(MAX_PARAMETERS / t.columns.length / 10));
    const sum = async (reader: { page(after: CellValue[] | null): CellValue[][] }, counts: boolean) => {
      const c = new RowChecksum();
      const keyAt = t.key.map((k) => t.columns.indexOf(k));
      let last: CellValue[] | null = null;
      for (;;) {
        const page = reader.page(last);
        for (const r of page) c.add(r);
        if (counts) {
          done += page.length;
          o.onProgress?.({ stage: 'verify', done: Math.min(done, total), total, table: t.name });
        }
        if (page.length < limit) return c;
        last = keyAt.map((i) => page[page.length - 1]![i]!);
        await yieldToLoop();
      }
    };
    const s = await sum(o.source.reader(t, limit), true);
    const d = await sum(o.target.reader(t, limit), false);
    const sourceRows = o.source.count(t.name);
    const targetRows = o.target.count(t.name);
    out.push({
      table: t.name,
      source_rows: sourceRows,
      target_rows: targetRows,
      source_checksum: s.hex,
      target_checksum: d.hex,
      copied_now: copiedNow.get(t.name) ?? 0,
      match: sourceRows === targetRows && s.rows === sourceRows && d.rows === targetRows && s.hex === d.hex,
    });
  }
  return out;
}
