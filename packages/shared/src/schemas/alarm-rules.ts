/**
 * Alarm rules (issue 14): which detections raise an alarm, when, and how loud. Declared here
 * once; the server's evaluator (apps/server/src/domain/alarm-rule-evaluation.ts), its routes and
 * the console's rule editor derive from these shapes.
 *
 * A time profile follows the commercial VMS convention (Milestone "time profiles", Genetec
 * "schedules"): ranges of the site's wall clock per weekday, plus dated exceptions (holidays)
 * whose own ranges replace the weekday's that day. A range whose end is not after its start runs
 * overnight into the next day (22:00–06:00), and belongs to the day it starts on.
 */
import { z } from 'zod';
import { Id, IsoDateTime } from './common.js';
import { ReId } from './detection.js';
import { DeviceExternalId } from './organisation.js';

/** Priorities, most urgent first. */
export const AlarmPriority = z.enum(['critical', 'high', 'medium', 'low']);
export type AlarmPriority = z.infer<typeof AlarmPriority>;

/** A wall-clock time `HH:MM`, 00:00–24:00 (24:00 only as a range's end: the day's last minute included). */
export const WallTime = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'a time of day HH:MM (00:00–24:00)');

/** `start` inclusive, `end` exclusive; `end` ≤ `start` = overnight into the next day. */
export const TimeRange = z
  .object({ start: WallTime, end: WallTime })
  .strict()
  .refine((r) => r.start !== '24:00', { message: 'a range cannot start at 24:00', path: ['start'] })
  .refine((r) => r.start !== r.end, { message: 'an empty range (start = end)', path: ['end'] });
export type TimeRange = z.infer<typeof TimeRange>;

/** Ranges of one day, at most 12. */
export const DayRanges = z.array(TimeRange).max(12);

/**
 * When a rule is on, in its branch's own zone: `weekly[0]` is Monday … `weekly[6]` Sunday;
 * `exceptions` are dated days (a holiday: `ranges: []` is off all day) whose ranges replace
 * that weekday's.
 */
export const TimeProfile = z
  .object({
    weekly: z.array(DayRanges).length(7),
    exceptions: z
      .array(z.object({ date: z.iso.date(), ranges: DayRanges }).strict())
      .max(366)
      .refine((xs) => new Set(xs.map((x) => x.date)).size === xs.length, { message: 'a date given twice' })
      .default([]),
  })
  .strict();
export type TimeProfile = z.infer<typeof TimeProfile>;

/**
 * What raises the alarm: any person; a detection counting at least `value` people (crowding); a
 * person on the watchlist; a person seen at `value` or more branches today (a journey across
 * sites); a camera offline for more than `value` seconds.
 */
export const AlarmCondition = z.discriminatedUnion('type', [
  z.object({ type: z.literal('any_person') }).strict(),
  z.object({ type: z.literal('count_at_least'), value: z.int().min(1).max(10_000) }).strict(),
  z.object({ type: z.literal('watchlist') }).strict(),
  z.object({ type: z.literal('multi_branch'), value: z.int().min(2).max(1_000) }).strict(),
  z.object({ type: z.literal('camera_offline'), value: z.int().min(10).max(86_400) }).strict(),
]);
export type AlarmCondition = z.infer<typeof AlarmCondition>;

/** The name of an arming mode ("office hours", "night", "holiday"): 1..40 characters, trimmed. */
export const ArmingModeName = z.string().trim().min(1).max(40);

/** Longest instruction (the site's procedure shown on the alarm), characters. */
export const ALARM_INSTRUCTIONS_MAX = 2000;

/** Most cameras one rule may name. */
export const ALARM_RULE_DEVICES_MAX = 200;

/**
 * The priority a new rule gets when none is given: a watchlist hit is critical, a camera offline
 * high, everything else medium.
 */
export function defaultPriorityFor(condition: AlarmCondition): AlarmPriority {
  return condition.type === 'watchlist' ? 'critical' : condition.type === 'camera_offline' ? 'high' : 'medium';
}

/** The fields an admin writes (create: all but `name`, `branch_id` and `condition` defaulted). */
const RuleFields = {
  name: z.string().trim().min(1).max(120),
  enabled: z.boolean(),
  /** device ids of the branch's cameras; empty = every camera of the branch */
  device_ids: z
    .array(DeviceExternalId)
    .max(ALARM_RULE_DEVICES_MAX)
    .refine((xs) => new Set(xs).size === xs.length, { message: 'a camera given twice' }),
  condition: AlarmCondition,
  /** null = always */
  schedule: TimeProfile.nullable(),
  priority: AlarmPriority,
  /** arming modes the rule belongs to; empty = every mode */
  modes: z
    .array(ArmingModeName)
    .max(20)
    .refine((xs) => new Set(xs).size === xs.length, { message: 'a mode given twice' }),
  /** one alarm per (rule, camera, person) within this many seconds; 0 = every detection */
  cooldown_s: z.int().min(0).max(86_400),
  /** send the branch's WhatsApp alert (its settings) for the alarms of this rule */
  notify_whatsapp: z.boolean(),
  /** close an alarm of this rule by itself after this many minutes; null = never */
  auto_close_minutes: z.int().min(1).max(10_080).nullable(),
  /** the acknowledgement target (service level), seconds; null = none */
  ack_target_s: z.int().min(1).max(86_400).nullable(),
  /** the site's procedure, shown to the operator on the alarm */
  instructions: z.string().trim().max(ALARM_INSTRUCTIONS_MAX),
};

/** An alarm rule (issue 14), as the API hands it out. */
export const AlarmRule = z.object({
  id: Id,
  branch_id: Id,
  branch_name: z.string(),
  ...RuleFields,
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type AlarmRule = z.infer<typeof AlarmRule>;

/** Body of `POST /api/v1/alarm-rules`: the branch, a name and a condition; the rest defaults. */
export const AlarmRuleCreate = z
  .object({
    branch_id: Id,
    name: RuleFields.name,
    condition: RuleFields.condition,
    enabled: RuleFields.enabled.default(true),
    device_ids: RuleFields.device_ids.default([]),
    schedule: RuleFields.schedule.default(null),
    /** default: {@link defaultPriorityFor} the condition */
    priority: RuleFields.priority.optional(),
    modes: RuleFields.modes.default([]),
    cooldown_s: RuleFields.cooldown_s.default(60),
    notify_whatsapp: RuleFields.notify_whatsapp.default(true),
    auto_close_minutes: RuleFields.auto_close_minutes.default(null),
    ack_target_s: RuleFields.ack_target_s.default(null),
    instructions: RuleFields.instructions.default(''),
  })
  .strict();
export type AlarmRuleCreate = z.input<typeof AlarmRuleCreate>;

/** Body of `PATCH /api/v1/alarm-rules/:id`: any subset (a rule stays in its branch). */
export const AlarmRuleUpdate = z
  .object({
    name: RuleFields.name.optional(),
    enabled: RuleFields.enabled.optional(),
    device_ids: RuleFields.device_ids.optional(),
    condition: RuleFields.condition.optional(),
    schedule: RuleFields.schedule.optional(),
    priority: RuleFields.priority.optional(),
    modes: RuleFields.modes.optional(),
    cooldown_s: RuleFields.cooldown_s.optional(),
    notify_whatsapp: RuleFields.notify_whatsapp.optional(),
    auto_close_minutes: RuleFields.auto_close_minutes.optional(),
    ack_target_s: RuleFields.ack_target_s.optional(),
    instructions: RuleFields.instructions.optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' });
export type AlarmRuleUpdate = z.input<typeof AlarmRuleUpdate>;

/** `GET /api/v1/alarm-rules?branch_id=`. */
export const AlarmRuleFilter = z.object({ branch_id: z.coerce.number().int().positive().optional() });

/**
 * One entry of a branch's arming schedule: while `schedule` is on (in the branch's zone), the
 * branch is in `mode`. The first entry on wins; outside every entry the branch has no mode.
 */
export const ArmingScheduleEntry = z.object({ mode: ArmingModeName, schedule: TimeProfile }).strict();
export type ArmingScheduleEntry = z.infer<typeof ArmingScheduleEntry>;

/**
 * Body of `PUT /api/v1/branches/:id/arming-schedule`: the modes switched by time (at most 10;
 * empty = by hand only). The schedule switches the mode at each boundary; a switch by hand holds
 * until the next one. It never arms or disarms.
 */
export const ArmingScheduleBody = z.object({ entries: z.array(ArmingScheduleEntry).max(10) }).strict();
export type ArmingScheduleBody = z.input<typeof ArmingScheduleBody>;

/** A branch's arming at run time: armed or not, and the arming mode that picks its rules. */
export const BranchArming = z.object({
  branch_id: Id,
  branch_name: z.string(),
  armed: z.boolean(),
  /** null = no mode: only the rules without modes apply */
  mode: ArmingModeName.nullable(),
  /** the modes the branch's rules name, sorted */
  modes: z.array(z.string()),
  /** who switched it last (null: the arming schedule, or nobody yet) */
  changed_by: Id.nullable(),
  changed_by_name: z.string().nullable(),
  changed_at: IsoDateTime.nullable(),
  /** the modes switched by time (empty: by hand only) */
  schedule: z.array(ArmingScheduleEntry),
});
export type BranchArming = z.infer<typeof BranchArming>;

/** Body of `POST /api/v1/branches/:id/arming`; `mode` absent keeps the current one, null clears it. */
export const ArmingBody = z.object({ armed: z.boolean(), mode: ArmingModeName.nullable().optional() }).strict();
export type ArmingBody = z.infer<typeof ArmingBody>;

/** A person on the watchlist. */
export const WatchlistEntry = z.object({
  re_id: z.string(),
  reason: z.string(),
  added_by: Id.nullable(),
  added_by_name: z.string().nullable(),
  added_at: IsoDateTime,
});
export type WatchlistEntry = z.infer<typeof WatchlistEntry>;

/**
 * Body of `PUT /api/v1/watchlist/:re_id`: why the person is watched (1..500 characters);
 * `only_new: true` adds and never replaces (409 CONFLICT when the person is on it already).
 */
export const WatchlistBody = z
  .object({ reason: z.string().trim().min(1).max(500), only_new: z.boolean().optional() })
  .strict();
export type WatchlistBody = z.infer<typeof WatchlistBody>;

/** `:re_id` of the watchlist routes. */
export const WatchlistParams = z.object({ re_id: ReId });

/** A rule as the preview takes it: the fields of a new rule, without its branch. */
export const AlarmRuleDraft = AlarmRuleCreate.omit({ branch_id: true });
export type AlarmRuleDraft = z.input<typeof AlarmRuleDraft>;

/**
 * Body of `POST /api/v1/alarm-rules/preview`: a branch's rules as they would be (the editor's
 * draft list, in order), replayed over the detections stored for one of its site-local days
 * (default yesterday), armed in `mode` (default: the branch's current mode).
 */
export const AlarmRulePreviewBody = z
  .object({
    branch_id: Id,
    rules: z.array(AlarmRuleDraft).max(50),
    day: z.iso.date().optional(),
    mode: ArmingModeName.nullable().optional(),
  })
  .strict();
export type AlarmRulePreviewBody = z.input<typeof AlarmRulePreviewBody>;

/** What the preview found: of `detections` that day, how many would have raised alarms, per rule too. */
export const AlarmRulePreview = z.object({
  day: z.iso.date(),
  zone: z.string(),
  detections: z.int(),
  alarms: z.int(),
  /** alarms raised by each rule of the draft list, in its order */
  per_rule: z.array(z.int()),
  /** the day had more detections than the preview reads (it read the first ones) */
  truncated: z.boolean(),
});
export type AlarmRulePreview = z.infer<typeof AlarmRulePreview>;
