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
