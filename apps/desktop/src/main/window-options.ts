/**
 * Options of the console's windows and the guards on their web contents (DESIGN D10:
 * contextIsolation, sandbox, no nodeIntegration, a typed preload bridge; the strict CSP is
 * sent by the `app://` protocol handler, see `app-protocol.ts`).
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import { APP_HOST, APP_SCHEME } from '../common/ipc-channels.js';

/** Background painted before the renderer's first frame; matches the dark theme. */
export const WINDOW_BACKGROUND = '#0b0f14';

/** URL of the console's entry page inside Electron. */
export const CONSOLE_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * Options for the main console window.
 * @param opts.preloadPath absolute path of the bundled CommonJS preload (`dist/preload/index.cjs`)
 */
export function mainWindowOptions(opts: { preloadPath: string }): BrowserWindowConstructorOptions {
  return {
    width: 1600,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    title: 'Pantau',
    show: false,
    backgroundColor: WINDOW_BACKGROUND,
    autoHideMenuBar: true,
    webPreferences: {
      preload: opts.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Video walls run unattended: keep decoding and timers at full rate when unfocused.
      backgroundThrottling: false,
    },
  };
}

/** True for URLs of the console's own pages (`app://console/...`). */
export function isConsoleUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/** The subset of Electron's `WebContents` the guard uses. */
export interface WebContentsLike {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  on(
    event: 'will-navigate' | 'will-redirect',
    listener: (event: { preventDefault(): void }, url: string) => void,
  ): void;
}

/** The subset of Electron's `Session` the guard uses. */
export interface SessionLike {
  setPermissionRequestHandler(
    handler: ((wc: unknown, permission: string, callback: (granted: boolean) => void) => void) | null,
  ): void;
}

/**
 * Denies new windows and any navigation away from the console, and every permission request
 * except full screen (a wall window may go full screen; nothing needs camera, microphone,
 * geolocation or notifications from the browser).
 */
export function guardWebContents(contents: WebContentsLike, session: SessionLike): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  const blockForeign = (event: { preventDefault(): void }, url: string) => {
    if (!isConsoleUrl(url)) event.preventDefault();
  };
  contents.on('will-navigate', blockForeign);
  contents.on('will-redirect', blockForeign);
  session.setPermissionRequestHandler((_wc, permission, callback) => callback(permission === 'fullscreen'));
}

/**
 * Options for a wall window: the console window's security settings, placed on `bounds` (px,
 * the display's), kiosk and full screen, no frame.
 */
export function wallWindowOptions(opts: {
  preloadPath: string;
  bounds: { x: number; y: number; width: number; height: number };
}): BrowserWindowConstructorOptions {
  const base = mainWindowOptions(opts);
  return {
    ...base,
    ...opts.bounds,
    minWidth: undefined,
    minHeight: undefined,
    title: 'Pantau wall',
    frame: false,
    kiosk: true,
    fullscreen: true,
  };
}
