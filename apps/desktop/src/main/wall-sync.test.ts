import { describe, expect, it } from 'vitest';
import { IPC, WALL_SYNC_PUSH } from '../common/ipc-channels.js';
import { MAX_ACKNOWLEDGED, type WallSyncMessage } from '../common/wall-sync.js';
import { registerIpcHandlers } from './ipc-handlers.js';
import { openLocalCache } from './local-cache.js';
import { createSettings } from './settings.js';
import { createTokenStore } from './token-store.js';
import { createWallSyncHub } from './wall-sync.js';
import { createWallWindows } from './wall-windows.js';
import { isConsoleUrl } from './window-options.js';
import { FakeIpcMain, FakeSafeStorage, FakeScreen, FakeWindow, MemoryStore } from './testing/stand-ins.js';

/** Main as index.ts wires it, with stand-ins: a console window and two wall windows. */
function setup() {
  const ipcMain = new FakeIpcMain();
  const store = new MemoryStore();
  const consoleWindow = new FakeWindow('console', { x: 0, y: 0, width: 1600, height: 900 });
  const walls: FakeWindow[] = [];
  const screen = new FakeScreen([
    { id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 } },
    { id: 2, bounds: { x: 1920, y: 0, width: 1920, height: 1080 } },
  ]);
  const sync = createWallSyncHub({
    targets: () => [consoleWindow, ...walls],
    onMessage: (m) => {
      if (m.type === 'layout-selected') wallWindows.noteLayout(m.wallId, m.layoutId);
    },
  });
  const wallWindows = createWallWindows({
    screen,
    store,
    entryUrl: 'app://console/index.html',
    publish: (m) => sync.publish(m),
    createWindow: ({ displayId, bounds }) => {
      const w = new FakeWindow(displayId, bounds);
      walls.push(w);
      return w;
    },
  });
  registerIpcHandlers(ipcMain, {
    settings: createSettings(store),
    tokens: createTokenStore(store, new FakeSafeStorage()),
    cache: openLocalCache(':memory:'),
    walls: wallWindows,
    sync,
    isTrustedSender: isConsoleUrl,
  });
  const received = (w: FakeWindow) => w.sent.filter((s) => s.channel === WALL_SYNC_PUSH).map((s) => s.args[0]);
  return { ipcMain, store, consoleWindow, walls, received };
}

const maximised: WallSyncMessage = { type: 'tile-maximised', source: 'wall-1', wallId: '1', layoutId: 7, position: 3 };

describe('wall state sync through main', () => {
  it('a tile maximised on one wall reaches every window, the console included', async () => {
    const { ipcMain, consoleWindow, walls, received } = setup();
    await ipcMain.invoke(IPC.openWalls, [{ layoutIds: [7], defaultLayoutId: 7 }]);
    expect(walls).toHaveLength(2);
    await ipcMain.invoke(IPC.publishWallSync, [maximised]);
    for (const w of [consoleWindow, ...walls]) expect(received(w)).toContainEqual(maximised);
    await expect(ipcMain.invoke(IPC.wallSyncSnapshot, [])).resolves.toMatchObject({ walls: { '1': { maximised: 3 } } });
  });

  it('an acknowledged alarm is seen by all and kept once per event in the snapshot', async () => {
    const { ipcMain, walls, received } = setup();
    await ipcMain.invoke(IPC.openWalls, [{ layoutIds: [7], defaultLayoutId: 7 }]);
    const ack: WallSyncMessage = {
      type: 'alarm-acknowledged',
      source: 'console',
      eventId: 42,
      by: 1,
      at: '2025-01-02T03:04:05.000Z',
    };
    await ipcMain.invoke(IPC.publishWallSync, [ack]);
    await ipcMain.invoke(IPC.publishWallSync, [{ ...ack, at: '2025-01-02T03:05:00.000Z' }]);
    expect(received(walls[1]!)).toHaveLength(2);
    const snapshot = (await ipcMain.invoke(IPC.wallSyncSnapshot, [])) as { acknowledged: unknown[] };
    expect(snapshot.acknowledged).toEqual([{ eventId: 42, by: 1, at: '2025-01-02T03:05:00.000Z' }]);
    for (let i = 1; i <= MAX_ACKNOWLEDGED + 5; i++)
      await ipcMain.invoke(IPC.publishWallSync, [{ ...ack, eventId: 1000 + i }]);
    const full = (await ipcMain.invoke(IPC.wallSyncSnapshot, [])) as { acknowledged: Array<{ eventId: number }> };
    expect(full.acknowledged).toHaveLength(MAX_ACKNOWLEDGED);
    expect(full.acknowledged.at(-1)?.eventId).toBe(1000 + MAX_ACKNOWLEDGED + 5);
  });

  it('a wall selecting a layout is broadcast and remembered as its display assignment', async () => {
    const { ipcMain, store, consoleWindow, received } = setup();
    await ipcMain.invoke(IPC.openWalls, [{ layoutIds: [7, 8], defaultLayoutId: 7 }]);
    const selected: WallSyncMessage = { type: 'layout-selected', source: 'wall-2', wallId: '2', layoutId: 8 };
    await ipcMain.invoke(IPC.publishWallSync, [selected]);
    expect(received(consoleWindow)).toContainEqual(selected);
    expect(store.get('walls')).toMatchObject({ assignments: { '2': { layoutId: 8 } } });
    await expect(ipcMain.invoke(IPC.listDisplays, [])).resolves.toMatchObject([
      { id: '1', layoutId: 7 },
      { id: '2', layoutId: 8, open: true },
    ]);
  });

  it.each([
    [{ type: 'tile-maximised', source: 's', wallId: '1', layoutId: 7 }],
    [{ type: 'tile-maximised', source: 's', wallId: 'a b', layoutId: 7, position: 1 }],
    [{ type: 'alarm-acknowledged', source: 's', eventId: -1, by: null, at: '2025-01-01T00:00:00Z' }],
    [{ type: 'alarm-acknowledged', source: 's', eventId: 1, by: null, at: 'yesterday' }],
    [{ type: 'wall-exploded', source: 's' }],
    ['tile-maximised'],
  ])('refuses a malformed message %j and sends nothing', async (message) => {
    const { ipcMain, consoleWindow, received } = setup();
    await expect(ipcMain.invoke(IPC.publishWallSync, [message])).rejects.toThrow(/invalid arguments/);
    expect(received(consoleWindow)).toHaveLength(0);
  });

  it('refuses messages from a page that is not the console, and skips closed windows', async () => {
    const { ipcMain, walls, received } = setup();
    await expect(ipcMain.invoke(IPC.publishWallSync, [maximised], 'https://evil.example/')).rejects.toThrow(
      /untrusted sender/,
    );
    await ipcMain.invoke(IPC.openWalls, [{ layoutIds: [7], defaultLayoutId: 7 }]);
    walls[0]!.close();
    await ipcMain.invoke(IPC.publishWallSync, [maximised]);
    expect(received(walls[0]!)).toHaveLength(0);
    expect(received(walls[1]!)).toHaveLength(1);
  });
});
