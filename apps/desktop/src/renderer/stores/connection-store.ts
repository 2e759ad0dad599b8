/**
 * State of the real-time connection for the header's indicator, the action behind a click
 * on it (set by the live session while one runs), and how old the data on screen is while the
 * server is away (DESIGN D9: the console keeps the last known state, marked stale).
 */
import { create } from 'zustand';
import type { ConnectionStatus } from '../realtime/realtime-client.js';

/** Connection state. */
export interface ConnectionState {
  status: ConnectionStatus;
  /** Reconnect at once; a no-op when no live session runs. */
  reconnectNow: () => void;
  /**
   * When the data shown was last known fresh (ms since the epoch): the time of the cached
   * snapshot after a cold start, or the moment the connection was lost. Null when the screen
   * holds nothing older than the live connection. Meaningful only while not `connected`.
   */
  dataAsOf: number | null;
  /** Marks what is on screen as known fresh at `at` (ms); an older time never replaces a newer one. */
  markStale: (at: number) => void;
}

/** The connection store. */
export const useConnectionStore = create<ConnectionState>()((set, get) => ({
  status: 'connecting',
  reconnectNow: () => undefined,
  dataAsOf: null,
  markStale(at) {
    const current = get().dataAsOf;
    if (current === null || at > current) set({ dataAsOf: at });
  },
}));

// Losing the connection freezes what is on screen: it is fresh as of now, stale from here on.
useConnectionStore.subscribe((state, prev) => {
  if (prev.status === 'connected' && state.status !== 'connected')
    useConnectionStore.setState({ dataAsOf: Date.now() });
});

/** True while the screen shows data the server has not confirmed (not connected, data from earlier). */
export function isStale(state: Pick<ConnectionState, 'status' | 'dataAsOf'>): boolean {
  return state.status !== 'connected' && state.dataAsOf !== null;
}
