/**
 * Registers one handler per IPC channel on an `ipcMain`-like object. Every call is checked
 * twice before it reaches a service: the sender must be the console's own page
 * (`app://console/…`), and the arguments must match the channel's zod tuple. A rejected call
 * throws, which `ipcRenderer.invoke` surfaces to the renderer as a rejected promise.
 */
import { z } from 'zod';
import {
  IPC_CHANNELS,
  type CachedEvent,
  type IpcArgs,
  type IpcChannel,
  type IpcResult,
  type OpenWallsRequest,
} from '../common/ipc-channels.js';
import { WallId, WallSyncMessage } from '../common/wall-sync.js';
import type { LocalCache } from './local-cache.js';
import type { SettingsService } from './settings.js';
import type { TokenStore } from './token-store.js';
import type { WallSyncHub } from './wall-sync.js';
import type { WallWindows } from './wall-windows.js';

/** What a handler receives from Electron besides the arguments (subset of `IpcMainInvokeEvent`). */
export interface IpcInvokeEventLike {
  senderFrame: { url: string } | null;
}

/** The subset of Electron's `ipcMain` used here. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** Services the handlers delegate to, and the check of who may call. */
export interface IpcDeps {
  settings: SettingsService;
  tokens: TokenStore;
  cache: LocalCache;
  walls: WallWindows;
  sync: WallSyncHub;
  /** True when a frame URL belongs to the console (e.g. starts with `app://console/`). */
  isTrustedSender(frameUrl: string): boolean;
}

/** Largest token accepted over IPC, characters. */
export const MAX_TOKEN_LENGTH = 4096;

/** Largest value the local cache takes in one key, characters (the camera tree of a big organisation fits). */
export const MAX_CACHE_VALUE_LENGTH = 16 * 1024 * 1024;
/** Most events accepted by one `cache:put-events` or returned by `cache:recent-events`. */
export const MAX_CACHE_EVENTS = 1000;

const CacheKey = z.string().regex(/^[\w.:-]{1,128}$/, 'letters, digits, . : _ - (1–128)');
const LayoutId = z.number().int().positive();
const OpenWalls: z.ZodType<OpenWallsRequest> = z.object({
  layoutIds: z.array(LayoutId).max(10_000),
  defaultLayoutId: LayoutId.nullable(),
  displayIds: z.array(WallId).max(64).optional(),
  assignments: z.record(WallId, LayoutId).optional(),
});
const CachedEventSchema: z.ZodType<CachedEvent> = z.looseObject({ id: z.number().int().positive() });

/** The argument tuple of every channel; extra or missing arguments are refused. */
export const IPC_ARGUMENTS: { [C in IpcChannel]: z.ZodType<IpcArgs<C>> } = {
  'settings:get': z.tuple([]),
  'settings:set-server-url': z.tuple([z.string().max(2048)]),
  'token:save': z.tuple([
    z
      .string()
      .min(1)
      .max(MAX_TOKEN_LENGTH)
      .regex(/^[\x21-\x7e]+$/, 'printable ASCII'),
  ]),
  'token:load': z.tuple([]),
  'token:clear': z.tuple([]),
  'cache:get': z.tuple([CacheKey]),
  'cache:set': z.tuple([CacheKey, z.string().max(MAX_CACHE_VALUE_LENGTH)]),
  'cache:remove': z.tuple([CacheKey]),
  'cache:clear': z.tuple([]),
  'cache:put-events': z.tuple([z.array(CachedEventSchema).max(MAX_CACHE_EVENTS)]),
  'cache:recent-events': z.tuple([z.number().int().min(1).max(MAX_CACHE_EVENTS)]),
  'walls:displays': z.tuple([]),
  'walls:open': z.tuple([OpenWalls]),
  'walls:close': z.tuple([]),
  'wall-sync:publish': z.tuple([WallSyncMessage]),
  'wall-sync:snapshot': z.tuple([]),
};

type Handlers = { [C in IpcChannel]: (...args: IpcArgs<C>) => IpcResult<C> };

function handlersFor(deps: IpcDeps): Handlers {
  return {
    'settings:get': () => deps.settings.get(),
    'settings:set-server-url': (url) => deps.settings.setServerUrl(url),
    'token:save': (token) => deps.tokens.save(token),
    'token:load': () => deps.tokens.load(),
    'token:clear': () => {
      deps.tokens.clear();
      return null;
    },
    'cache:get': (key) => deps.cache.get(key),
    'cache:set': (key, value) => {
      deps.cache.set(key, value);
      return null;
    },
    'cache:remove': (key) => {
      deps.cache.remove(key);
      return null;
    },
    'cache:clear': () => {
      deps.cache.clear();
      return null;
    },
    'cache:put-events': (rows) => {
      deps.cache.putEvents(rows);
      return null;
    },
    'cache:recent-events': (limit) => deps.cache.recentEvents(limit),
    'walls:displays': () => deps.walls.displays(),
    'walls:open': (request) => deps.walls.open(request),
    'walls:close': () => {
      deps.walls.close();
      return null;
    },
    'wall-sync:publish': (message) => {
      deps.sync.publish(message);
      return null;
    },
    'wall-sync:snapshot': () => deps.sync.snapshot(),
  };
}

/**
 * Validates one call and runs its handler.
 * @throws Error `untrusted sender` or `invalid arguments for <channel>: <field>: <message>`
 */
export function dispatchIpc<C extends IpcChannel>(
  deps: IpcDeps,
  channel: C,
  event: IpcInvokeEventLike,
  args: unknown[],
): IpcResult<C> {
  const url = event.senderFrame?.url;
  if (url === undefined || !deps.isTrustedSender(url)) throw new Error(`untrusted sender for ${channel}`);
  const parsed = IPC_ARGUMENTS[channel].safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `invalid arguments for ${channel}: ${issue ? `${issue.path.join('.') || 'args'}: ${issue.message}` : 'rejected'}`,
    );
  }
  const handler = handlersFor(deps)[channel] as (...a: IpcArgs<C>) => IpcResult<C>;
  return handler(...parsed.data);
}

/**
 * Registers every channel of the contract on `ipcMain`; returns a function that removes them.
 */
export function registerIpcHandlers(ipcMain: IpcMainLike, deps: IpcDeps): () => void {
  for (const channel of IPC_CHANNELS) {
    ipcMain.handle(channel, (event, ...args) => dispatchIpc(deps, channel, event, args));
  }
  return () => {
    for (const channel of IPC_CHANNELS) ipcMain.removeHandler(channel);
  };
}
