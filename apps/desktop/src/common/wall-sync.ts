/**
 * The state the console's windows share (DESIGN D3): one message type per change, the same in
 * Electron (renderer → main over IPC → every window) and in the browser (a `BroadcastChannel`
 * between windows of one origin). Main validates every message with {@link WallSyncMessage}
 * before it forwards it; the renderer validates what it receives the same way.
 *
 * Every message names the window that sent it (`source`, random per window) so a window can
 * ignore its own messages when a transport echoes them back.
 */
import { z } from 'zod';

/** Name of the browser's `BroadcastChannel` the console's windows share. */
export const WALL_SYNC_CHANNEL = 'pantau.wall-sync';

/** A wall's id: the Electron display id as a string, or `screen-<n>` / `window-<n>` in a browser. */
export const WallId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\w.:-]+$/, 'letters, digits, . : _ -');

const Source = z.string().min(1).max(64);
const LayoutIdOrNull = z.number().int().positive().nullable();

/**
 * One change, broadcast to every window:
 * - `tile-maximised`: on wall `wallId`, showing `layoutId`, the tile at `position` was maximised
 *   (`null`: restored). Other walls showing the same layout mirror it.
 * - `alarm-acknowledged`: event-log row `eventId` was acknowledged by user `by` at `at` (ISO).
 * - `layout-selected`: wall `wallId` now shows `layoutId` (`null`: none). Main remembers it as
 *   the display's assignment.
 */
export const WallSyncMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('tile-maximised'),
    source: Source,
    wallId: WallId,
    layoutId: LayoutIdOrNull,
    position: z.number().int().min(1).max(256).nullable(),
  }),
  z.object({
    type: z.literal('alarm-acknowledged'),
    source: Source,
    eventId: z.number().int().positive(),
    by: z.number().int().positive().nullable(),
    at: z.iso.datetime({ offset: true }),
  }),
  z.object({
    type: z.literal('layout-selected'),
    source: Source,
    wallId: WallId,
    layoutId: LayoutIdOrNull,
  }),
]);
/** One shared-state message. */
export type WallSyncMessage = z.infer<typeof WallSyncMessage>;

/** What one wall shows, as last announced. */
export interface WallState {
  layoutId: number | null;
  /** Position of the maximised tile, or null. */
  maximised: number | null;
}

/**
 * The shared state as main keeps it, for a window that opens later: every wall's layout and
 * maximised tile, and the most recently acknowledged event ids (newest last, at most
 * {@link MAX_ACKNOWLEDGED}).
 */
export interface WallSyncSnapshot {
  walls: Record<string, WallState>;
  acknowledged: Array<{ eventId: number; by: number | null; at: string }>;
}

/** Acknowledgements kept in a snapshot. */
export const MAX_ACKNOWLEDGED = 200;

/** An empty snapshot. */
export function emptySnapshot(): WallSyncSnapshot {
  return { walls: {}, acknowledged: [] };
}

/**
 * Folds one message into a snapshot (returns a new object; `snapshot` is not changed).
 * Acknowledgements are kept once per event id, the newest {@link MAX_ACKNOWLEDGED}.
 */
export function applyToSnapshot(snapshot: WallSyncSnapshot, message: WallSyncMessage): WallSyncSnapshot {
  switch (message.type) {
    case 'tile-maximised': {
      const wall: WallState = { layoutId: message.layoutId, maximised: message.position };
      return { ...snapshot, walls: { ...snapshot.walls, [message.wallId]: wall } };
    }
    case 'layout-selected':
      return {
        ...snapshot,
        walls: { ...snapshot.walls, [message.wallId]: { layoutId: message.layoutId, maximised: null } },
      };
    case 'alarm-acknowledged': {
      const rest = snapshot.acknowledged.filter((a) => a.eventId !== message.eventId);
      const acknowledged = [...rest, { eventId: message.eventId, by: message.by, at: message.at }].slice(
        -MAX_ACKNOWLEDGED,
      );
      return { ...snapshot, acknowledged };
    }
  }
}
