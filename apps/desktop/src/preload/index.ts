/**
 * Preload: exposes ONE typed bridge, `window.pantau` ({@link PantauBridge}), and nothing else
 * of Electron or Node. Each method forwards to its IPC channel; main validates the arguments.
 *
 * Sandboxed preloads cannot load ES modules or local files, so this file is bundled by
 * `vite.preload.config.ts` into one CommonJS file (`dist/preload/index.cjs`) that requires only
 * `electron`.
 */
import { contextBridge, ipcRenderer } from 'electron';
import {
  BRIDGE_GLOBAL,
  IPC,
  WALL_SYNC_PUSH,
  type IpcArgs,
  type IpcChannel,
  type IpcResult,
  type PantauBridge,
} from '../common/ipc-channels.js';
import type { WallSyncMessage } from '../common/wall-sync.js';

function invoke<C extends IpcChannel>(channel: C, ...args: IpcArgs<C>): Promise<IpcResult<C>> {
  return ipcRenderer.invoke(channel, ...args) as Promise<IpcResult<C>>;
}

const bridge: PantauBridge = {
  getSettings: () => invoke(IPC.getSettings),
  setServerUrl: (url) => invoke(IPC.setServerUrl, url),
  saveToken: (token) => invoke(IPC.saveToken, token),
  loadToken: () => invoke(IPC.loadToken),
  clearToken: () => invoke(IPC.clearToken),
  cacheGet: (key) => invoke(IPC.cacheGet, key),
  cacheSet: (key, value) => invoke(IPC.cacheSet, key, value),
  cacheRemove: (key) => invoke(IPC.cacheRemove, key),
  cacheClear: () => invoke(IPC.cacheClear),
  cachePutEvents: (rows) => invoke(IPC.cachePutEvents, rows),
  cacheRecentEvents: (limit) => invoke(IPC.cacheRecentEvents, limit),
  listDisplays: () => invoke(IPC.listDisplays),
  openWalls: (request) => invoke(IPC.openWalls, request),
  closeWalls: () => invoke(IPC.closeWalls),
  publishWallSync: (message) => invoke(IPC.publishWallSync, message),
  wallSyncSnapshot: () => invoke(IPC.wallSyncSnapshot),
  // The listener gets the message only, never Electron's event (which carries `sender`).
  onWallSync: (listener) => {
    const handler = (_event: unknown, message: WallSyncMessage) => listener(message);
    ipcRenderer.on(WALL_SYNC_PUSH, handler);
    return () => void ipcRenderer.removeListener(WALL_SYNC_PUSH, handler);
  },
};

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
