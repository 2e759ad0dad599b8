/**
 * State of the real-time connection for the header's indicator, and the action behind a click
 * on it (set by the live session while one runs).
 */
import { create } from 'zustand';
import type { ConnectionStatus } from '../realtime/realtime-client.js';

/** Connection state. */
export interface ConnectionState {
  status: ConnectionStatus;
  /** Reconnect at once; a no-op when no live session runs. */
  reconnectNow: () => void;
}

/** The connection store. */
export const useConnectionStore = create<ConnectionState>()(() => ({
  status: 'connecting',
  reconnectNow: () => undefined,
}));
