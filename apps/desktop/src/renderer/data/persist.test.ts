import { afterEach, describe, expect, it } from 'vitest';
import { QueryClient } from '@tanstack/react-query';
import type { EventLog, Layout, User } from '@pantau/shared';
import { detectionEvent } from '../realtime/fake-websocket.js';
import { useEventsStore } from '../stores/events-store.js';
import { useWallStore } from '../stores/wall-store.js';
import { isStale, useConnectionStore } from '../stores/connection-store.js';
import { CACHED_EVENTS, mergeEvents, memoryCacheStorage } from './persist-storage.js';
import { CACHE_MAX_AGE_MS, clearConsoleCache, rememberedUser, rememberSession, restoreConsoleCache, startPersisting, wallLayoutKey } from './persist.js';

const SERVER = 'http://127.0.0.1:8080';
const me = { serverUrl: SERVER, userId: 1 };
const tree = [{ id: 1, group_name: 'DKI Jakarta', branches: [{ id: 2, branch_name: 'Jakarta Pusat', cameras: [{ device_id: 'CAM-1', device_name: 'Lobby' }] }] }];
const layout = { id: 7, layout_name: 'Lobby wall', layout_type: '4', positions: [{ position_number: 1, position_name: 'Lobby', device_id: 'CAM-1' }] } as unknown as Layout;
const row = (id: number, device = 'cam-1') => detectionEvent(id, id, { device_id: device }).data as EventLog;
const user = { id: 1, email: 'op@pantau.local', name: 'Operator', role: 'operator' } as unknown as User;
const settle = () => new Promise((r) => setTimeout(r, 5));

afterEach(() => {
  useEventsStore.getState().reset();
  useWallStore.getState().reset();
  useConnectionStore.setState({ status: 'connecting', dataAsOf: null });
});

/** A signed-in console that loaded its data, persisting into `storage`, then closed. */
async function runConsole(storage = memoryCacheStorage()) {
  const client = new QueryClient();
  const stop = startPersisting(storage, client, me, null, 0);
  client.setQueryData(['camera-tree'], tree);
  client.setQueryData(['layouts'], [layout]);
  client.setQueryData(['me'], { id: 1, secret: 'not for the cache' });
  client.setQueryData(['users', 'page', {}], { rows: [{ email: 'admin@x' }] });
  useWallStore.getState().setLayout(layout);
  useEventsStore.getState().addRows([row(1), row(2, 'cam-2')], true);
  await settle();
  stop();
  useEventsStore.getState().reset();
  useWallStore.getState().reset();
  return storage;
}

describe('local cache: cold start', () => {
  it('a fresh console gets the tree, layouts, wall layout and events back before any request', async () => {
    const storage = await runConsole();
    const client = new QueryClient();
    const result = await restoreConsoleCache(storage, client, me, null);
    expect(result).toMatchObject({ queries: 2, layout: true, events: 2 });
    expect(result.savedAt).toBeGreaterThan(Date.now() - 5000);
    expect(client.getQueryData(['camera-tree'])).toEqual(tree);
    expect(client.getQueryData(['layouts'])).toEqual([layout]);
    expect(useWallStore.getState().layout?.layout_name).toBe('Lobby wall');
    expect(useEventsStore.getState().rows.map((r) => r.id)).toEqual([2, 1]);
    // Seeded rows are history, not news.
    expect(useEventsStore.getState().received).toBe(0);
    expect(useWallStore.getState().detections['cam-2']?.eventId).toBe(2);
  });

  it('keeps only what the wall needs: no user record, no admin lists', async () => {
    const storage = await runConsole();
    const text = JSON.stringify([...storage.data.values()]);
    expect(text).not.toContain('not for the cache');
    expect(text).not.toContain('admin@x');
    const client = new QueryClient();
    await restoreConsoleCache(storage, client, me, null);
    expect(client.getQueryData(['me'])).toBeUndefined();
  });

  it("another user's or another server's cache is discarded, and cleared", async () => {
    const storage = await runConsole();
    const client = new QueryClient();
    const result = await restoreConsoleCache(storage, client, { serverUrl: SERVER, userId: 2 }, null);
    expect(result).toEqual({ savedAt: null, queries: 0, layout: false, events: 0 });
    expect(client.getQueryData(['camera-tree'])).toBeUndefined();
    expect(useWallStore.getState().layout).toBeNull();
    expect(storage.data.size).toBe(0);
  });

  it('a snapshot older than the maximum age is not restored', async () => {
    const storage = await runConsole();
    const client = new QueryClient();
    const result = await restoreConsoleCache(storage, client, me, null, Date.now() + CACHE_MAX_AGE_MS + 60_000);
    expect(result.queries).toBe(0);
    expect(client.getQueryData(['camera-tree'])).toBeUndefined();
  });

  it('each wall window keeps its own layout', async () => {
    const storage = memoryCacheStorage();
    const client = new QueryClient();
    const stop = startPersisting(storage, client, me, '2528732444', 0);
    client.setQueryData(['camera-tree'], tree);
    useWallStore.getState().setLayout(layout);
    await settle();
    stop();
    expect(await storage.getItem(wallLayoutKey('2528732444'))).toContain('Lobby wall');
    expect(await storage.getItem(wallLayoutKey(null))).toBeNull();
  });

  it('sign-out clears everything and stops writing', async () => {
    const storage = memoryCacheStorage();
    const client = new QueryClient();
    startPersisting(storage, client, me, null, 20);
    client.setQueryData(['camera-tree'], tree);
    await clearConsoleCache(storage);
    await new Promise((r) => setTimeout(r, 40));
    expect(storage.data.size).toBe(0);
  });

  it('remembers the signed-in user per server, for an offline start', async () => {
    const storage = memoryCacheStorage();
    await rememberSession(storage, SERVER, user);
    expect(await rememberedUser(storage, SERVER)).toEqual(user);
    expect(await rememberedUser(storage, 'http://10.0.0.9:8080')).toBeNull();
    await storage.setItem('session', 'not json');
    expect(await rememberedUser(storage, SERVER)).toBeNull();
  });
});

describe('local cache: events', () => {
  it('keeps the newest 200 by id, each once', async () => {
    const storage = memoryCacheStorage();
    await storage.putEvents(Array.from({ length: 150 }, (_, i) => row(i + 1)));
    await Promise.all([storage.putEvents(Array.from({ length: 100 }, (_, i) => row(i + 101))), storage.putEvents([row(250)])]);
    const rows = await storage.recentEvents(1000);
    expect(rows).toHaveLength(CACHED_EVENTS);
    expect(rows[0]?.id).toBe(250);
    expect(new Set(rows.map((r) => r.id)).size).toBe(CACHED_EVENTS);
    expect(mergeEvents([row(1)], [{ ...row(1), re_id: 'P-new' }])).toEqual([{ ...row(1), re_id: 'P-new' }]);
  });
});

describe('stale marker', () => {
  it('marks the data stale from the moment the connection is lost, and not while connected', () => {
    useConnectionStore.setState({ status: 'connected', dataAsOf: null });
    expect(isStale(useConnectionStore.getState())).toBe(false);
    const before = Date.now();
    useConnectionStore.setState({ status: 'reconnecting' });
    expect(useConnectionStore.getState().dataAsOf).toBeGreaterThanOrEqual(before);
    expect(isStale(useConnectionStore.getState())).toBe(true);
    useConnectionStore.setState({ status: 'connected' });
    expect(isStale(useConnectionStore.getState())).toBe(false);
  });

  it('a cold start from cache is stale as of the snapshot; an older time never replaces a newer one', () => {
    useConnectionStore.setState({ status: 'connecting', dataAsOf: null });
    useConnectionStore.getState().markStale(1_000);
    useConnectionStore.getState().markStale(500);
    expect(useConnectionStore.getState().dataAsOf).toBe(1_000);
    expect(isStale(useConnectionStore.getState())).toBe(true);
  });
});
