/**
 * How the console's windows reach each other (DESIGN D3), one interface over two transports:
 * Electron's main process (IPC through the preload bridge; main validates and relays to every
 * window, see `main/wall-sync.ts`) and, in a browser, a `BroadcastChannel` shared by the
 * console's windows of one origin. Both carry {@link WallSyncMessage}; what arrives is
 * validated again and a window's own messages are dropped by `source`.
 */
import { WALL_SYNC_CHANNEL, WallSyncMessage, type WallSyncSnapshot } from '../../common/wall-sync.js';
import type { PantauBridge } from '../../common/ipc-channels.js';

/** Publish and receive shared-state messages. */
export interface WallSyncTransport {
  publish(message: WallSyncMessage): void;
  /** Calls `listener` with every valid message of another window; returns the unsubscribe. */
  subscribe(listener: (message: WallSyncMessage) => void): () => void;
  /** The state so far when the transport keeps one (Electron's main does), else null. */
  snapshot(): Promise<WallSyncSnapshot | null>;
  close(): void;
}

/** Drops invalid messages and the window's own. */
function receiver(source: string, listener: (message: WallSyncMessage) => void): (data: unknown) => void {
  return (data) => {
    const parsed = WallSyncMessage.safeParse(data);
    if (parsed.success && parsed.data.source !== source) listener(parsed.data);
  };
}

/** Through Electron's main process. */
export function bridgeWallSyncTransport(bridge: PantauBridge, source: string): WallSyncTransport {
  return {
    publish: (message) => void bridge.publishWallSync(message).catch(() => undefined),
    subscribe: (listener) => bridge.onWallSync(receiver(source, listener)),
    snapshot: () => bridge.wallSyncSnapshot().catch(() => null),
    close: () => undefined,
  };
}

/** The subset of `BroadcastChannel` used (the DOM's and Node's both fit). */
export interface BroadcastChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  close(): void;
}

/** Between the browser windows of one origin (a channel does not hear its own posts). */
export function broadcastWallSyncTransport(channel: BroadcastChannelLike, source: string): WallSyncTransport {
  return {
    publish: (message) => channel.postMessage(message),
    subscribe: (listener) => {
      const receive = receiver(source, listener);
      const onMessage = (event: { data: unknown }) => receive(event.data);
      channel.addEventListener('message', onMessage);
      return () => channel.removeEventListener('message', onMessage);
    },
    snapshot: () => Promise.resolve(null),
    close: () => channel.close(),
  };
}

/** The transport of this page: the bridge in Electron, a BroadcastChannel in a browser, or null when neither exists. */
export function createWallSyncTransport(bridge: PantauBridge | undefined, source: string): WallSyncTransport | null {
  if (bridge) return bridgeWallSyncTransport(bridge, source);
  if (typeof BroadcastChannel !== 'undefined')
    return broadcastWallSyncTransport(new BroadcastChannel(WALL_SYNC_CHANNEL), source);
  return null;
}
