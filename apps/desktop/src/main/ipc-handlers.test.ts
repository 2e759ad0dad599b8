import { describe, expect, it } from 'vitest';
import { IPC, IPC_CHANNELS } from '../common/ipc-channels.js';
import { registerIpcHandlers } from './ipc-handlers.js';
import { createSettings } from './settings.js';
import { createTokenStore } from './token-store.js';
import { isConsoleUrl } from './window-options.js';
import { FakeIpcMain, FakeSafeStorage, MemoryStore } from './testing/stand-ins.js';

function setup() {
  const ipcMain = new FakeIpcMain();
  const store = new MemoryStore();
  const unregister = registerIpcHandlers(ipcMain, {
    settings: createSettings(store),
    tokens: createTokenStore(store, new FakeSafeStorage()),
    isTrustedSender: isConsoleUrl,
  });
  return { ipcMain, store, unregister };
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
    await expect(ipcMain.invoke(IPC.setServerUrl, ['http://10.0.0.5:8080/'])).resolves.toEqual({ serverUrl: 'http://10.0.0.5:8080' });
    await expect(ipcMain.invoke(IPC.getSettings, [])).resolves.toEqual({ serverUrl: 'http://10.0.0.5:8080' });
    await expect(ipcMain.invoke(IPC.saveToken, ['tok-1'])).resolves.toEqual({ persisted: true });
    await expect(ipcMain.invoke(IPC.loadToken, [])).resolves.toBe('tok-1');
    await expect(ipcMain.invoke(IPC.clearToken, [])).resolves.toBeNull();
    await expect(ipcMain.invoke(IPC.loadToken, [])).resolves.toBeNull();
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
