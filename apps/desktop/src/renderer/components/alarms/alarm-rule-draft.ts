/**
 * The rule editor's draft (issue 14), as pure functions: the editor's state for a rule (or a new
 * one), the body the server takes for it, and a stored rule as a preview draft. A stored
 * schedule goes back as it was unless its grid was painted (the grid has whole hours), and a grid
 * with every hour on and no exceptions is "always".
 */
import {
  defaultPriorityFor,
  type AlarmCondition,
  type AlarmPriority,
  type AlarmRule,
  type AlarmRuleDraft,
  type TimeProfile,
} from '@pantau/shared';
import { emptyGrid, gridOf, profileOf, type WeekGrid } from './time-grid-model.js';

export const FIELDS = [
  'name',
  'condition',
  'device_ids',
  'schedule',
  'priority',
  'modes',
  'cooldown_s',
  'notify_whatsapp',
  'auto_close_minutes',
  'ack_target_s',
  'instructions',
] as const;

export const CONDITIONS: ReadonlyArray<AlarmCondition['type']> = [
  'any_person',
  'count_at_least',
  'watchlist',
  'multi_branch',
  'camera_offline',
];

/** The value a condition type starts with, or null when it takes none. */
export const DEFAULT_VALUE: Record<AlarmCondition['type'], number | null> = {
  any_person: null,
  count_at_least: 5,
  watchlist: null,
  multi_branch: 2,
  camera_offline: 60,
};

export const conditionOf = (type: AlarmCondition['type'], value: number | string): AlarmCondition =>
  DEFAULT_VALUE[type] === null
    ? ({ type } as AlarmCondition)
    : ({ type, value: Number(value) || DEFAULT_VALUE[type]! } as AlarmCondition);

/** The editor's state, as a draft the server takes. */
export interface Draft {
  name: string;
  enabled: boolean;
  type: AlarmCondition['type'];
  value: number | string;
  device_ids: string[];
  always: boolean;
  grid: WeekGrid;
  /** the rule's stored schedule, sent back as it is unless the grid was painted */
  schedule0: TimeProfile | null;
  gridTouched: boolean;
  exceptions: TimeProfile['exceptions'];
  priority: AlarmPriority;
  /** whether the admin chose the priority (else it follows the condition) */
  priorityChosen: boolean;
  modes: string[];
  cooldown_s: number | string;
  notify_whatsapp: boolean;
  auto_close_minutes: number | string;
  ack_target_s: number | string;
  instructions: string;
}

export function draftOf(rule: AlarmRule | null): Draft {
  const c: AlarmCondition = rule?.condition ?? { type: 'any_person' };
  return {
    name: rule?.name ?? '',
    enabled: rule?.enabled ?? true,
    type: c.type,
    value: 'value' in c ? c.value : (DEFAULT_VALUE[c.type] ?? ''),
    device_ids: rule?.device_ids ?? [],
    always: (rule?.schedule ?? null) === null,
    // "always" turned off starts from an empty week: the admin paints the hours it is on
    grid: rule?.schedule ? gridOf(rule.schedule) : emptyGrid(),
    schedule0: rule?.schedule ?? null,
    gridTouched: false,
    exceptions: rule?.schedule?.exceptions ?? [],
    priority: rule?.priority ?? 'medium',
    priorityChosen: rule !== null,
    modes: rule?.modes ?? [],
    cooldown_s: rule?.cooldown_s ?? 60,
    notify_whatsapp: rule?.notify_whatsapp ?? true,
    auto_close_minutes: rule?.auto_close_minutes ?? '',
    ack_target_s: rule?.ack_target_s ?? '',
    instructions: rule?.instructions ?? '',
  };
}

const orNull = (v: number | string) => (v === '' || v === null ? null : Number(v));

/** The body the server takes for a draft. */
export function bodyOf(d: Draft): AlarmRuleDraft & { enabled: boolean } {
  const condition = conditionOf(d.type, d.value);
  return {
    name: d.name.trim(),
    enabled: d.enabled,
    condition,
    device_ids: d.device_ids,
    // the grid has whole hours: a stored schedule (22:30–06:00, say) goes back untouched unless painted
    schedule: d.always
      ? null
      : !d.gridTouched && d.schedule0
        ? { weekly: d.schedule0.weekly, exceptions: d.exceptions }
        : profileOf(d.grid, d.exceptions),
    priority: d.priorityChosen ? d.priority : defaultPriorityFor(condition),
    modes: d.modes,
    cooldown_s: Number(d.cooldown_s) || 0,
    notify_whatsapp: d.notify_whatsapp,
    auto_close_minutes: orNull(d.auto_close_minutes),
    ack_target_s: orNull(d.ack_target_s),
    instructions: d.instructions,
  };
}

/** A rule as a preview draft. */
export const asDraft = (r: AlarmRule): AlarmRuleDraft => ({
  name: r.name,
  enabled: r.enabled,
  condition: r.condition,
  device_ids: r.device_ids,
  schedule: r.schedule,
  priority: r.priority,
  modes: r.modes,
  cooldown_s: r.cooldown_s,
  notify_whatsapp: r.notify_whatsapp,
  auto_close_minutes: r.auto_close_minutes,
  ack_target_s: r.ack_target_s,
  instructions: r.instructions,
});

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `v` is a real calendar day YYYY-MM-DD (2026-02-30 rolls over to March in Date: compared back). */
export function realDay(v: string): boolean {
  const t = Date.parse(`${v}T00:00:00Z`);
  return DAY_RE.test(v) && !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === v;
}
