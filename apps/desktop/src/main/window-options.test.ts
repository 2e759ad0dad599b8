import { describe, expect, it } from 'vitest';
import {
  guardWebContents,
  isConsoleUrl,
  mainWindowOptions,
  type SessionLike,
  type WebContentsLike,
} from './window-options.js';

describe('window options', () => {
  it('are secure', () => {
    const prefs = mainWindowOptions({ preloadPath: '/app/dist/preload/index.cjs' }).webPreferences;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: '/app/dist/preload/index.cjs',
    });
  });

  it('recognises only the console origin', () => {
    expect(isConsoleUrl('app://console/index.html')).toBe(true);
    expect(isConsoleUrl('app://other/index.html')).toBe(false);
    expect(isConsoleUrl('https://console/')).toBe(false);
    expect(isConsoleUrl('not a url')).toBe(false);
  });

  it('denies new windows, foreign navigation and permissions other than full screen', () => {
    let openHandler: ((d: { url: string }) => { action: 'deny' }) | undefined;
    const listeners: Record<string, (e: { preventDefault(): void }, url: string) => void> = {};
    let permissionHandler: ((wc: unknown, p: string, cb: (g: boolean) => void) => void) | null = null;
    const contents: WebContentsLike = {
      setWindowOpenHandler: (h) => (openHandler = h),
      on: (event, listener) => (listeners[event] = listener),
    };
    const session: SessionLike = { setPermissionRequestHandler: (h) => (permissionHandler = h) };
    guardWebContents(contents, session);

    expect(openHandler?.({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    const navigate = (url: string) => {
      let prevented = false;
      listeners['will-navigate']?.({ preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    expect(navigate('https://example.com/')).toBe(true);
    expect(navigate('app://console/index.html')).toBe(false);
    const grant = (p: string) => {
      let granted: boolean | undefined;
      permissionHandler?.(null, p, (g) => (granted = g));
      return granted;
    };
    expect(grant('media')).toBe(false);
    expect(grant('geolocation')).toBe(false);
    expect(grant('fullscreen')).toBe(true);
  });
});
