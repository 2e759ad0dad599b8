/**
 * Domain events: what happened, said once by the service that made it happen, inside the
 * transaction of the change. Subscribers run synchronously in that same transaction, so what
 * they write (an outbox row, a snapshot's link, a queued WhatsApp delivery) commits or rolls
 * back with the change itself:
 *
 * - the real-time publisher (realtime/realtime-publisher.ts) turns them into outbox rows, the
 *   frames the consoles receive, and decides who receives each;
 * - the snapshot pipeline and the WhatsApp alerts follow the detections.
 *
 * Services therefore know nothing of frames, channels or sockets; they say which layout
 * changed and which branches could see it, not which channel to write to.
 *
 * Subscribers run in the order they subscribed (services/container.ts wires them in its
 * "realtime" phase), and a subscriber's error aborts the transaction like any other error.
 */
import type {
  AlarmPriority,
  AlarmUpdate,
  DeliveryStatus,
  DeviceStatus,
  DeviceType,
  LayoutVisibility,
  RealtimeEventMap,
  StreamProblem,
  StreamQuality,
} from '@pantau/shared';
import type { DetectionJobPayload } from '../queue/job-payloads.js';

/** A change to a record of the organisation. */
type Change = 'created' | 'updated' | 'deleted';

/** Every domain event and what it carries. */
export interface DomainEventMap {
  /** A posted detection's job and idempotency key are stored (the accept transaction). */
  'detection.accepted': { payload: DetectionJobPayload };
  /** The detection job applied a detection: its person, detection and event-log rows exist. */
  'detection.applied': {
    event_log_id: number;
    /** The alarm a rule raised for it (issue 14), or null: a plain event (no toast, no WhatsApp). */
    alarm: { rule_id: number; priority: AlarmPriority; notify_whatsapp: boolean } | null;
    payload: DetectionJobPayload;
    branch_name: string;
    device_name: string;
    /** The person's counters after this detection. */
    person: { total_actual_count: number; total_detection_branch_count: number };
    /** ms since the epoch, the job's clock. */
    at: number;
  };
  /** An event's stamped image and thumbnail are stored. */
  'snapshot.ready': { event_log_id: number; branch_id: number };
  /** An alarm was acknowledged, closed, escalated or annotated. */
  'alarm.updated': AlarmUpdate;
  /** A WhatsApp delivery changed state; `branch_id` null for a test message (no branch). */
  'delivery.updated': {
    delivery_id: number;
    event_log_id: number | null;
    branch_id: number | null;
    phone: string;
    status: DeliveryStatus;
    error: string | null;
    at: number;
  };
  /**
   * A layout was created, changed or deleted. `branches_before` / `branches_after`: the branches
   * of the streams it showed before the change and shows after it (`[]` = none, so everyone sees
   * it; `null` = not applicable: no "before" for a new layout, no "after" for a deleted one).
   */
  'layout.changed': {
    layout_id: number;
    action: Change;
    visibility: LayoutVisibility;
    owner_user_id: number | null;
    /** It was shared before this change and is private now. */
    was_shared: boolean;
    branches_before: readonly number[] | null;
    branches_after: readonly number[] | null;
  };
  'group.changed': { group_id: number; action: Change };
  /** `previous_group_id`: set when the branch moved to another group. */
  'branch.changed': { branch_id: number; group_id: number; action: Change; previous_group_id?: number };
  /**
   * A device (or, with `stream_id`, one of its streams) changed. `previous_branch_id`: set when
   * the device or stream moved to another branch.
   */
  'device.changed': {
    device_id: string;
    branch_id: number;
    action: Change;
    stream_id?: number;
    previous_branch_id?: number;
  };
  /** A device's status changed (heartbeat, timeout, its NVR going offline). */
  'device.status_changed': {
    device_id: string;
    branch_id: number;
    device_type: DeviceType;
    from: DeviceStatus;
    to: DeviceStatus;
    at: number;
  };
  /** A branch's device counters changed: `{ branch_id, cameras_online: 3, … }`. */
  'branch.stats_changed': { branch_id: number; counters: RealtimeEventMap['stats_updated']; at: number };
  /** A stream's state changed, seen by the gateway or by the health probe. */
  'stream.status_changed': {
    stream_id: number;
    branch_id: number;
    quality: StreamQuality;
    status: RealtimeEventMap['stream_status']['status'];
    since: string;
    source: 'gateway' | 'probe';
    error?: string;
    problem?: StreamProblem;
  };
  /** A user's record changed (role, scope, status). */
  'user.changed': { user_id: number };
  /** The numbers of the named queues changed. */
  'queues.changed': RealtimeEventMap['queue_stats'];
  /** A counting report was generated; `requested_by`: the users who asked for it while it was built. */
  'report.ready': RealtimeEventMap['report_ready'] & { requested_by: readonly number[] };
  /** A scheduled report that goes to its recipients is ready (report-delivery.ts queues its deliveries). */
  'report.due': { report_id: number };
  /** An alarm that is not a detection was raised (a camera offline, issue 14): its event-log row exists. */
  'alarm.raised': { event_log_id: number; at: number };
  /** A branch was armed or disarmed, or its arming mode changed (issue 14). */
  'arming.updated': RealtimeEventMap['arming_updated'];
}

export type DomainEventType = keyof DomainEventMap;

/** A subscriber: runs inside the transaction of the change. */
export type DomainEventHandler<K extends DomainEventType> = (event: DomainEventMap[K]) => void;

/** The in-process bus of domain events. */
export class DomainEvents {
  private readonly handlers = new Map<DomainEventType, Array<(event: never) => void>>();

  /**
   * @param inTransaction whether a transaction is open (the executor's): an event must be emitted
   *   inside the transaction of its change, or what subscribers write would commit apart from it
   */
  constructor(private readonly inTransaction: () => boolean) {}

  /**
   * Subscribe to one event type; subscribers run in the order they subscribed.
   * @returns a function that unsubscribes
   */
  on<K extends DomainEventType>(type: K, handler: DomainEventHandler<K>): () => void {
    const list = this.handlers.get(type) ?? [];
    list.push(handler as (event: never) => void);
    this.handlers.set(type, list);
    return () => {
      const i = list.indexOf(handler as (event: never) => void);
      if (i >= 0) list.splice(i, 1);
    };
  }

  /**
   * Tell every subscriber, synchronously. Call inside the transaction of the change.
   * @throws Error when no transaction is open; whatever a subscriber throws (the caller's
   *   transaction then rolls back)
   */
  emit<K extends DomainEventType>(type: K, event: DomainEventMap[K]): void {
    if (!this.inTransaction()) throw new Error(`domain event ${type} emitted outside a transaction`);
    const list = this.handlers.get(type);
    if (!list) return;
    for (const h of list) (h as DomainEventHandler<K>)(event);
  }
}
