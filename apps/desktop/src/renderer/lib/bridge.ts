/**
 * Access to the preload bridge `window.pantau`, present only inside Electron.
 */
import type { PantauBridge } from '../../common/ipc-channels.js';

declare global {
  interface Window {
    /** Set by the Electron preload; undefined in a plain browser. */
    pantau?: PantauBridge;
  }
}

/** The Electron bridge, or `undefined` when the console runs in a browser. */
export function getBridge(): PantauBridge | undefined {
  return typeof window === 'undefined' ? undefined : window.pantau;
}
