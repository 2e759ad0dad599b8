/**
 * Workstation settings kept by the main process (electron-store in production, any
 * `{ get, set, delete }` object in tests): for now the Pantau server URL.
 */
import { z } from 'zod';
import type { ConsoleSettings } from '../common/ipc-channels.js';

/** The subset of electron-store the main process uses; tests pass a Map-backed stand-in. */
export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

/** Server URL used until the operator sets one: the server's default `serve` address. */
export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8080';

const SERVER_URL_KEY = 'serverUrl';

/**
 * Parses and normalises a server URL typed by the operator: `http:` or `https:` only, no
 * user name or password, no query or fragment; the result is the origin plus any path prefix
 * (a server behind a reverse proxy), without a trailing slash, e.g. `https://cctv.example.id/pantau`.
 */
export const ServerUrl = z
  .string()
  .trim()
  .min(1, 'server URL is required')
  .max(2048)
  .transform((raw, ctx) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not a valid URL' });
      return z.NEVER;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: 'must start with http:// or https://' });
      return z.NEVER;
    }
    if (url.username || url.password || url.search || url.hash) {
      ctx.addIssue({ code: 'custom', message: 'must not contain credentials, a query or a fragment' });
      return z.NEVER;
    }
    return url.origin + url.pathname.replace(/\/+$/, '');
  });

/** Read and change the console's settings; invalid values are refused, never stored. */
export interface SettingsService {
  get(): ConsoleSettings;
  /**
   * Validates, normalises and stores the server URL.
   * @throws Error with a readable message when the URL is not acceptable (see {@link ServerUrl})
   */
  setServerUrl(url: string): ConsoleSettings;
}

/**
 * Settings over an injected key-value store; a missing or corrupt stored value falls back to
 * `fallbackUrl` (e.g. `PANTAU_SERVER_URL` set by `npm start`) when valid, else {@link DEFAULT_SERVER_URL}.
 */
export function createSettings(store: KeyValueStore, fallbackUrl?: string): SettingsService {
  const fallback = ServerUrl.safeParse(fallbackUrl ?? '');
  const defaultUrl = fallback.success ? fallback.data : DEFAULT_SERVER_URL;
  return {
    get() {
      const parsed = ServerUrl.safeParse(store.get(SERVER_URL_KEY));
      return { serverUrl: parsed.success ? parsed.data : defaultUrl };
    },
    setServerUrl(url) {
      const parsed = ServerUrl.safeParse(url);
      if (!parsed.success) throw new Error(`invalid server URL: ${parsed.error.issues[0]?.message ?? 'rejected'}`);
      store.set(SERVER_URL_KEY, parsed.data);
      return { serverUrl: parsed.data };
    },
  };
}
