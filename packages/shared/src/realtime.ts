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
import { Id, IsoDateTime } from './schemas/common.js';
import { EventLog } from './schemas/events.js';
import { AlarmUpdate } from './schemas/alarms.js';
import { BranchArming } from './schemas/alarm-rules.js';
import { DeliveryStatus } from './schemas/notifications.js';
import { DeviceStatus, StreamProblem, StreamQuality } from './schemas/organisation.js';
import { LayoutVisibility } from './schemas/layouts.js';
import { ReportType } from './schemas/reports.js';

/** Server heartbeat period, ms. */
export const HEARTBEAT_INTERVAL_MS = 10_000;

/**
 * Close codes of the server's abuse limits on any WebSocket (feed and live video;
 * apps/server/src/realtime/socket-guard.ts). A client closed with TOO_MANY_CONNECTIONS should
 * reconnect later, not at once; MESSAGE_RATE means it sent frames faster than the protocol needs.
 */
export const SOCKET_CLOSE_CODES = {
  /** More open WebSockets from the client's address than the server allows (like HTTP 429). */
  TOO_MANY_CONNECTIONS: 4429,
  /** The socket sent frames faster than its rate limit (RFC 6455 §7.4.1: policy violation). */
  MESSAGE_RATE: 1008,
} as const;

const Change = z.enum(['created', 'updated', 'deleted']);

/**
 * The `data` schema of each event type: the one map both sides use. The server writes these
 * shapes into its outbox; the console validates every frame against them before it acts on one.
 */
export const REALTIME_EVENT_SCHEMAS = {
  detection_update: EventLog.extend({
    person: z.object({ total_actual_count: z.int(), total_detection_branch_count: z.int() }),
  }),
  /** A WhatsApp delivery changed state; `event_log_id` null for a test message. */
  notification_update: z.object({
    event_log_id: Id.nullable(),
    delivery_id: Id,
    phone: z.string(),
    status: DeliveryStatus,
    error: z.string().nullable(),
  }),
  /** An alarm (event-log row) was acknowledged, closed, escalated or annotated (schemas/alarms.ts). */
  alarm_updated: AlarmUpdate,
  /** A branch was armed or disarmed, or its arming mode changed (sent on the branch channel). */
  arming_updated: BranchArming,
  /**
   * A layout was created, changed (also: became or stopped being the default) or deleted.
   * A private layout's events go to its owner only (channel `user:<id>`, `owner_user_id` set);
   * a shared layout's to the users of its cameras' branches (`owner_user_id` null). `hidden`: a
   * shared layout became private, so it is gone for everyone but its owner; sent to everyone else
   * with `owner_user_id` null, and followed by an `updated` to the owner alone.
   */
  layout_updated: z.object({
    layout_id: Id,
    action: z.enum(['created', 'updated', 'deleted', 'hidden']),
    visibility: LayoutVisibility,
    owner_user_id: Id.nullable(),
  }),
  group_updated: z.object({ group_id: Id, action: Change }),
  branch_updated: z.object({ branch_id: Id, group_id: Id, action: Change }),
  /** A device or one of its streams changed. */
  device_updated: z.object({ device_id: z.string(), branch_id: Id, action: Change, stream_id: Id.optional() }),
  /** The signed-in user's own record changed (role, scope, status): reload what depends on it. */
  user_updated: z.object({ user_id: Id, action: z.enum(['updated', 'deleted']) }),
  nvr_online: z.object({ device_id: z.string(), branch_id: Id }),
  nvr_offline: z.object({ device_id: z.string(), branch_id: Id }),
  camera_status_update: z.object({ device_id: z.string(), branch_id: Id, status: DeviceStatus }),
  /**
   * A stream's state changed: from the gateway's upstream (`source: 'gateway'`; `reconnecting`
   * = the camera stopped answering while watched) or from the scheduled health probe
   * (`source: 'probe'`; `offline` = it could not be read).
   */
  stream_status: z.object({
    stream_id: Id,
    quality: StreamQuality,
    status: z.enum(['starting', 'online', 'reconnecting', 'idle', 'offline']),
    since: IsoDateTime,
    source: z.enum(['gateway', 'probe']).optional(),
    error: z.string().optional(),
    /** What is wrong, when it is known (`unauthorized`: wrong credentials; `unreachable`; …). */
    problem: StreamProblem.optional(),
  }),
  /** Depths per queue (sent when they change). */
  queue_stats: z.object({
    queues: z.array(
      z.object({ queue: z.string(), pending: z.int(), running: z.int(), failed: z.int(), over_threshold: z.boolean() }),
    ),
  }),
  /**
   * A branch's changed counters: its devices by type and status (`cameras_online`, …, sent when
   * one changes), or its figures of today, its own site-local day (sent at most once a second
   * while it receives detections; services/stats-ticker.ts). Only the counters that changed are
   * present.
   */
  stats_updated: z.object({
    branch_id: Id,
    detections_today: z.int().nonnegative().optional(),
    detected_count_today: z.int().nonnegative().optional(),
    unique_persons_today: z.int().nonnegative().optional(),
    cameras_online: z.int().nonnegative().optional(),
    cameras_offline: z.int().nonnegative().optional(),
    cameras_maintenance: z.int().nonnegative().optional(),
    nvrs_online: z.int().nonnegative().optional(),
    nvrs_offline: z.int().nonnegative().optional(),
    nvrs_maintenance: z.int().nonnegative().optional(),
    edges_online: z.int().nonnegative().optional(),
    edges_offline: z.int().nonnegative().optional(),
    edges_maintenance: z.int().nonnegative().optional(),
  }),
  /**
   * A counting report was generated (or regenerated after late detections): sent to each user
   * who asked for it while it was being built (channel `user:<id>`); `GET /api/v1/reports/:type`
   * now answers 200 with it.
   */
  report_ready: z.object({
    report_id: Id,
    report_type: ReportType,
    report_date: z.iso.date(),
    branch_id: Id.nullable(),
    group_id: Id.nullable(),
    late_detections: z.int().nonnegative(),
  }),
  /** An event's snapshot (stamped image and thumbnail) is ready: `GET /api/v1/events/:id/snapshot` gives its signed URLs. */
  snapshot_ready: z.object({ event_log_id: Id, branch_id: Id }),
} as const;

/** Payload of each event type. */
export type RealtimeEventMap = {
  [K in keyof typeof REALTIME_EVENT_SCHEMAS]: z.infer<(typeof REALTIME_EVENT_SCHEMAS)[K]>;
};

export type RealtimeEventType = keyof RealtimeEventMap;

/** All event type names, in a stable order. */
export const REALTIME_EVENT_TYPES = Object.keys(REALTIME_EVENT_SCHEMAS) as readonly RealtimeEventType[];

/**
 * One event frame. `channel` says who it was sent to: `branch:<id>` for branch-scoped events,
 * `group:<id>` for a group's, `admins`, `user:<id>` for one user's own (e.g. their private
 * layouts), `global` otherwise.
 */
export type RealtimeEvent<K extends RealtimeEventType = RealtimeEventType> = {
  [T in K]: { id: number; type: T; channel: string; ts: string; data: RealtimeEventMap[T] };
}[K];

/** The schema of an event frame of each type. */
const eventFrame = <T extends RealtimeEventType>(type: T) =>
  z.object({
    id: z.int().positive(),
    type: z.literal(type),
    channel: z.string(),
    ts: IsoDateTime,
    data: REALTIME_EVENT_SCHEMAS[type],
  });

/** Frames the client sends. */
export const ClientMessage = z.discriminatedUnion('type', [
  /** `since`: the last event id this client processed before a reconnect; the server replays what followed, in order, before live events. */
  z.object({ type: z.literal('auth'), token: z.string().min(1).max(512), since: z.int().min(0).optional() }),
  z.object({ type: z.literal('resume'), since: z.int().min(0) }),
  z.object({ type: z.literal('ping') }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

/** Control frames the server sends (events are {@link RealtimeEvent}). */
export const ServerControlMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), last_id: z.int().min(0), user_id: Id }),
  z.object({ type: z.literal('heartbeat'), ts: IsoDateTime, last_id: z.int().min(0) }),
  z.object({ type: z.literal('pong'), ts: IsoDateTime }),
  z.object({ type: z.literal('resumed'), since: z.int().min(0), last_id: z.int().min(0), replayed: z.int().min(0) }),
  z.object({ type: z.literal('resync_required'), since: z.int().min(0), oldest_id: z.int().min(0) }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type ServerControlMessage = z.infer<typeof ServerControlMessage>;

export type ServerMessage = ServerControlMessage | RealtimeEvent;

/** The frame schema of each event type. */
const EVENT_FRAMES = Object.fromEntries(REALTIME_EVENT_TYPES.map((t) => [t, eventFrame(t)])) as {
  [T in RealtimeEventType]: ReturnType<typeof eventFrame<T>>;
};

const CONTROL_TYPES = new Set<string>(ServerControlMessage.options.map((o) => o.shape.type.value));

/**
 * Parse one text frame from the server: an event is checked against its type's schema, a
 * control frame against the control schemas.
 * @returns the frame, or an error naming what is wrong (`not JSON`; `<type>: unknown frame type`;
 *   `<type>: <field path>: <message>`)
 */
export function parseServerMessage(text: string): { ok: true; message: ServerMessage } | { ok: false; error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  const type = (raw as { type?: unknown } | null)?.type;
  const schema =
    typeof type === 'string' && Object.hasOwn(EVENT_FRAMES, type)
      ? EVENT_FRAMES[type as RealtimeEventType]
      : typeof type === 'string' && CONTROL_TYPES.has(type)
        ? ServerControlMessage
        : null;
  if (!schema) return { ok: false, error: `${String(type)}: unknown frame type` };
  const r = schema.safeParse(raw);
  if (r.success) return { ok: true, message: r.data as ServerMessage };
  const issue = r.error.issues[0];
  return { ok: false, error: `${type as string}: ${issue?.path.join('.') || 'frame'}: ${issue?.message ?? 'invalid'}` };
}

/** True when a server frame is an event (has a numeric id and a known event type). */
export function isRealtimeEvent(m: ServerMessage): m is RealtimeEvent {
  return typeof (m as { id?: unknown }).id === 'number' && (REALTIME_EVENT_TYPES as readonly string[]).includes(m.type);
}
