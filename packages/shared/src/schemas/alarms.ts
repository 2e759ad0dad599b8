/**
 * The alarm workflow (issue 5, beyond the source documents): an event-log row an alarm rule
 * raised (issue 14; before the rules, every row) is an alarm.
 *
 * States: `new` → `acknowledged` (who, when, optional note) → `closed` (who, when, note).
 * Closing a `new` alarm acknowledges it implicitly in the same step (the timeline shows both
 * actions), so a false alarm takes one click. Acknowledging an alarm that is no longer `new`,
 * or closing a closed one, is a 409 `CONFLICT` with `details.state` (the current state) and
 * `details.acknowledged_by_name`. Escalation is not a state but a mark (`escalated_at`): an
 * alarm still `new` past its branch's `escalate_after_seconds` is escalated once, and stays
 * `new` until someone acknowledges it.
 */
import { z } from 'zod';
import { Id, IsoDateTime, PageMeta, PageQuery } from './common.js';
import { AlarmFields, AlarmState, EventLog } from './events.js';
import { PhoneNumber } from './notifications.js';
import { AlarmPriority } from './alarm-rules.js';

/** What a timeline entry records (`created` is the event itself). */
export const AlarmAction = z.enum(['created', 'acknowledged', 'closed', 'escalated', 'note']);
export type AlarmAction = z.infer<typeof AlarmAction>;

/** Longest note an operator may attach, characters. */
export const ALARM_NOTE_MAX = 1000;

/** Most alarms one bulk acknowledge may carry. */
export const ALARM_BULK_MAX = 500;

/** An operator's note: trimmed, 1..1000 characters. */
export const AlarmNote = z.string().trim().min(1).max(ALARM_NOTE_MAX);

/** `:event_id` of the alarm routes (the event-log id). */
export const AlarmParams = z.object({ event_id: z.coerce.number().int().positive() });

/** Body of acknowledge and close: an optional note. */
export const AlarmActionBody = z.object({ note: AlarmNote.optional() }).strict();
export type AlarmActionBody = z.infer<typeof AlarmActionBody>;

/** Body of `POST /alarms/:event_id/note`. */
export const AlarmNoteBody = z.object({ note: AlarmNote }).strict();
export type AlarmNoteBody = z.infer<typeof AlarmNoteBody>;

/** Body of `POST /alarms/acknowledge`: up to 500 distinct event ids and one optional note for all. */
export const AlarmBulkBody = z
  .object({
    event_ids: z.array(Id).min(1).max(ALARM_BULK_MAX),
    note: AlarmNote.optional(),
  })
  .strict()
  .refine((b) => new Set(b.event_ids).size === b.event_ids.length, {
    message: 'each event id at most once',
    path: ['event_ids'],
  });
export type AlarmBulkBody = z.infer<typeof AlarmBulkBody>;

/**
 * An alarm: the event and its workflow columns, every one present, its state never null (no
 * snapshot: the feed's concern).
 */
export const Alarm = EventLog.omit({ snapshot: true })
  .extend(AlarmFields.required().shape)
  .extend({ alarm_state: AlarmState, priority: AlarmPriority });
export type Alarm = z.infer<typeof Alarm>;

/** One result of a bulk acknowledge, in the order of `event_ids`. */
export const AlarmBulkItem = z.object({
  event_id: Id,
  status: z.enum(['acknowledged', 'rejected']),
  /** Why it was not acknowledged: `NOT_FOUND` (unknown or out of scope), `CONFLICT` (no longer new). */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export const AlarmBulkResult = z.object({
  acknowledged: z.int(),
  rejected: z.int(),
  results: z.array(AlarmBulkItem),
});
export type AlarmBulkResult = z.infer<typeof AlarmBulkResult>;

/** `GET /alarms?state=&priority=&branch_id=&escalated=&page=&per_page=`, newest first. */
export const AlarmFilter = PageQuery.omit({ q: true }).extend({
  state: AlarmState.optional(),
  priority: AlarmPriority.optional(),
  branch_id: z.coerce.number().int().positive().optional(),
  /** `true`: only escalated alarms. */
  escalated: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
export type AlarmFilter = z.input<typeof AlarmFilter>;

/** Unacknowledged (`new`) alarms of one branch in scope. */
export const AlarmBranchCount = z.object({
  branch_id: Id,
  branch_name: z.string(),
  unacknowledged: z.int(),
  /** Of those, how many escalated. */
  escalated: z.int(),
});
export type AlarmBranchCount = z.infer<typeof AlarmBranchCount>;

/** `meta` of the alarm list: paging plus the unacknowledged count of every branch in scope that has any. */
export const AlarmPageMeta = PageMeta.extend({ unacknowledged: z.array(AlarmBranchCount) });
export type AlarmPageMeta = z.infer<typeof AlarmPageMeta>;

/** One entry of an alarm's timeline, oldest first. `user_*` are null for the system (created, escalated). */
export const AlarmTimelineEntry = z.object({
  action: AlarmAction,
  user_id: Id.nullable(),
  user_name: z.string().nullable(),
  note: z.string().nullable(),
  at: IsoDateTime,
});
export type AlarmTimelineEntry = z.infer<typeof AlarmTimelineEntry>;

/**
 * `data` of the `alarm_updated` real-time event: the alarm's state after a change, and the
 * change (`action`, by whom, note). Sent on the alarm's branch channel.
 */
export const AlarmUpdate = z.object({
  event_id: Id,
  branch_id: Id,
  state: AlarmState,
  action: AlarmAction.exclude(['created']),
  /** Who made this change (null: the system, i.e. an escalation). */
  by_user_id: Id.nullable(),
  by_name: z.string().nullable(),
  note: z.string().nullable(),
  acknowledged_by: Id.nullable(),
  acknowledged_by_name: z.string().nullable(),
  acknowledged_at: IsoDateTime.nullable(),
  closed_by: Id.nullable(),
  closed_by_name: z.string().nullable(),
  closed_at: IsoDateTime.nullable(),
  escalated: z.boolean(),
  escalated_at: IsoDateTime.nullable(),
});
export type AlarmUpdate = z.infer<typeof AlarmUpdate>;

/** Longest time an alarm may wait before escalating, seconds (one day). */
export const ESCALATE_AFTER_MAX_S = 86_400;

/** Body of `PUT /alarm-escalation/:branch_id` (the whole setting). */
export const EscalationSettingsBody = z
  .object({
    enabled: z.boolean(),
    /** Seconds an alarm may stay `new` before it escalates: 1..86 400. */
    escalate_after_seconds: z.int().min(1).max(ESCALATE_AFTER_MAX_S),
    /** Who gets the escalation message: up to 20 distinct WhatsApp numbers, normalised to E.164 (the alerts' `PhoneNumber`). */
    numbers: z
      .array(PhoneNumber)
      .max(20)
      .refine((n) => new Set(n).size === n.length, { message: 'each number at most once' }),
  })
  .strict();
export type EscalationSettingsBody = z.infer<typeof EscalationSettingsBody>;

/** A branch's escalation setting. */
export const EscalationSettings = z.object({
  branch_id: Id,
  branch_name: z.string(),
  enabled: z.boolean(),
  escalate_after_seconds: z.int(),
  numbers: z.array(z.string()),
  /** Since when escalation is on: alarms raised before it never escalate (null while off). */
  enabled_since: IsoDateTime.nullable(),
  /** Null: nothing stored yet (the defaults are shown). */
  updated_at: IsoDateTime.nullable(),
});
export type EscalationSettings = z.infer<typeof EscalationSettings>;

/** `:branch_id` of the escalation routes. */
export const EscalationParams = z.object({ branch_id: z.coerce.number().int().positive() });

/** Most days one service-level read may span. */
export const SERVICE_LEVEL_MAX_DAYS = 31;

/**
 * `GET /alarms/service-level?from=&to=&branch_id=`: site-local days `from`..`to` (inclusive,
 * YYYY-MM-DD, each alarm in its branch's own day), at most {@link SERVICE_LEVEL_MAX_DAYS}.
 */
export const AlarmServiceLevelQuery = z
  .object({
    from: z.iso.date(),
    to: z.iso.date(),
    branch_id: z.coerce.number().int().positive().optional(),
  })
  .refine((q) => q.from <= q.to, { message: 'from is after to', path: ['from'] })
  .refine((q) => (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 < SERVICE_LEVEL_MAX_DAYS, {
    message: `at most ${SERVICE_LEVEL_MAX_DAYS} days`,
    path: ['to'],
  });
export type AlarmServiceLevelQuery = z.input<typeof AlarmServiceLevelQuery>;

/**
 * The time from raised to acknowledged of a set of alarms: how many, how many acknowledged, the
 * median and 90th percentile (nearest rank) in seconds (null when none was acknowledged), and the
 * breaches of their rule's target (acknowledged later than it, or still unacknowledged past it).
 */
export const AckTimes = z.object({
  alarms: z.int(),
  acknowledged: z.int(),
  p50_s: z.number().nullable(),
  p90_s: z.number().nullable(),
  /** alarms whose rule had an acknowledgement target */
  with_target: z.int(),
  breaches: z.int(),
});
export type AckTimes = z.infer<typeof AckTimes>;

/** `data` of the service-level read: per branch and day, per operator and day, and the whole. */
export const AlarmServiceLevel = z.object({
  from: z.iso.date(),
  to: z.iso.date(),
  total: AckTimes,
  branches: z.array(AckTimes.extend({ branch_id: Id, branch_name: z.string(), day: z.iso.date() })),
  /** the alarms each operator acknowledged (so `alarms` = `acknowledged`), by day */
  operators: z.array(AckTimes.extend({ user_id: Id, user_name: z.string(), day: z.iso.date() })),
});
export type AlarmServiceLevel = z.infer<typeof AlarmServiceLevel>;
