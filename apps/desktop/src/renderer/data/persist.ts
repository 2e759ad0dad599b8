/**
 * The console's local cache (DESIGN D9): what the wall needs to appear at once, before the
 * network answers, and to keep showing the last known state while the server is away.
 *
 * Kept: the TanStack queries under {@link PERSISTED_ROOTS} (camera tree, layouts), the layout
 * each wall window shows (`wall.layout.<wall id>`), the last {@link CACHED_EVENTS} events, and
 * the signed-in user's public record per server (so a remembered session opens offline).
 * Never kept: tokens, passwords, anything from the admin screens.
 *
 * Every persisted snapshot carries a buster (`v<format>|<server>|<user id>`): a snapshot of
 * another user or server is discarded, and {@link clearConsoleCache} forgets everything at
 * sign-out. Writes are throttled (one per {@link PERSIST_THROTTLE_MS}) off the UI's path.
 */
import { dehydrate, hydrate, type DehydratedState, type Query, type QueryClient } from '@tanstack/react-query';
import type { Layout, User } from '@pantau/shared';
import { useEventsStore } from '../stores/events-store.js';
import { useWallStore } from '../stores/wall-store.js';
import { CACHED_EVENTS, type CacheStorage } from './persist-storage.js';

/** Query roots (first key element) worth keeping for the wall. */
export const PERSISTED_ROOTS: readonly string[] = ['camera-tree', 'layouts'];
/** Bumped when the stored shape changes: older snapshots are then discarded. */
export const CACHE_FORMAT = 1;
/** Oldest snapshot restored, ms (a week: a wall that was off over a long weekend still comes back). */
export const CACHE_MAX_AGE_MS = 7 * 24 * 3600_000;
/** Least time between two writes of the same part, ms. */
export const PERSIST_THROTTLE_MS = 1000;

/** Whose cache it is. */
export interface CacheIdentity {
  serverUrl: string;
  userId: number;
}

const QUERIES_KEY = 'queries';
const SESSION_KEY = 'session';
/** Key of the layout a wall window shows (`main` for the console window). */
export const wallLayoutKey = (wallId: string | null): string => `wall.layout.${wallId ?? 'main'}`;

/** The buster of an identity's snapshots. */
export function cacheBuster(id: CacheIdentity): string {
  return `v${CACHE_FORMAT}|${id.serverUrl}|${id.userId}`;
}

interface PersistedQueries {
  buster: string;
  /** When written, ms since the epoch. */
  timestamp: number;
  state: DehydratedState;
}

interface PersistedLayout {
  buster: string;
  layout: Layout;
}

interface RememberedSession {
  format: number;
  serverUrl: string;
  user: User;
}

function parse<T>(text: string | null): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

/** True for a successful query under one of {@link PERSISTED_ROOTS}. */
export function isPersistedQuery(query: Pick<Query, 'queryKey' | 'state'>): boolean {
  return query.state.status === 'success' && PERSISTED_ROOTS.includes(String(query.queryKey[0]));
}

/** Remembers who is signed in to `serverUrl` (public fields of the user only). */
export async function rememberSession(storage: CacheStorage, serverUrl: string, user: User): Promise<void> {
  const record: RememberedSession = { format: CACHE_FORMAT, serverUrl, user };
  await storage.setItem(SESSION_KEY, JSON.stringify(record));
}

/** The user last signed in to `serverUrl` on this workstation, or null. */
export async function rememberedUser(storage: CacheStorage, serverUrl: string): Promise<User | null> {
  const record = parse<RememberedSession>(await storage.getItem(SESSION_KEY));
  return record && record.format === CACHE_FORMAT && record.serverUrl === serverUrl ? record.user : null;
}

/** What a restore found. */
export interface RestoreResult {
  /** When the restored queries were saved (ms since the epoch), or null when nothing was restored. */
  savedAt: number | null;
  queries: number;
  layout: boolean;
  events: number;
}

/**
 * Restores the identity's snapshot: hydrates the queries, puts the wall's cached layout on the
 * wall (unless one is already shown) and seeds the feed and the tiles' last detections from the
 * cached events. A snapshot of another identity, an older format or older than
 * {@link CACHE_MAX_AGE_MS} is discarded (and the whole cache cleared when the identity differs).
 */
export async function restoreConsoleCache(storage: CacheStorage, queryClient: QueryClient, identity: CacheIdentity, wallId: string | null, now = Date.now()): Promise<RestoreResult> {
  const buster = cacheBuster(identity);
  const result: RestoreResult = { savedAt: null, queries: 0, layout: false, events: 0 };
  const persisted = parse<PersistedQueries>(await storage.getItem(QUERIES_KEY));
  if (persisted && persisted.buster !== buster) {
    await storage.clear();
    return result;
  }
  if (persisted && now - persisted.timestamp <= CACHE_MAX_AGE_MS) {
    hydrate(queryClient, persisted.state);
    result.savedAt = persisted.timestamp;
    result.queries = persisted.state.queries.length;
  }
  const cachedLayout = parse<PersistedLayout>(await storage.getItem(wallLayoutKey(wallId)));
  if (cachedLayout?.buster === buster && useWallStore.getState().layout === null) {
    useWallStore.getState().setLayout(cachedLayout.layout);
    result.layout = true;
  }
  const rows = await storage.recentEvents(CACHED_EVENTS);
  if (rows.length > 0 && persisted) {
    result.events = useEventsStore.getState().addRows(rows, false);
    useWallStore.getState().noteDetections(rows);
  }
  return result;
}

const running = new Set<() => void>();

/**
 * Keeps the cache up to date while the console runs: persisted queries when one of them
 * changes, the wall's layout when it changes, the newest events when the feed changes; each
 * part at most once per `throttleMs`. Returns `stop()` (pending writes are dropped).
 */
export function startPersisting(storage: CacheStorage, queryClient: QueryClient, identity: CacheIdentity, wallId: string | null, throttleMs = PERSIST_THROTTLE_MS): () => void {
  const buster = cacheBuster(identity);
  const dirty = new Set<'queries' | 'layout' | 'events'>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;

  const write = async () => {
    timer = null;
    const parts = [...dirty];
    dirty.clear();
    const jobs: Array<Promise<void>> = [];
    for (const part of parts) {
      if (part === 'queries') {
        const state = dehydrate(queryClient, { shouldDehydrateQuery: isPersistedQuery });
        const value: PersistedQueries = { buster, timestamp: Date.now(), state };
        jobs.push(storage.setItem(QUERIES_KEY, JSON.stringify(value)));
      } else if (part === 'layout') {
        const layout = useWallStore.getState().layout;
        if (layout) jobs.push(storage.setItem(wallLayoutKey(wallId), JSON.stringify({ buster, layout } satisfies PersistedLayout)));
      } else {
        jobs.push(storage.putEvents(useEventsStore.getState().rows.slice(0, CACHED_EVENTS)));
      }
    }
    // The cache is a convenience: a failed write (quota, blocked database) must not disturb the wall.
    await Promise.allSettled(jobs);
  };
  const mark = (part: 'queries' | 'layout' | 'events') => {
    if (stopped) return;
    dirty.add(part);
    timer ??= setTimeout(() => void write(), throttleMs);
  };

  const unsubscribeQueries = queryClient.getQueryCache().subscribe((event) => {
    if (event.type === 'updated' && event.action.type === 'success' && isPersistedQuery(event.query)) mark('queries');
    else if (event.type === 'removed' && PERSISTED_ROOTS.includes(String(event.query.queryKey[0]))) mark('queries');
  });
  const unsubscribeWall = useWallStore.subscribe((s, prev) => {
    if (s.layout !== prev.layout && s.layout !== null) mark('layout');
  });
  const unsubscribeEvents = useEventsStore.subscribe((s, prev) => {
    if (s.rows !== prev.rows && s.rows.length > 0) mark('events');
  });
  // Whatever is already loaded when persistence starts is worth keeping too.
  if (queryClient.getQueryCache().getAll().some(isPersistedQuery)) mark('queries');
  if (useWallStore.getState().layout) mark('layout');

  const stop = () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    timer = null;
    unsubscribeQueries();
    unsubscribeWall();
    unsubscribeEvents();
    running.delete(stop);
  };
  running.add(stop);
  return stop;
}

/** Stops every running persister and forgets everything cached (sign-out, another user). */
export async function clearConsoleCache(storage: CacheStorage): Promise<void> {
  for (const stop of [...running]) stop();
  await storage.clear();
}
