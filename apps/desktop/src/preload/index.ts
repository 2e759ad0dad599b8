/**
 * Preload: exposes ONE typed bridge, `window.pantau` ({@link PantauBridge}), and nothing else
 * of Electron or Node. Each method forwards to its IPC channel; main validates the arguments.
 *
 * Sandboxed preloads cannot load ES modules or local files, so this file is bundled by
 * `vite.preload.config.ts` into one CommonJS file (`dist/preload/index.cjs`) that requires only
 * `electron`.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_GLOBAL, IPC, type IpcArgs, type IpcChannel, type IpcResult, type PantauBridge } from '../common/ipc-channels.js';

function invoke<C extends IpcChannel>(channel: C, ...args: IpcArgs<C>): Promise<IpcResult<C>> {
  return ipcRenderer.invoke(channel, ...args) as Promise<IpcResult<C>>;
}

const bridge: PantauBridge = {
  getSettings: () => invoke(IPC.getSettings),
  setServerUrl: (url) => invoke(IPC.setServerUrl, url),
  saveToken: (token) => invoke(IPC.saveToken, token),
  loadToken: () => invoke(IPC.loadToken),
  clearToken: () => invoke(IPC.clearToken),
};

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
