/**
 * Every IPC channel between the renderer (through the preload bridge) and the Electron main
 * process, and the one typed map of each channel's arguments and result.
 *
 * Main registers a handler per channel (`ipc-handlers.ts`), the preload exposes one bridge
 * method per channel (`window.pantau`), and both derive their types from {@link IpcContract},
 * so a call's argument and result types follow from its name. Every argument is validated
 * again in main: the types here are a promise the renderer makes, not a guarantee.
 */

/** Settings the console keeps on the workstation. */
export interface ConsoleSettings {
  /** Origin of the Pantau server, e.g. `http://127.0.0.1:8080` (no trailing slash). */
  serverUrl: string;
}

/** Result of saving a token: whether it was written to disk (encrypted) or kept in memory only. */
export interface SaveTokenResult {
  persisted: boolean;
}

/** Channel name → `[args, result]`. The single source of the IPC contract. */
export interface IpcContract {
  'settings:get': { args: []; result: ConsoleSettings };
  'settings:set-server-url': { args: [url: string]; result: ConsoleSettings };
  'token:save': { args: [token: string]; result: SaveTokenResult };
  'token:load': { args: []; result: string | null };
  'token:clear': { args: []; result: null };
}

/** One of the IPC channel names. */
export type IpcChannel = keyof IpcContract;
/** Argument tuple of a channel. */
export type IpcArgs<C extends IpcChannel> = IpcContract[C]['args'];
/** Result of a channel (what `ipcRenderer.invoke` resolves to). */
export type IpcResult<C extends IpcChannel> = IpcContract[C]['result'];

/** Bridge method name → channel. Every channel has exactly one bridge method. */
export const IPC = {
  getSettings: 'settings:get',
  setServerUrl: 'settings:set-server-url',
  saveToken: 'token:save',
  loadToken: 'token:load',
  clearToken: 'token:clear',
} as const satisfies Record<string, IpcChannel>;

/** Compile-time check that {@link IPC} names every channel of {@link IpcContract}. */
type MissingChannels = Exclude<IpcChannel, (typeof IPC)[keyof typeof IPC]>;
const everyChannelExposed: [MissingChannels] extends [never] ? true : MissingChannels = true;
void everyChannelExposed;

/** All channel names, for registering and tests. */
export const IPC_CHANNELS: readonly IpcChannel[] = Object.values(IPC);

/** The bridge the preload exposes as `window.pantau`: one promise-returning method per channel. */
export type PantauBridge = {
  [M in keyof typeof IPC]: (...args: IpcArgs<(typeof IPC)[M]>) => Promise<IpcResult<(typeof IPC)[M]>>;
};

/** Name of the global the preload exposes the bridge under. */
export const BRIDGE_GLOBAL = 'pantau';

/** Custom scheme and host the packaged renderer is served from in Electron (`app://console/`). */
export const APP_SCHEME = 'app';
/** Host part of the renderer's origin in Electron; the server must allow CORS from `app://console`. */
export const APP_HOST = 'console';
