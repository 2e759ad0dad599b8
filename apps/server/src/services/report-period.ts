/**
 * Report periods (issue 13): a daily report is one site-local day, a weekly one Monday to Sunday
 * (ISO 8601 weeks), a monthly one the calendar month. Days are YYYY-MM-DD strings read in each
 * branch's own zone by the caller; this module only does calendar arithmetic.
 */
import type { ReportType } from '@pantau/shared';
import { addDays, siteDay } from './site-time.js';

/** A report's period: its first and last day (inclusive), and every day in order. */
export interface ReportPeriod {
  type: ReportType;
  start: string;
  end: string;
  days: string[];
}

/**
 * The period of `type` that holds `day`.
 * @param day YYYY-MM-DD
 * @throws RangeError when `day` is not a day
 */
export function periodOf(type: ReportType, day: string): ReportPeriod {
  let start: string;
  let end: string;
  if (type === 'daily') {
    start = end = addDays(day, 0);
  } else if (type === 'weekly') {
    const dow = new Date(`${addDays(day, 0)}T00:00:00Z`).getUTCDay(); // 0 = Sunday
    start = addDays(day, -((dow + 6) % 7));
    end = addDays(start, 6);
  } else {
    start = `${addDays(day, 0).slice(0, 7)}-01`;
    end = addDays(`${nextMonth(start)}`, -1);
  }
  const days: string[] = [];
  for (let d = start; d <= end; d = addDays(d, 1)) days.push(d);
  return { type, start, end, days };
}

/** The period before `p` (the day, week or month before). */
export function previousPeriod(p: ReportPeriod): ReportPeriod {
  return periodOf(p.type, addDays(p.start, -1));
}

/**
 * The last complete period of `type` in `zone` at `now`: yesterday, last week, last month.
 * @throws RangeError when the zone is unknown
 */
export function lastCompletePeriod(type: ReportType, zone: string, now: number): ReportPeriod {
  const today = siteDay(now, zone);
  return previousPeriod(periodOf(type, today));
}

/** Whether `p` has ended by `today` (YYYY-MM-DD, the zone's): its last day is before it. */
export function periodEnded(p: ReportPeriod, today: string): boolean {
  return p.end < today;
}

/** `YYYY-MM-01` → the first day of the month after. */
function nextMonth(first: string): string {
  const y = Number(first.slice(0, 4));
  const m = Number(first.slice(5, 7));
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}
