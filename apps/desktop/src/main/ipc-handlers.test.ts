import { describe, expect, it } from 'vitest';
import { IPC, IPC_CHANNELS } from '../common/ipc-channels.js';
import { MAX_CACHE_VALUE_LENGTH, registerIpcHandlers } from './ipc-handlers.js';
import { openLocalCache } from './local-cache.js';
import { createSettings } from './settings.js';
import { createTokenStore } from './token-store.js';
import { createWallSyncHub } from './wall-sync.js';
import { createWallWindows } from './wall-windows.js';
import { isConsoleUrl } from './window-options.js';
import { FakeIpcMain, FakeSafeStorage, FakeScreen, FakeWindow, MemoryStore } from './testing/stand-ins.js';

function setup() {
  const ipcMain = new FakeIpcMain();
  const store = new MemoryStore();
  const cache = openLocalCache(':memory:');
  const screen = new FakeScreen([{ id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 } }]);
  const unregister = registerIpcHandlers(ipcMain, {
    settings: createSettings(store),
    tokens: createTokenStore(store, new FakeSafeStorage()),
    cache,
    walls: createWallWindows({
      screen,
      store,
      entryUrl: 'app://console/index.html',
      createWindow: ({ displayId, bounds }) => new FakeWindow(displayId, bounds),
    }),
    sync: createWallSyncHub({ targets: () => [] }),
    isTrustedSender: isConsoleUrl,
  });
  return { ipcMain, store, cache, unregister };
}

describe('IPC handlers', () => {
  it('registers exactly the channels of the contract, and removes them', () => {
    const { ipcMain, unregister } = setup();
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...IPC_CHANNELS].sort());
    unregister();
    expect(ipcMain.handlers.size).toBe(0);
  });

  it('serves valid calls', async () => {
    const { ipcMain } = setup();
    await expect(ipcMain.invoke(IPC.setServerUrl, ['http://10.0.0.5:8080/'])).resolves.toEqual({
      serverUrl: 'http://10.0.0.5:8080',
    });
    await expect(ipcMain.invoke(IPC.getSettings, [])).resolves.toEqual({ serverUrl: 'http://10.0.0.5:8080' });
    await expect(ipcMain.invoke(IPC.saveToken, ['tok-1'])).resolves.toEqual({ persisted: true });
    await expect(ipcMain.invoke(IPC.loadToken, [])).resolves.toBe('tok-1');
    await expect(ipcMain.invoke(IPC.clearToken, [])).resolves.toBeNull();
    await expect(ipcMain.invoke(IPC.loadToken, [])).resolves.toBeNull();
  });

  it('serves the local cache', async () => {
    const { ipcMain } = setup();
    await ipcMain.invoke(IPC.cacheSet, ['queries', '{"a":1}']);
    await expect(ipcMain.invoke(IPC.cacheGet, ['queries'])).resolves.toBe('{"a":1}');
    await ipcMain.invoke(IPC.cachePutEvents, [
      [
        { id: 2, re_id: 'P-2' },
        { id: 5, re_id: 'P-5' },
      ],
    ]);
    await expect(ipcMain.invoke(IPC.cacheRecentEvents, [1])).resolves.toEqual([{ id: 5, re_id: 'P-5' }]);
    await ipcMain.invoke(IPC.cacheRemove, ['queries']);
    await expect(ipcMain.invoke(IPC.cacheGet, ['queries'])).resolves.toBeNull();
    await ipcMain.invoke(IPC.cacheClear, []);
    await expect(ipcMain.invoke(IPC.cacheRecentEvents, [10])).resolves.toEqual([]);
  });

  it.each([
    [IPC.cacheGet, ['../etc/passwd']],
    [IPC.cacheGet, ['']],
    [IPC.cacheSet, ['queries', 42]],
    [IPC.cacheSet, ['queries', 'x'.repeat(MAX_CACHE_VALUE_LENGTH + 1)]],
    [IPC.cachePutEvents, [[{ id: 'one' }]]],
    [IPC.cachePutEvents, [[{ re_id: 'no id' }]]],
    [IPC.cacheRecentEvents, [0]],
    [IPC.openWalls, [{ layoutIds: ['7'], defaultLayoutId: null }]],
    [IPC.openWalls, [{ layoutIds: [7], defaultLayoutId: 7, assignments: { 'a b': 7 } }]],
  ])('rejects %s with arguments %j and caches nothing', async (channel, args) => {
    const { ipcMain, cache } = setup();
    await expect(ipcMain.invoke(channel, args)).rejects.toThrow(/invalid arguments/);
    expect(cache.get('queries')).toBeNull();
    expect(cache.recentEvents(10)).toEqual([]);
  });

  it.each([
    [IPC.setServerUrl, []],
    [IPC.setServerUrl, [42]],
    [IPC.setServerUrl, [{ toString: () => 'http://x' }]],
    [IPC.setServerUrl, ['http://a', 'http://b']],
    [IPC.saveToken, []],
    [IPC.saveToken, ['']],
    [IPC.saveToken, [null]],
    [IPC.saveToken, ['x'.repeat(5000)]],
    [IPC.saveToken, ['has space']],
    [IPC.getSettings, ['extra']],
    [IPC.loadToken, [1]],
    [IPC.clearToken, [true]],
  ])('rejects %s with arguments %j and changes nothing', async (channel, args) => {
    const { ipcMain, store } = setup();
    await expect(ipcMain.invoke(channel, args)).rejects.toThrow(/invalid arguments/);
    expect(store.data.size).toBe(0);
  });

  it('rejects a server URL that is not http(s)', async () => {
    const { ipcMain, store } = setup();
    await expect(ipcMain.invoke(IPC.setServerUrl, ['file:///etc/passwd'])).rejects.toThrow(/invalid server URL/);
    expect(store.data.size).toBe(0);
  });

  it('rejects calls from a frame that is not the console', async () => {
    const { ipcMain } = setup();
    await expect(ipcMain.invoke(IPC.loadToken, [], 'https://evil.example/')).rejects.toThrow(/untrusted sender/);
    await expect(ipcMain.invoke(IPC.loadToken, [], 'file:///tmp/x.html')).rejects.toThrow(/untrusted sender/);
  });
});
