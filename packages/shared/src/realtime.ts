/**
 * The real-time protocol over the `/ws` WebSocket (DESIGN §5).
 *
 * Frames are JSON text. The client's first frame is `{ type: "auth", token }`; the server
 * answers `{ type: "ready", last_id }` and from then on sends events
 * `{ id, type, channel, ts, data }` whose `id` grows by one for every event the server emits
 * (ids of events outside the user's scope are simply never sent). After a reconnect the
 * client puts the last id it processed in the auth frame (`{ type: "auth", token, since }`)
 * and receives every event it missed, in order, before live ones, then
 * `{ type: "resumed" }`; or `{ type: "resync_required" }` when the gap is older than the
 * server keeps. A `{ type: "resume", since }` frame sent later rewinds the socket to `since`
 * and replays from there in order (events already received may come again: drop them by id). The server sends `{ type: "heartbeat", ts, last_id }` every
 * {@link HEARTBEAT_INTERVAL_MS}; a client that hears nothing for twice that treats the socket
 * as dead.
 */
import { z } from 'zod';
import { EventLog } from './schemas/detection.js';
import type { AlarmUpdate } from './schemas/alarms.js';

/** Server heartbeat period, ms. */
export const HEARTBEAT_INTERVAL_MS = 10_000;

/** Payload of each event type: the one typed map both sides use. */
export interface RealtimeEventMap {
  detection_update: EventLog & { person: { total_actual_count: number; total_detection_branch_count: number } };
  /** A WhatsApp delivery changed state (queued, sending, sent, delivered, read, failed, uncertain); `event_log_id` null for a test message. */
  notification_update: { event_log_id: number | null; delivery_id: number; phone: string; status: string; error: string | null };
  /** An alarm (event-log row) was acknowledged, closed, escalated or annotated (schemas/alarms.ts). */
  alarm_updated: AlarmUpdate;
  /**
   * A layout was created, changed (also: became or stopped being the default) or deleted.
   * A private layout's events go to its owner only (channel `user:<id>`, `owner_user_id` set);
   * a shared layout's to everyone (channel `global`, `owner_user_id` null). `hidden`: a shared
   * layout became private, so it is gone for everyone but its owner; sent to everyone with
   * `owner_user_id` null, and followed by an `updated` to the owner alone.
   */
  layout_updated: { layout_id: number; action: 'created' | 'updated' | 'deleted' | 'hidden'; visibility: 'shared' | 'private'; owner_user_id: number | null };
  group_updated: { group_id: number; action: 'created' | 'updated' | 'deleted' };
  branch_updated: { branch_id: number; group_id: number; action: 'created' | 'updated' | 'deleted' };
  /** A device or one of its streams changed. */
  device_updated: { device_id: string; branch_id: number; action: 'created' | 'updated' | 'deleted'; stream_id?: number };
  /** The signed-in user's own record changed (role, scope, status): reload what depends on it. */
  user_updated: { user_id: number; action: 'updated' | 'deleted' };
  nvr_online: { device_id: string; branch_id: number };
  nvr_offline: { device_id: string; branch_id: number };
  camera_status_update: { device_id: string; branch_id: number; status: string };
  /**
   * A stream's state changed: from the gateway's upstream (`source: 'gateway'`; `reconnecting`
   * = the camera stopped answering while watched) or from the scheduled health probe
   * (`source: 'probe'`; `offline` = it could not be read).
   */
  stream_status: {
    stream_id: number;
    quality: 'main' | 'sub';
    status: 'starting' | 'online' | 'reconnecting' | 'idle' | 'offline';
    since: string;
    source?: 'gateway' | 'probe';
    error?: string;
  };
  /** Depths per queue (sent when they change). */
  queue_stats: { queues: Array<{ queue: string; pending: number; running: number; failed: number; over_threshold: boolean }> };
  stats_updated: Record<string, number>;
  /** An event's snapshot (stamped image and thumbnail) is ready: `GET /api/v1/events/:id/snapshot` gives its signed URLs. */
  snapshot_ready: { event_log_id: number; branch_id: number };
}

export type RealtimeEventType = keyof RealtimeEventMap;

/** All event type names, in a stable order. */
export const REALTIME_EVENT_TYPES = [
  'detection_update',
  'notification_update',
  'alarm_updated',
  'layout_updated',
  'group_updated',
  'branch_updated',
  'device_updated',
  'user_updated',
  'nvr_online',
  'nvr_offline',
  'camera_status_update',
  'stream_status',
  'queue_stats',
  'stats_updated',
  'snapshot_ready',
] as const satisfies readonly RealtimeEventType[];

/**
 * One event frame. `channel` says who it was sent to: `branch:<id>` for branch-scoped events,
 * `group:<id>` for a group's, `admins`, `user:<id>` for one user's own (e.g. their private
 * layouts), `global` otherwise.
 */
export type RealtimeEvent<K extends RealtimeEventType = RealtimeEventType> = {
  [T in K]: { id: number; type: T; channel: string; ts: string; data: RealtimeEventMap[T] };
}[K];

/** Channel name for a branch's events. */
export function branchChannel(branchId: number): string {
  return `branch:${branchId}`;
}

/** Frames the client sends. */
export const ClientMessage = z.discriminatedUnion('type', [
  /** `since`: the last event id this client processed before a reconnect; the server replays what followed, in order, before live events. */
  z.object({ type: z.literal('auth'), token: z.string().min(1).max(512), since: z.int().min(0).optional() }),
  z.object({ type: z.literal('resume'), since: z.int().min(0) }),
  z.object({ type: z.literal('ping') }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

/** Control frames the server sends (events are {@link RealtimeEvent}). */
export type ServerControlMessage =
  | { type: 'ready'; last_id: number; user_id: number }
  | { type: 'heartbeat'; ts: string; last_id: number }
  | { type: 'pong'; ts: string }
  | { type: 'resumed'; since: number; last_id: number; replayed: number }
  | { type: 'resync_required'; since: number; oldest_id: number }
  | { type: 'error'; code: string; message: string };

export type ServerMessage = ServerControlMessage | RealtimeEvent;

/** True when a server frame is an event (has a numeric id and a known event type). */
export function isRealtimeEvent(m: ServerMessage): m is RealtimeEvent {
  return typeof (m as { id?: unknown }).id === 'number' && (REALTIME_EVENT_TYPES as readonly string[]).includes(m.type);
}
