/**
 * Wires the local cache into the running console: picks the backend (Electron's SQLite file
 * through the bridge, IndexedDB in a browser), restores the signed-in user's snapshot before the
 * console shows (bounded by {@link RESTORE_TIMEOUT_MS}), marks it stale until the server
 * answers, and keeps the cache current while signed in.
 */
import { useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { getBridge } from '../lib/bridge.js';
import { currentWallParams } from '../lib/wall-url.js';
import { useConnectionStore } from '../stores/connection-store.js';
import { useSessionStore } from '../stores/session-store.js';
import { bridgeCacheStorage, indexedDbCacheStorage, memoryCacheStorage, type CacheStorage } from './persist-storage.js';
import { rememberSession, restoreConsoleCache, startPersisting } from './persist.js';

/** Longest the console waits for the cache before showing without it, ms. */
export const RESTORE_TIMEOUT_MS = 1500;

let storage: CacheStorage | null = null;

/** The console's cache backend (one per page). */
export function consoleCacheStorage(): CacheStorage {
  if (storage) return storage;
  const bridge = getBridge();
  if (bridge) storage = bridgeCacheStorage(bridge);
  else if (typeof indexedDB !== 'undefined') storage = indexedDbCacheStorage();
  else storage = memoryCacheStorage();
  return storage;
}

/**
 * While `signedIn`: restores the cache once per user and server, then persists. Returns true
 * once the console may show (restored, nothing to restore, or the restore took too long).
 */
export function useConsoleCache(signedIn: boolean): boolean {
  const queryClient = useQueryClient();
  const userId = useSessionStore((s) => s.user?.id ?? null);
  const serverUrl = useSessionStore((s) => s.serverUrl);
  const [restoredFor, setRestoredFor] = useState<string | null>(null);
  const key = signedIn && userId !== null ? `${serverUrl}|${userId}` : null;

  useEffect(() => {
    if (key === null || userId === null) return;
    const cache = consoleCacheStorage();
    const identity = { serverUrl, userId };
    const wallId = currentWallParams().wallId;
    let stop: (() => void) | null = null;
    let cancelled = false;
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, RESTORE_TIMEOUT_MS));
    const restore = restoreConsoleCache(cache, queryClient, identity, wallId)
      .then((result) => {
        if (!cancelled && result.savedAt !== null && useConnectionStore.getState().status !== 'connected') {
          useConnectionStore.getState().markStale(result.savedAt);
        }
      })
      .catch(() => undefined);
    void Promise.race([restore, timeout]).then(() => {
      if (cancelled) return;
      setRestoredFor(key);
      stop = startPersisting(cache, queryClient, identity, wallId);
    });
    const user = useSessionStore.getState().user;
    if (user) rememberSession(cache, serverUrl, user).catch(() => undefined);
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [key, serverUrl, userId, queryClient]);

  // Signed in without a known user (server away, no remembered session): nothing to restore.
  return !signedIn || userId === null || restoredFor === key;
}
