/**
 * Where the console keeps the bearer token between page loads.
 *
 * - Electron: through the bridge, encrypted by the main process with safeStorage.
 * - Browser: `sessionStorage`. It survives a reload of the tab (a wall that refreshes keeps
 *   running) but not closing the tab or the browser, and is not shared with other tabs, so a
 *   console left on a shared control-room PC does not stay signed in for the next person.
 *   (Script injected into the page could read either storage; the CSP is the defence there.)
 */
import type { PantauBridge } from '../../common/ipc-channels.js';

/** Load, save and forget the token. */
export interface TokenStorage {
  load(): Promise<string | null>;
  save(token: string): Promise<void>;
  clear(): Promise<void>;
}

const KEY = 'pantau.token';

/** Token storage over the Electron bridge. */
export function bridgeTokenStorage(bridge: PantauBridge): TokenStorage {
  return {
    load: () => bridge.loadToken(),
    save: async (token) => {
      await bridge.saveToken(token);
    },
    clear: async () => {
      await bridge.clearToken();
    },
  };
}

/** Token storage over a Web Storage object (the browser's `sessionStorage`). */
export function webTokenStorage(storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>): TokenStorage {
  return {
    load: () => Promise.resolve(storage.getItem(KEY)),
    save: (token) => {
      storage.setItem(KEY, token);
      return Promise.resolve();
    },
    clear: () => {
      storage.removeItem(KEY);
      return Promise.resolve();
    },
  };
}
