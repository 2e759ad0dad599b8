/**
 * The event log (D4): one row per detection that reached the worker, with its place, its
 * person, and its alarm workflow columns (schemas/alarms.ts builds the alarm routes on these).
 * A module of its own so that the detection and alarm schemas both derive from it.
 */
import { z } from 'zod';
import { Id, IsoDateTime } from './common.js';
import { AlarmPriority } from './alarm-rules.js';

/** Where an alarm is in its workflow. */
export const AlarmState = z.enum(['new', 'acknowledged', 'closed']);
export type AlarmState = z.infer<typeof AlarmState>;

/**
 * The alarm columns of an event-log row (merged into `EventLog`; optional there so that a row
 * without them reads as a `new`, never-escalated alarm). Names are user display names.
 *
 * Since the alarm rules (issue 14) an event is an alarm only when a rule raised it:
 * `alarm_state` null is a plain event (counted, listed in the feed, never acknowledged), and an
 * alarm carries the rule's `priority`, `rule_id` (null for alarms raised before rules existed;
 * a deleted rule's id is never reused), `rule_name` and `instructions` as they were when it was
 * raised.
 */
export const AlarmFields = z.object({
  alarm_state: AlarmState.nullable().optional(),
  priority: AlarmPriority.nullable().optional(),
  rule_id: Id.nullable().optional(),
  rule_name: z.string().nullable().optional(),
  instructions: z.string().nullable().optional(),
  /** The rule's acknowledgement target when raised, seconds; null = none. */
  ack_target_s: z.int().nullable().optional(),
  acknowledged_by_name: z.string().nullable().optional(),
  closed_by: Id.nullable().optional(),
  closed_by_name: z.string().nullable().optional(),
  closed_at: IsoDateTime.nullable().optional(),
  /** When the alarm escalated (still `new` past its branch's time); null = not escalated. */
  escalated_at: IsoDateTime.nullable().optional(),
});
export type AlarmFields = z.infer<typeof AlarmFields>;

/** One row of the event log (and the `data` of a `detection_update` event). */
export const EventLog = z.object({
  id: Id,
  event_type: z.string(),
  branch_id: Id,
  branch_name: z.string(),
  device_id: z.string(),
  device_name: z.string(),
  re_id: z.string(),
  detected_count: z.int(),
  event_timestamp: IsoDateTime,
  created_at: IsoDateTime,
  acknowledged_by: Id.nullable(),
  acknowledged_at: IsoDateTime.nullable(),
  /** The alarm workflow (schemas/alarms.ts); null = not an alarm, absent = a `new` alarm. */
  ...AlarmFields.shape,
  /** The event's snapshot image (S5): `pending` while the image job runs, `ready` once `GET /events/:id/snapshot` has links; null/absent = none posted. */
  snapshot: z.enum(['pending', 'ready']).nullable().optional(),
});
export type EventLog = z.infer<typeof EventLog>;

/** `GET /api/v1/events?branch_id=&limit=&before_id=` newest first. */
export const EventListQuery = z.object({
  branch_id: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before_id: z.coerce.number().int().positive().optional(),
});
export type EventListQuery = z.infer<typeof EventListQuery>;
