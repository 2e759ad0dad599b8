/**
 * The workstation's local cache (DESIGN D9): a small SQLite file (better-sqlite3) that keeps
 * what the wall needs to come back at once, before the network answers, and while the server
 * is away — the renderer's persisted query data, the wall's layouts, the signed-in user's
 * public record — as key → JSON text, and the last events of the feed in their own table.
 *
 * It is a cache, never a source of truth: a file that cannot be opened (corrupt, or written by
 * another schema version) is deleted and started afresh. Tokens and secrets never go here (the
 * token has its own encrypted store, `token-store.ts`).
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import type { CachedEvent } from '../common/ipc-channels.js';

/** Schema version kept in `PRAGMA user_version`; a file with another version is rebuilt. */
export const CACHE_SCHEMA_VERSION = 1;
/** Events kept by default (the feed shows the newest; the wall's badges need the last per camera). */
export const DEFAULT_MAX_EVENTS = 200;

/** Key-value text plus the last events, newest first. */
export interface LocalCache {
  /** The stored text, or null. */
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
  /** Forgets everything (sign-out, another user). */
  clear(): void;
  /** Adds or replaces events by `id`, then keeps only the newest `maxEvents`. */
  putEvents(rows: readonly CachedEvent[]): void;
  /** At most `limit` events, newest (highest id) first. */
  recentEvents(limit: number): CachedEvent[];
  close(): void;
}

const SCHEMA = `
  CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at INTEGER NOT NULL);
  CREATE TABLE recent_events (id INTEGER PRIMARY KEY, data TEXT NOT NULL);
`;

function openFile(file: string): SQLite.Database {
  const db = new SQLite(file);
  try {
    db.pragma('journal_mode = WAL');
    // A cache may lose its last write in a power cut; it must never slow the UI down.
    db.pragma('synchronous = NORMAL');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version !== CACHE_SCHEMA_VERSION) {
      db.exec('DROP TABLE IF EXISTS kv; DROP TABLE IF EXISTS recent_events;');
      db.exec(SCHEMA);
      db.pragma(`user_version = ${CACHE_SCHEMA_VERSION}`);
    }
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function removeFiles(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
}

/**
 * Opens (creating when needed) the cache file. A file SQLite refuses (`SQLITE_NOTADB`,
 * `SQLITE_CORRUPT`) is deleted and created again, empty.
 * @param file absolute path, e.g. `<userData>/local-cache.sqlite`
 * @param opts.maxEvents events kept (default {@link DEFAULT_MAX_EVENTS})
 * @throws Error when the folder cannot be written
 */
export function openLocalCache(file: string, opts: { maxEvents?: number } = {}): LocalCache {
  const maxEvents = opts.maxEvents ?? DEFAULT_MAX_EVENTS;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let db: SQLite.Database;
  try {
    db = openFile(file);
  } catch {
    removeFiles(file);
    db = openFile(file);
  }
  const getStmt = db.prepare<[string], { value: string }>('SELECT value FROM kv WHERE key = ?');
  const setStmt = db.prepare(
    'INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  );
  const removeStmt = db.prepare('DELETE FROM kv WHERE key = ?');
  const putEventStmt = db.prepare(
    'INSERT INTO recent_events (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data',
  );
  const trimStmt = db.prepare(
    'DELETE FROM recent_events WHERE id NOT IN (SELECT id FROM recent_events ORDER BY id DESC LIMIT ?)',
  );
  const recentStmt = db.prepare<[number], { data: string }>('SELECT data FROM recent_events ORDER BY id DESC LIMIT ?');
  const putEvents = db.transaction((rows: readonly CachedEvent[]) => {
    for (const row of rows) putEventStmt.run(row.id, JSON.stringify(row));
    trimStmt.run(maxEvents);
  });

  return {
    get: (key) => getStmt.get(key)?.value ?? null,
    set: (key, value) => void setStmt.run(key, value, Date.now()),
    remove: (key) => void removeStmt.run(key),
    clear: () => db.exec('DELETE FROM kv; DELETE FROM recent_events;'),
    putEvents: (rows) => {
      if (rows.length > 0) putEvents(rows);
    },
    recentEvents: (limit) => recentStmt.all(limit).map((r) => JSON.parse(r.data) as CachedEvent),
    close: () => db.close(),
  };
}
