/**
 * Alarm rule evaluation (issue 14), as pure functions: no database, no clock of its own. The
 * detection job will give it the facts of a detection (its camera, person, count, instant, the
 * branch's zone, whether the person is on the watchlist, at how many branches they were seen
 * today), the branch's rules and arming, and the last alarm of each (rule, camera, person); it
 * answers which rule raises the alarm, if any.
 *
 * Semantics (the shapes are packages/shared/src/schemas/alarm-rules.ts):
 * - A disarmed branch raises nothing. An armed one in a mode uses the rules of that mode (a rule
 *   with no modes belongs to every mode).
 * - A rule applies to its cameras (none listed = every camera of the branch), while its time
 *   profile is on (null = always) in the branch's own zone.
 * - A time range belongs to the day it starts: 22:00–06:00 on a Friday covers Friday 22:00 to
 *   Saturday 06:00. A dated exception replaces its day's weekday ranges, and so also decides the
 *   overnight part that runs into the next day.
 * - Of the rules that match, the most urgent priority wins (critical, high, medium, low), then
 *   the lowest id. While that rule cools down for this (camera, person), nothing is raised — not
 *   a less urgent rule either (the person is alarmed already, and louder) — so a person standing
 *   in front of a camera is one alarm, not one per detection.
 */
import type { AlarmCondition, AlarmPriority, TimeProfile, TimeRange } from '@pantau/shared';
import { addDays, utcOffsetMs } from '../services/site-time.js';

/** What the evaluator needs of a rule. */
export interface EvaluatedRule {
  id: number;
  enabled: boolean;
  /** device ids; empty = every camera of the branch */
  device_ids: readonly string[];
  condition: AlarmCondition;
  /** null = always */
  schedule: TimeProfile | null;
  priority: AlarmPriority;
  /** arming modes the rule belongs to; empty = every mode */
  modes: readonly string[];
  /** one alarm per (rule, camera, person) within this many seconds */
  cooldown_s: number;
}

/** A branch's arming at run time. */
export interface Arming {
  armed: boolean;
  /** the arming mode (e.g. "night"), or null for none */
  mode: string | null;
}

/** What is known of one detection when it is evaluated. */
export interface DetectionFacts {
  device_id: string;
  re_id: string;
  detected_count: number;
  /** the detection's instant, epoch ms */
  at: number;
  /** the branch's IANA zone */
  zone: string;
  /** whether the person is on the watchlist */
  watchlisted: boolean;
  /** distinct branches the person was seen at today (this one included) */
  branches_today: number;
}

/** The instant (epoch ms) of the last alarm a rule raised for a camera and person, or null. */
export type LastAlarmAt = (ruleId: number, deviceId: string, reId: string) => number | null;

const PRIORITY_RANK: Record<AlarmPriority, number> = { critical: 0, high: 1, medium: 2, low: 3 };
const DAY_MIN = 24 * 60;

/** Minutes since local midnight of `HH:MM` (24:00 = 1440). */
function minutes(t: string): number {
  return Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
}

/** The ranges a profile gives a local day (YYYY-MM-DD): its exception's, or its weekday's. */
function rangesOf(profile: TimeProfile, day: string): readonly TimeRange[] {
  const exception = profile.exceptions.find((x) => x.date === day);
  if (exception) return exception.ranges;
  // Date.UTC(…).getUTCDay(): 0 = Sunday; the profile's weekly[0] is Monday
  const weekday = (new Date(`${day}T00:00:00.000Z`).getUTCDay() + 6) % 7;
  return profile.weekly[weekday]!;
}

/**
 * Whether a time profile is on at an instant, in a zone's wall clock.
 * @param profile null = always on
 * @param at epoch ms
 * @throws RangeError when the zone is unknown
 */
export function scheduleOn(profile: TimeProfile | null, at: number, zone: string): boolean {
  if (profile === null) return true;
  const local = new Date(at + utcOffsetMs(zone, at)).toISOString();
  const day = local.slice(0, 10);
  const now = Number(local.slice(11, 13)) * 60 + Number(local.slice(14, 16));
  for (const r of rangesOf(profile, day)) {
    const s = minutes(r.start);
    const e = minutes(r.end);
    if (e > s ? now >= s && now < e : now >= s) return true;
  }
  // yesterday's overnight ranges reach into today until their end
  for (const r of rangesOf(profile, addDays(day, -1))) {
    const s = minutes(r.start);
    const e = minutes(r.end);
    if (e <= s && e < DAY_MIN && now < e) return true;
  }
  return false;
}

/** Whether a detection meets a condition (a camera_offline condition is never met by a detection). */
export function conditionMet(c: AlarmCondition, f: DetectionFacts): boolean {
  switch (c.type) {
    case 'any_person':
      return true;
    case 'count_at_least':
      return f.detected_count >= c.value;
    case 'watchlist':
      return f.watchlisted;
    case 'multi_branch':
      return f.branches_today >= c.value;
    case 'camera_offline':
      return false;
  }
}

/** Whether a rule is in force for a camera at an instant: enabled, in the arming mode, on the camera, scheduled. */
function applies(r: EvaluatedRule, arming: Arming, deviceId: string, at: number, zone: string): boolean {
  return (
    r.enabled &&
    (r.modes.length === 0 || (arming.mode !== null && r.modes.includes(arming.mode))) &&
    (r.device_ids.length === 0 || r.device_ids.includes(deviceId)) &&
    scheduleOn(r.schedule, at, zone)
  );
}

/**
 * The rule that raises an alarm for this detection, or null (an event, not an alarm).
 * @param rules the branch's rules
 * @param lastAlarmAt the last alarm of a (rule, camera, person), for the cooldown
 * @throws RangeError when the zone is unknown
 */
export function alarmRuleFor(
  rules: readonly EvaluatedRule[],
  arming: Arming,
  f: DetectionFacts,
  lastAlarmAt: LastAlarmAt,
): EvaluatedRule | null {
  if (!arming.armed) return null;
  const candidates = rules
    .filter((r) => applies(r, arming, f.device_id, f.at, f.zone) && conditionMet(r.condition, f))
    .sort((a, b) => PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || a.id - b.id);
  const top = candidates[0];
  if (!top) return null;
  // no cooldown: nothing to read (the default rule's case, on every detection)
  if (top.cooldown_s === 0) return top;
  const last = lastAlarmAt(top.id, f.device_id, f.re_id);
  // either side: a store-and-forward detection from before the last alarm is the same visit
  return last === null || Math.abs(f.at - last) >= top.cooldown_s * 1000 ? top : null;
}

/**
 * The camera_offline rules a camera offline for `offlineS` seconds now meets (each fires once
 * per outage: the caller remembers which it raised).
 * @param at epoch ms, for the schedule
 * @throws RangeError when the zone is unknown
 */
export function offlineRulesFor(
  rules: readonly EvaluatedRule[],
  arming: Arming,
  deviceId: string,
  offlineS: number,
  at: number,
  zone: string,
): EvaluatedRule[] {
  if (!arming.armed) return [];
  return rules
    .filter(
      (r) =>
        r.condition.type === 'camera_offline' && offlineS > r.condition.value && applies(r, arming, deviceId, at, zone),
    )
    .sort((a, b) => PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || a.id - b.id);
}
