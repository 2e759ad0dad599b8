/**
 * Stand-ins for Electron objects in main-process unit tests: a Map-backed store, a fake
 * `safeStorage` (reversible XOR + marker, so a test can tell encrypted bytes from plaintext),
 * and an `ipcMain` that records handlers and lets a test invoke them like a renderer would.
 */
import type { IpcInvokeEventLike, IpcMainLike } from '../ipc-handlers.js';
import type { KeyValueStore } from '../settings.js';
import type { SafeStorageLike } from '../token-store.js';

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
