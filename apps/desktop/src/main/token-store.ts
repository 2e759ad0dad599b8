/**
 * Keeps the signed-in user's bearer token across restarts, encrypted with Electron's
 * `safeStorage` (DPAPI on Windows, the keyring on Linux). When no real encryption is
 * available (no keyring, or Linux's `basic_text` fallback whose key is a constant) the token
 * is kept in memory only for this run and nothing is written: the operator signs in again
 * after a restart rather than leaving a readable token on disk.
 */
import type { SaveTokenResult } from '../common/ipc-channels.js';
import type { KeyValueStore } from './settings.js';

/** The subset of Electron's `safeStorage` used here. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only in Electron; `basic_text` means "obfuscated with a constant key", i.e. not encrypted. */
  getSelectedStorageBackend?(): string;
}

/** Save, load and forget the token. */
export interface TokenStore {
  save(token: string): SaveTokenResult;
  load(): string | null;
  clear(): void;
}

const TOKEN_KEY = 'auth.token';

/** True when `safeStorage` really encrypts on this machine. */
export function canEncrypt(safeStorage: SafeStorageLike): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  const backend = safeStorage.getSelectedStorageBackend?.();
  return backend !== 'basic_text' && backend !== 'unknown';
}

/**
 * A token store over an injected key-value store and `safeStorage`. The stored value is the
 * base64 of the encrypted bytes; a value that no longer decrypts (OS key changed) is dropped.
 */
export function createTokenStore(store: KeyValueStore, safeStorage: SafeStorageLike): TokenStore {
  let inMemory: string | null = null;
  return {
    save(token) {
      inMemory = token;
      if (!canEncrypt(safeStorage)) {
        store.delete(TOKEN_KEY);
        return { persisted: false };
      }
      store.set(TOKEN_KEY, safeStorage.encryptString(token).toString('base64'));
      return { persisted: true };
    },
    load() {
      if (inMemory !== null) return inMemory;
      const stored = store.get(TOKEN_KEY);
      if (typeof stored !== 'string' || !canEncrypt(safeStorage)) return null;
      try {
        inMemory = safeStorage.decryptString(Buffer.from(stored, 'base64'));
        return inMemory;
      } catch {
        store.delete(TOKEN_KEY);
        return null;
      }
    },
    clear() {
      inMemory = null;
      store.delete(TOKEN_KEY);
    },
  };
}
