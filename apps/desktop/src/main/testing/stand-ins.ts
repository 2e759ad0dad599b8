/**
 * Stand-ins for Electron objects in main-process unit tests: a Map-backed store, a fake
 * `safeStorage` (reversible XOR + marker, so a test can tell encrypted bytes from plaintext),
 * an `ipcMain` that records handlers and lets a test invoke them like a renderer would, and a
 * `screen` and `BrowserWindow` for the wall windows.
 */
import type { IpcInvokeEventLike, IpcMainLike } from '../ipc-handlers.js';
import type { KeyValueStore } from '../settings.js';
import type { SafeStorageLike } from '../token-store.js';
import type { Rect } from '../../common/ipc-channels.js';
import type { SyncTargetLike } from '../wall-sync.js';
import type { DisplayLike, ScreenEvent, ScreenLike, ScreenListener, WallWindowLike } from '../wall-windows.js';

/** A Map-backed electron-store stand-in; `data` is what would be on disk. */
export class MemoryStore implements KeyValueStore {
  readonly data = new Map<string, unknown>();
  get(key: string): unknown {
    return this.data.get(key);
  }
  set(key: string, value: unknown): void {
    this.data.set(key, value);
  }
  delete(key: string): void {
    this.data.delete(key);
  }
}

/** A `safeStorage` stand-in; `available` and `backend` switch encryption on and off. */
export class FakeSafeStorage implements SafeStorageLike {
  available = true;
  backend = 'gnome_libsecret';
  isEncryptionAvailable(): boolean {
    return this.available;
  }
  getSelectedStorageBackend(): string {
    return this.backend;
  }
  encryptString(plainText: string): Buffer {
    if (!this.available) throw new Error('encryption unavailable');
    return Buffer.concat([Buffer.from('ENC1'), Buffer.from(plainText, 'utf8').map((b) => b ^ 0x5a)]);
  }
  decryptString(encrypted: Buffer): string {
    if (encrypted.subarray(0, 4).toString() !== 'ENC1') throw new Error('bad ciphertext');
    return Buffer.from(encrypted.subarray(4).map((b) => b ^ 0x5a)).toString('utf8');
  }
}

type Listener = (event: IpcInvokeEventLike, ...args: unknown[]) => unknown;

/** An `ipcMain` stand-in: `invoke` runs a handler as `ipcRenderer.invoke` would (always async). */
export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  async invoke(channel: string, args: unknown[], senderUrl = 'app://console/index.html'): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return handler({ senderFrame: { url: senderUrl } }, ...args);
  }
}

/** A `screen` stand-in: displays can be plugged and unplugged, firing Electron's events. */
export class FakeScreen implements ScreenLike {
  displays: DisplayLike[];
  readonly listeners = new Map<ScreenEvent, Set<ScreenListener>>();
  constructor(displays: DisplayLike[]) {
    this.displays = displays;
  }
  getAllDisplays(): DisplayLike[] {
    return [...this.displays];
  }
  getPrimaryDisplay(): DisplayLike {
    const first = this.displays[0];
    if (!first) throw new Error('no display');
    return first;
  }
  on(event: ScreenEvent, listener: ScreenListener): this {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener);
    this.listeners.set(event, set);
    return this;
  }
  removeListener(event: ScreenEvent, listener: ScreenListener): this {
    this.listeners.get(event)?.delete(listener);
    return this;
  }
  listenerCount(): number {
    return [...this.listeners.values()].reduce((n, s) => n + s.size, 0);
  }
  /** Plugs a display in and fires `display-added`. */
  plug(display: DisplayLike): void {
    this.displays.push(display);
    for (const l of this.listeners.get('display-added') ?? []) l({}, display);
  }
  /** Unplugs a display and fires `display-removed`. */
  unplug(id: number): void {
    const display = this.displays.find((d) => d.id === id);
    if (!display) throw new Error(`no display ${id}`);
    this.displays = this.displays.filter((d) => d.id !== id);
    for (const l of this.listeners.get('display-removed') ?? []) l({}, display);
  }
}

/** A `BrowserWindow` stand-in that records where it is, what it loaded and what it was sent. */
export class FakeWindow implements WallWindowLike, SyncTargetLike {
  bounds: Rect;
  readonly urls: string[] = [];
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  destroyed = false;
  private readonly closedListeners: Array<() => void> = [];
  readonly webContents = { send: (channel: string, ...args: unknown[]) => void this.sent.push({ channel, args }) };
  constructor(
    readonly displayId: string,
    bounds: Rect,
  ) {
    this.bounds = bounds;
  }
  setBounds(bounds: Rect): void {
    this.bounds = bounds;
  }
  loadURL(url: string): Promise<void> {
    this.urls.push(url);
    return Promise.resolve();
  }
  close(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const l of this.closedListeners) l();
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  once(_event: 'closed', listener: () => void): this {
    this.closedListeners.push(listener);
    return this;
  }
}
