/**
 * Electron main process: the glue only. Opens the console window once the app is ready,
 * serves the renderer under `app://console/`, and routes IPC to the plain modules beside
 * this file (settings, token store, local cache, wall windows, state sync, handlers), which
 * hold the logic and are unit-tested in Node.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { app, BrowserWindow, ipcMain, protocol, safeStorage, screen, session } from 'electron';
import Store from 'electron-store';
import { APP_SCHEME } from '../common/ipc-channels.js';
import { createAppProtocolHandler } from './app-protocol.js';
import { registerIpcHandlers } from './ipc-handlers.js';
import { createSettings } from './settings.js';
import { createCertificateTrust } from './certificate-trust.js';
import { createTokenStore } from './token-store.js';
import { openLocalCache } from './local-cache.js';
import { createWallSyncHub } from './wall-sync.js';
import { createWallWindows } from './wall-windows.js';
import {
  CONSOLE_ENTRY_URL,
  guardWebContents,
  isConsoleUrl,
  mainWindowOptions,
  wallWindowOptions,
} from './window-options.js';

// This file is dist/main/main/index.js; the renderer and the preload are built beside dist/main.
const rendererDir = fileURLToPath(new URL('../../renderer/', import.meta.url));
const preloadPath = fileURLToPath(new URL('../../preload/index.cjs', import.meta.url));

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);

if (!app.requestSingleInstanceLock()) app.quit();

let mainWindow: BrowserWindow | null = null;

function createMainWindow(): BrowserWindow {
  const win = new BrowserWindow(mainWindowOptions({ preloadPath }));
  guardWebContents(win.webContents, win.webContents.session);
  win.once('ready-to-show', () => win.show());
  void win.loadURL(CONSOLE_ENTRY_URL);
  mainWindow = win;
  return win;
}

void app.whenReady().then(() => {
  const store = new Store({ name: 'pantau-console' });
  const sync = createWallSyncHub({
    targets: () => BrowserWindow.getAllWindows(),
    onMessage: (m) => {
      if (m.type === 'layout-selected') walls.noteLayout(m.wallId, m.layoutId);
    },
  });
  const walls = createWallWindows({
    screen,
    store,
    entryUrl: CONSOLE_ENTRY_URL,
    publish: (m) => sync.publish(m),
    consoleDisplayId: () =>
      mainWindow && !mainWindow.isDestroyed() ? String(screen.getDisplayMatching(mainWindow.getBounds()).id) : null,
    createWindow: ({ bounds }) => {
      const win = new BrowserWindow(wallWindowOptions({ preloadPath, bounds }));
      guardWebContents(win.webContents, win.webContents.session);
      win.once('ready-to-show', () => win.show());
      return win;
    },
  });
  const cache = openLocalCache(path.join(app.getPath('userData'), 'local-cache.sqlite'));
  app.on('will-quit', () => cache.close());
  const settings = createSettings(store, process.env.PANTAU_SERVER_URL);
  // a self-signed server's certificate, when its fingerprint was given (certificate-trust.ts)
  const trust = createCertificateTrust(store, () => settings.get().serverUrl, process.env.PANTAU_SERVER_FINGERPRINT);
  app.on('certificate-error', (event, _webContents, url, _error, certificate, callback) =>
    trust(event, url, certificate, callback),
  );
  registerIpcHandlers(ipcMain, {
    settings,
    tokens: createTokenStore(store, safeStorage),
    cache,
    walls,
    sync,
    isTrustedSender: isConsoleUrl,
  });
  session.defaultSession.protocol.handle(
    APP_SCHEME,
    createAppProtocolHandler({ root: rendererDir, readFile: (p) => readFile(p) }),
  );
  createMainWindow();
  walls.restore();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow();
  });
});

app.on('second-instance', () => {
  const win = mainWindow && !mainWindow.isDestroyed() ? mainWindow : BrowserWindow.getAllWindows()[0];
  if (win) {
    if (win.isMinimized()) win.restore();
    win.focus();
  }
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
