/**
 * Registers one handler per IPC channel on an `ipcMain`-like object. Every call is checked
 * twice before it reaches a service: the sender must be the console's own page
 * (`app://console/…`), and the arguments must match the channel's zod tuple. A rejected call
 * throws, which `ipcRenderer.invoke` surfaces to the renderer as a rejected promise.
 */
import { z } from 'zod';
import { IPC_CHANNELS, type IpcArgs, type IpcChannel, type IpcResult } from '../common/ipc-channels.js';
import type { SettingsService } from './settings.js';
import type { TokenStore } from './token-store.js';

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
  /** True when a frame URL belongs to the console (e.g. starts with `app://console/`). */
  isTrustedSender(frameUrl: string): boolean;
}

/** Largest token accepted over IPC, characters. */
export const MAX_TOKEN_LENGTH = 4096;

/** The argument tuple of every channel; extra or missing arguments are refused. */
export const IPC_ARGUMENTS: { [C in IpcChannel]: z.ZodType<IpcArgs<C>> } = {
  'settings:get': z.tuple([]),
  'settings:set-server-url': z.tuple([z.string().max(2048)]),
  'token:save': z.tuple([z.string().min(1).max(MAX_TOKEN_LENGTH).regex(/^[\x21-\x7e]+$/, 'printable ASCII')]),
  'token:load': z.tuple([]),
  'token:clear': z.tuple([]),
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
    throw new Error(`invalid arguments for ${channel}: ${issue ? `${issue.path.join('.') || 'args'}: ${issue.message}` : 'rejected'}`);
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
