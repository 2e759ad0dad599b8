/**
 * Runs the windows' shared state ({@link startWallSync}) while the console is signed in: over
 * the Electron bridge, or a BroadcastChannel in a browser.
 */
import { useEffect } from 'react';
import { getBridge } from '../lib/bridge.js';
import { currentWallParams } from '../lib/wall-url.js';
import { createWallSyncTransport } from './wall-sync-transport.js';
import { startWallSync } from './wall-sync.js';

/** Shares this window's wall state while `active`. */
export function useWallSync(active: boolean): void {
  useEffect(() => {
    if (!active) return;
    const source = `${currentWallParams().wallId ?? 'main'}-${crypto.randomUUID()}`;
    const transport = createWallSyncTransport(getBridge(), source);
    if (!transport) return;
    const sync = startWallSync({ transport, wallId: currentWallParams().wallId ?? 'main', source });
    return () => sync.stop();
  }, [active]);
}
