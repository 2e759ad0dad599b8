/**
 * The main process's side of the windows' shared state (DESIGN D3): a window publishes a
 * {@link WallSyncMessage} over IPC (`wall-sync:publish`, validated in `ipc-handlers.ts`), the hub
 * folds it into its snapshot and sends it to every window on {@link WALL_SYNC_PUSH}, the sender
 * included (each window drops its own messages by `source`). A window that opens later asks
 * for the snapshot (`wall-sync:snapshot`).
 */
import { WALL_SYNC_PUSH } from '../common/ipc-channels.js';
import { applyToSnapshot, emptySnapshot, type WallSyncMessage, type WallSyncSnapshot } from '../common/wall-sync.js';

/** The subset of a `BrowserWindow` the hub sends to. */
export interface SyncTargetLike {
  isDestroyed(): boolean;
  webContents: { send(channel: string, ...args: unknown[]): void };
}

/** Dependencies of {@link createWallSyncHub}. */
export interface WallSyncDeps {
  /** Every window to reach (Electron: `BrowserWindow.getAllWindows()`). */
  targets: () => readonly SyncTargetLike[];
  /** Called after each message is applied (main reacts to `layout-selected`). */
  onMessage?: (message: WallSyncMessage) => void;
}

/** Shared state relay. */
export interface WallSyncHub {
  /** Applies an already validated message and sends it to every window. */
  publish(message: WallSyncMessage): void;
  /** The state so far. */
  snapshot(): WallSyncSnapshot;
}

/** A hub over the windows `deps.targets()` returns at each send. */
export function createWallSyncHub(deps: WallSyncDeps): WallSyncHub {
  let state = emptySnapshot();
  return {
    publish(message) {
      state = applyToSnapshot(state, message);
      for (const target of deps.targets()) {
        if (!target.isDestroyed()) target.webContents.send(WALL_SYNC_PUSH, message);
      }
      deps.onMessage?.(message);
    },
    snapshot: () => state,
  };
}
