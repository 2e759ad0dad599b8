/**
 * Every IPC channel between the renderer (through the preload bridge) and the Electron main
 * process, and the one typed map of each channel's arguments and result.
 *
 * Main registers a handler per channel (`ipc-handlers.ts`), the preload exposes one bridge
 * method per channel (`window.pantau`), and both derive their types from {@link IpcContract},
 * so a call's argument and result types follow from its name. Every argument is validated
 * again in main: the types here are a promise the renderer makes, not a guarantee.
 */
import type { WallSyncMessage, WallSyncSnapshot } from './wall-sync.js';

/** Settings the console keeps on the workstation. */
export interface ConsoleSettings {
  /** Origin of the Pantau server, e.g. `http://127.0.0.1:8080` (no trailing slash). */
  serverUrl: string;
}

/** Result of saving a token: whether it was written to disk (encrypted) or kept in memory only. */
export interface SaveTokenResult {
  persisted: boolean;
}

/** One event-log row as the local cache keeps it: any JSON object with a positive integer `id`. */
export type CachedEvent = { id: number } & Record<string, unknown>;

/** A rectangle in screen coordinates (DIP, px). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A display as the wall menu lists it. */
export interface DisplayInfo {
  /** Electron's display id, as a string. */
  id: string;
  label: string;
  bounds: Rect;
  primary: boolean;
  /** Layout assigned to the display (remembered), or null. */
  layoutId: number | null;
  /** True while a wall window is open on it. */
  open: boolean;
}

/**
 * A request to open wall windows. `layoutIds` are the layouts that exist now (an assignment
 * naming another one falls back to `defaultLayoutId`); `displayIds` the displays to fill
 * (default: every display except the console window's own when there are several);
 * `assignments` explicit display id → layout choices.
 */
export interface OpenWallsRequest {
  layoutIds: number[];
  defaultLayoutId: number | null;
  displayIds?: string[] | undefined;
  assignments?: Record<string, number> | undefined;
}

/** Where a wall window was opened and what it shows. */
export interface WallPlacement {
  displayId: string;
  bounds: Rect;
  layoutId: number | null;
}

/** Channel name → `[args, result]`. The single source of the IPC contract. */
export interface IpcContract {
  'settings:get': { args: []; result: ConsoleSettings };
  'settings:set-server-url': { args: [url: string]; result: ConsoleSettings };
  'token:save': { args: [token: string]; result: SaveTokenResult };
  'token:load': { args: []; result: string | null };
  'token:clear': { args: []; result: null };
  'cache:get': { args: [key: string]; result: string | null };
  'cache:set': { args: [key: string, value: string]; result: null };
  'cache:remove': { args: [key: string]; result: null };
  'cache:clear': { args: []; result: null };
  'cache:put-events': { args: [rows: CachedEvent[]]; result: null };
  'cache:recent-events': { args: [limit: number]; result: CachedEvent[] };
  'walls:displays': { args: []; result: DisplayInfo[] };
  'walls:open': { args: [request: OpenWallsRequest]; result: WallPlacement[] };
  'walls:close': { args: []; result: null };
  'wall-sync:publish': { args: [message: WallSyncMessage]; result: null };
  'wall-sync:snapshot': { args: []; result: WallSyncSnapshot };
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
  cacheGet: 'cache:get',
  cacheSet: 'cache:set',
  cacheRemove: 'cache:remove',
  cacheClear: 'cache:clear',
  cachePutEvents: 'cache:put-events',
  cacheRecentEvents: 'cache:recent-events',
  listDisplays: 'walls:displays',
  openWalls: 'walls:open',
  closeWalls: 'walls:close',
  publishWallSync: 'wall-sync:publish',
  wallSyncSnapshot: 'wall-sync:snapshot',
} as const satisfies Record<string, IpcChannel>;

/** Compile-time check that {@link IPC} names every channel of {@link IpcContract}. */
type MissingChannels = Exclude<IpcChannel, (typeof IPC)[keyof typeof IPC]>;
const everyChannelExposed: [MissingChannels] extends [never] ? true : MissingChannels = true;
void everyChannelExposed;

/** All channel names, for registering and tests. */
export const IPC_CHANNELS: readonly IpcChannel[] = Object.values(IPC);

/** Channel on which main pushes every shared-state message to every window (`webContents.send`). */
export const WALL_SYNC_PUSH = 'wall-sync:message';

/**
 * The bridge the preload exposes as `window.pantau`: one promise-returning method per channel,
 * and `onWallSync`, which subscribes to {@link WALL_SYNC_PUSH} and returns the unsubscribe.
 */
export type PantauBridge = {
  [M in keyof typeof IPC]: (...args: IpcArgs<(typeof IPC)[M]>) => Promise<IpcResult<(typeof IPC)[M]>>;
} & {
  onWallSync(listener: (message: WallSyncMessage) => void): () => void;
};

/** Name of the global the preload exposes the bridge under. */
export const BRIDGE_GLOBAL = 'pantau';

/** Custom scheme and host the packaged renderer is served from in Electron (`app://console/`). */
export const APP_SCHEME = 'app';
/** Host part of the renderer's origin in Electron; the server must allow CORS from `app://console`. */
export const APP_HOST = 'console';
