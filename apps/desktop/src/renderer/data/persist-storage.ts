/**
 * Where the console's local cache lives (DESIGN D9), behind one interface: in Electron the main
 * process's SQLite file through the preload bridge (`main/local-cache.ts`), in a browser
 * IndexedDB (idb-keyval, database `pantau-cache`), in tests memory. Values are JSON text;
 * events are event-log rows kept newest first.
 */
import { clear as idbClear, createStore, del, get, set, type UseStore } from 'idb-keyval';
import type { EventLog } from '@pantau/shared';
import type { CachedEvent, PantauBridge } from '../../common/ipc-channels.js';

/** Events the cache keeps: the feed's first screenful many times over, and the last per camera. */
export const CACHED_EVENTS = 200;

/** One local cache backend. Every method may reject (storage full, IndexedDB blocked); callers treat the cache as optional. */
export interface CacheStorage {
  getItem(key: string): Promise<string | null>;
  setItem(key: string, value: string): Promise<void>;
  removeItem(key: string): Promise<void>;
  /** Forgets everything. */
  clear(): Promise<void>;
  /** Adds or replaces rows by id, keeping the newest {@link CACHED_EVENTS}. */
  putEvents(rows: readonly EventLog[]): Promise<void>;
  /** At most `limit` rows, newest first. */
  recentEvents(limit: number): Promise<EventLog[]>;
}

/** Merges rows by id, newest first, at most `cap` (pure; used by the non-SQLite backends). */
export function mergeEvents(existing: readonly EventLog[], incoming: readonly EventLog[], cap = CACHED_EVENTS): EventLog[] {
  const byId = new Map<number, EventLog>();
  for (const row of existing) byId.set(row.id, row);
  for (const row of incoming) byId.set(row.id, row);
  return [...byId.values()].sort((a, b) => b.id - a.id).slice(0, cap);
}

/** The cache in the main process's SQLite file (Electron). */
export function bridgeCacheStorage(bridge: PantauBridge): CacheStorage {
  return {
    getItem: (key) => bridge.cacheGet(key),
    setItem: async (key, value) => void (await bridge.cacheSet(key, value)),
    removeItem: async (key) => void (await bridge.cacheRemove(key)),
    clear: async () => void (await bridge.cacheClear()),
    // Event-log rows are plain JSON objects with an id: exactly what the cache table takes.
    putEvents: async (rows) => void (await bridge.cachePutEvents(rows.slice(0, CACHED_EVENTS) as unknown as CachedEvent[])),
    recentEvents: async (limit) => (await bridge.cacheRecentEvents(limit)) as unknown as EventLog[],
  };
}

const EVENTS_KEY = 'events';

/** A key-value cache with events kept as one merged list under `events`. */
function keyValueCacheStorage(kv: {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
  clear(): Promise<void>;
}): CacheStorage {
  // One write at a time, so two quick putEvents never lose each other's rows.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T,>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => undefined);
    return next;
  };
  const events = async () => {
    const stored = await kv.get(EVENTS_KEY);
    return Array.isArray(stored) ? (stored as EventLog[]) : [];
  };
  return {
    getItem: async (key) => {
      const v = await kv.get(`kv:${key}`);
      return typeof v === 'string' ? v : null;
    },
    setItem: (key, value) => serial(() => kv.set(`kv:${key}`, value)),
    removeItem: (key) => serial(() => kv.del(`kv:${key}`)),
    clear: () => serial(() => kv.clear()),
    putEvents: (rows) => serial(async () => kv.set(EVENTS_KEY, mergeEvents(await events(), rows))),
    recentEvents: async (limit) => (await events()).slice(0, limit),
  };
}

/** The cache in IndexedDB (browser console): database `pantau-cache`, store `kv`. */
export function indexedDbCacheStorage(store: UseStore = createStore('pantau-cache', 'kv')): CacheStorage {
  return keyValueCacheStorage({
    get: (key) => get(key, store),
    set: (key, value) => set(key, value, store),
    del: (key) => del(key, store),
    clear: () => idbClear(store),
  });
}

/** A cache in memory (tests; and the fallback when IndexedDB is unavailable). `data` is what is stored. */
export function memoryCacheStorage(data = new Map<string, unknown>()): CacheStorage & { data: Map<string, unknown> } {
  const storage = keyValueCacheStorage({
    get: (key) => Promise.resolve(data.get(key)),
    set: (key, value) => Promise.resolve(void data.set(key, value)),
    del: (key) => Promise.resolve(void data.delete(key)),
    clear: () => Promise.resolve(data.clear()),
  });
  return Object.assign(storage, { data });
}
