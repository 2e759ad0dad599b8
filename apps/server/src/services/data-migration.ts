/**
 * `pantau migrate-data`: copy an embedded SQLite database into PostgreSQL (scale mode, S14), so
 * a site that outgrows one process keeps its history, users, credentials and settings.
 *
 * How:
 * 1. Refuse a source that is not at this version's latest migration (the two engines must hold
 *    the same tables), or that a server still writes to (a heartbeat in `server_processes`
 *    younger than 10 s from a process that runs), and a target a server uses.
 * 2. The target is migrated by the caller; a new copy needs it empty (but for the rows a
 *    migration seeds, {@link SEEDED_TABLES}, which the copy replaces), and records one progress
 *    row per table (`data_migration_progress`, migration 022).
 * 3. Tables in foreign-key order (a table after the tables it refers to), each in primary-key
 *    order in chunks of {@link DEFAULT_CHUNK_ROWS}, ids as they are. Each chunk commits with its
 *    table's progress (the last key copied), so a copy stopped anywhere — Ctrl-C, `kill -9`, a
 *    lost connection — goes on from its last commit when run again, copying no row twice. A
 *    column that refers to its own table (a device's parent device) is copied empty and set in
 *    a second pass, as its parent may come later in key order.
 * 4. Each identity sequence is moved past the largest id and past SQLite's AUTOINCREMENT mark
 *    (`sqlite_sequence`: ids of deleted rows are not handed out again).
 * 5. Verify: per table, row counts and an order-independent checksum of both sides, each read
 *    back through its own driver (services/data-verification.ts).
 *
 * The source is read inside one read transaction (a WAL snapshot): the copy sees one moment of
 * it. Only the database is copied: snapshots and `master.key` (which encrypts the stored camera
 * and WhatsApp secrets) stay in the data directory, which the PostgreSQL servers use as theirs.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { PantauError } from '@pantau/shared';
import {
  MAX_PARAMETERS,
  type CellValue,
  type ProgressRow,
  type SourceDataRepository,
  type SourceTable,
  type TargetDataRepository,
} from '../repositories/data-copy-repository.js';
import type { ClusterRepository, ServerProcessRow } from '../repositories/cluster-repository.js';
import { stillRunning } from './cluster-membership.js';
import { verifyCopy, type DataMigrationProgress, type TableResult } from './data-verification.js';

export type { DataMigrationProgress, TableResult };

/** Rows a chunk (one PostgreSQL transaction) copies, at most. */
export const DEFAULT_CHUNK_ROWS = 2000;

/**
 * Tables not copied, and why: the migrator's own (the target has its own migrations), SQLite's
 * job counts (kept by SQLite triggers; PostgreSQL counts the jobs themselves), the registry of
 * running processes (the target's servers register themselves), and this copy's progress.
 */
export const SKIPPED_TABLES: ReadonlySet<string> = new Set([
  'kysely_migration',
  'kysely_migration_lock',
  'job_counts',
  'server_processes',
  'data_migration_progress',
]);

/** Tables a migration fills in a new database (019: the gateway's one settings row): the source's rows replace them. */
export const SEEDED_TABLES: ReadonlySet<string> = new Set(['gateway_settings']);

/** Heartbeats younger than this (ms) mean a server runs (services/cluster-membership.ts: 10 s). */
const SERVER_STALE_MS = 10_000;

/** Settings of {@link migrateData}. */
export interface DataMigrationOptions {
  source: SourceDataRepository;
  target: TargetDataRepository;
  /** the source's and the target's registries of server processes (a running server refuses the copy) */
  sourceProcesses: Pick<ClusterRepository, 'live'>;
  targetProcesses: Pick<ClusterRepository, 'live'>;
  /** names the source in progress rows and messages: `sqlite:<absolute file>` */
  sourceLabel: string;
  /** the migrations this version has, in order (db/database.ts) */
  migrations: readonly string[];
  /** rows per chunk (default {@link DEFAULT_CHUNK_ROWS}) */
  chunkRows?: number;
  onProgress?: (p: DataMigrationProgress) => void;
  now?: () => number;
}

/** What {@link migrateData} did. */
export interface DataMigrationResult {
  source: string;
  /** whether this run went on from an earlier one */
  resumed: boolean;
  tables: TableResult[];
  /** every table's counts and checksums equal */
  verified: boolean;
  rows: number;
  /** wall time, ms */
  ms: number;
}

/** The ids of the registered processes that still run. */
const running = (rows: ServerProcessRow[]) => rows.filter(stillRunning).map((r) => r.id);

/**
 * The tables in copy order: each after the tables it refers to (ties by name).
 * @throws PantauError CONFLICT when foreign keys form a cycle between tables
 */
export function copyOrder(tables: readonly SourceTable[]): SourceTable[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const out: SourceTable[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (t: SourceTable, path: string[]) => {
    const s = state.get(t.name);
    if (s === 'done') return;
    if (s === 'visiting')
      throw new PantauError('CONFLICT', `foreign keys form a cycle: ${[...path, t.name].join(' → ')}`);
    state.set(t.name, 'visiting');
    for (const p of t.parents) {
      const parent = byName.get(p);
      if (parent) visit(parent, [...path, t.name]);
    }
    state.set(t.name, 'done');
    out.push(t);
  };
  for (const t of [...tables].sort((a, b) => a.name.localeCompare(b.name))) visit(t, []);
  return out;
}

/**
 * Copy the source into the target, or go on with a copy begun earlier, then verify it.
 * Async only to let the process breathe between chunks (signals, the progress bar).
 * @throws PantauError VALIDATION_ERROR (field `from`) when the source is behind or ahead of this
 *   version's migrations; CONFLICT when a server runs on either side, when the target holds
 *   data of its own or the progress of a copy from another source, or when the two schemas
 *   differ; the driver's error (with the table) when a row is refused
 */
export async function migrateData(o: DataMigrationOptions): Promise<DataMigrationResult> {
  const started = Date.now();
  const now = o.now ?? Date.now;
  const at = () => new Date(now()).toISOString();
  const { source, target } = o;

  const applied = new Set(source.migrations());
  const missing = o.migrations.filter((m) => !applied.has(m));
  const unknown = [...applied].filter((m) => !o.migrations.includes(m));
  if (unknown.length > 0)
    throw new PantauError(
      'VALIDATION_ERROR',
      `the source was migrated by a newer Pantau (${unknown.join(', ')}): copy it with that version`,
      { field: 'from' },
    );
  if (missing.length > 0)
    throw new PantauError(
      'VALIDATION_ERROR',
      `the source is behind this version (missing ${missing.join(', ')}): run \`pantau migrate --data-dir <its directory>\` first`,
      { field: 'from' },
    );
  const writers = running(o.sourceProcesses.live(now() - SERVER_STALE_MS));
  if (writers.length > 0)
    throw new PantauError('CONFLICT', `a server is running on the source (${writers.join(', ')}): stop it first`, {
      field: 'from',
    });
  const targetServers = running(o.targetProcesses.live(now() - SERVER_STALE_MS));
  if (targetServers.length > 0)
    throw new PantauError(
      'CONFLICT',
      `servers are running on the target (${targetServers.join(', ')}): stop them first`,
      { field: 'to' },
    );

  source.beginSnapshot();
  try {
    const tables = copyOrder(source.tables().filter((t) => !SKIPPED_TABLES.has(t.name)));
    for (const t of tables) checkShape(t, target.columns(t.name));

    let progress = target.progress();
    const resumed = progress.length > 0;
    if (!resumed) progress = begin(o, tables, at());
    else checkResume(o.sourceLabel, tables, progress);

    const byName = new Map(tables.map((t) => [t.name, t]));
    const total = progress.reduce((n, p) => n + p.source_rows, 0);
    let done = progress.reduce((n, p) => n + (p.phase === 'rows' ? p.rows_copied : p.source_rows), 0);
    const copiedNow = new Map<string, number>();
    for (const p of progress) {
      const t = byName.get(p.table_name)!;
      const n = await copyTable(o, t, p, at, (step) => {
        done += step;
        o.onProgress?.({ stage: 'copy', done: Math.min(done, total), total, table: t.name });
      });
      copiedNow.set(t.name, n);
    }
    if (progress.length > 0) o.onProgress?.({ stage: 'copy', done: total, total, table: progress.at(-1)!.table_name });

    const sequences = source.sequences();
    for (const t of tables)
      if (t.key.length === 1) target.advanceIdentity(t.name, t.key[0]!, sequences.get(t.name) ?? 0);

    const results = await verifyCopy(o, tables, copiedNow);
    return {
      source: o.sourceLabel,
      resumed,
      tables: results,
      verified: results.every((r) => r.match),
      rows: results.reduce((n, r) => n + r.source_rows, 0),
      ms: Date.now() - started,
    };
  } finally {
    source.endSnapshot();
  }
}

/** The target must have the source's columns (and no more): the same migrations made both. */
function checkShape(t: SourceTable, targetColumns: string[]): void {
  if (targetColumns.length === 0)
    throw new PantauError('CONFLICT', `the target has no table ${t.name}`, { field: 'to', table: t.name });
  if (t.key.length === 0)
    throw new PantauError('CONFLICT', `table ${t.name} has no primary key to copy it by`, { table: t.name });
  const want = [...t.columns].sort().join(', ');
  const have = [...targetColumns].sort().join(', ');
  if (want !== have)
    throw new PantauError('CONFLICT', `table ${t.name} has columns (${have}) on the target, (${want}) on the source`, {
      field: 'to',
      table: t.name,
    });
  for (const c of t.selfReferences)
    if (t.notNull.includes(c))
      throw new PantauError('CONFLICT', `${t.name}.${c} refers to its own table and cannot be empty: not copyable`, {
        table: t.name,
      });
}

/** A new copy: the target must hold nothing of its own; one progress row per table. */
function begin(o: DataMigrationOptions, tables: SourceTable[], at: string): ProgressRow[] {
  const used = tables
    .filter((t) => !SEEDED_TABLES.has(t.name))
    .map((t) => ({ table: t.name, rows: o.target.count(t.name) }))
    .filter((r) => r.rows > 0);
  if (used.length > 0)
    throw new PantauError(
      'CONFLICT',
      `the target already holds data (${used
        .slice(0, 5)
        .map((u) => `${u.table}: ${u.rows} rows`)
        .join(', ')}${used.length > 5 ? ', …' : ''}): migrate-data copies into a new database`,
      { field: 'to' },
    );
  const rows: ProgressRow[] = tables.map((t, i) => ({
    table_name: t.name,
    source: o.sourceLabel,
    position: i,
    phase: 'rows',
    source_rows: o.source.count(t.name),
    rows_copied: 0,
    last_key: null,
    started_at: at,
    updated_at: at,
  }));
  o.target.transaction(() => {
    for (const t of SEEDED_TABLES) if (tables.some((x) => x.name === t)) o.target.clear(t);
    for (const r of rows) o.target.addProgress(r);
  });
  return rows;
}

/** Going on: the same source, the same tables. */
function checkResume(label: string, tables: SourceTable[], progress: ProgressRow[]): void {
  const other = progress.find((p) => p.source !== label);
  if (other)
    throw new PantauError(
      'CONFLICT',
      `the target holds a copy from ${other.source}, not ${label}: copy that source again, or into a new database`,
      { field: 'to' },
    );
  const want = tables.map((t) => t.name).sort();
  const have = progress.map((p) => p.table_name).sort();
  if (want.join() !== have.join())
    throw new PantauError('CONFLICT', 'the source has other tables than the copy begun on the target', { field: 'to' });
}

/**
 * Copy one table's rows from its progress on, then (self-references) set those columns.
 * @param step told the rows of each committed chunk
 * @returns rows inserted by this call
 */
async function copyTable(
  o: DataMigrationOptions,
  t: SourceTable,
  p: ProgressRow,
  at: () => string,
  step: (rows: number) => void,
): Promise<number> {
  if (p.phase === 'done') return 0;
  const limit = Math.max(1, Math.min(o.chunkRows ?? DEFAULT_CHUNK_ROWS, Math.floor(MAX_PARAMETERS / t.columns.length)));
  const reader = o.source.reader(t, limit);
  const keyAt = t.key.map((k) => t.columns.indexOf(k));
  const selfAt = t.selfReferences.map((c) => t.columns.indexOf(c));
  let phase: ProgressRow['phase'] = p.phase;
  let copied = p.rows_copied;
  let last: CellValue[] | null = p.last_key === null ? null : (JSON.parse(p.last_key) as CellValue[]);
  let inserted = 0;

  while (phase === 'rows') {
    const after = last;
    const page = reader.page(after);
    const rows = selfAt.length === 0 ? page : page.map((r) => r.map((v, i) => (selfAt.includes(i) ? null : v)));
    const end = page.length < limit;
    last = page.length > 0 ? keyAt.map((i) => page[page.length - 1]![i]!) : last;
    copied += page.length;
    const next: ProgressRow['phase'] = !end ? 'rows' : selfAt.length > 0 ? 'links' : 'done';
    try {
      o.target.transaction(() => {
        o.target.insert(t.name, t.columns, rows);
        o.target.saveProgress(t.name, next, copied, next === 'rows' ? JSON.stringify(last) : null, at());
      });
    } catch (err) {
      throw new Error(`copying ${t.name} (the rows after key ${JSON.stringify(after)}): ${(err as Error).message}`, {
        cause: err,
      });
    }
    inserted += page.length;
    step(page.length);
    phase = next;
    if (next !== 'rows') last = null;
    await yieldToLoop();
  }

  while (phase === 'links') {
    const page = reader.page(last);
    const end = page.length < limit;
    last = page.length > 0 ? keyAt.map((i) => page[page.length - 1]![i]!) : last;
    o.target.transaction(() => {
      for (const r of page)
        for (const [j, i] of selfAt.entries())
          if (r[i] !== null)
            o.target.setColumn(
              t.name,
              t.selfReferences[j]!,
              r[i]!,
              t.key,
              keyAt.map((k) => r[k]!),
            );
      o.target.saveProgress(t.name, end ? 'done' : 'links', copied, end ? null : JSON.stringify(last), at());
    });
    phase = end ? 'done' : 'links';
    await yieldToLoop();
  }
  return inserted;
}
