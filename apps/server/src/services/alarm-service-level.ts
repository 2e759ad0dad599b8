/**
 * The acknowledgement service level (issue 14), as a pure function over alarm rows: per branch
 * and site-local day, per operator and day, and for the whole, the count of alarms, how many
 * were acknowledged, the median and 90th percentile of the time from raised to acknowledged
 * (nearest-rank percentiles, seconds), and the breaches of the raising rule's target (an alarm
 * acknowledged later than its `ack_target_s`, or not acknowledged and older than it when it was
 * closed or now).
 * Each alarm counts in its own branch's day (site-time.ts), as the counting reports do.
 */
import type { AckTimes, AlarmServiceLevel } from '@pantau/shared';
import type { RaisedAlarmRow } from '../repositories/alarm-repository.js';
import { countingZone, siteDay } from './site-time.js';

/** One alarm as the service level needs it (the repository's row). */
export type AckRow = RaisedAlarmRow;

/** Nearest-rank percentile of sorted values, or null when there are none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

class Bucket {
  alarms = 0;
  times: number[] = [];
  withTarget = 0;
  breaches = 0;

  add(r: AckRow, now: number): void {
    this.alarms++;
    const raised = Date.parse(r.created_at);
    const ackS = r.acknowledged_at === null ? null : Math.max(0, (Date.parse(r.acknowledged_at) - raised) / 1000);
    if (ackS !== null) this.times.push(ackS);
    if (r.ack_target_s !== null) {
      this.withTarget++;
      // not acknowledged: it waited until it was closed (an auto-close), or is waiting still
      const waited = ackS ?? ((r.closed_at === null ? now : Date.parse(r.closed_at)) - raised) / 1000;
      if (waited > r.ack_target_s) this.breaches++;
    }
  }

  figures(): AckTimes {
    const sorted = [...this.times].sort((a, b) => a - b);
    const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
    return {
      alarms: this.alarms,
      acknowledged: sorted.length,
      p50_s: round(percentile(sorted, 50)),
      p90_s: round(percentile(sorted, 90)),
      with_target: this.withTarget,
      breaches: this.breaches,
    };
  }
}

/**
 * The service level of `rows` over the site-local days `from`..`to` (YYYY-MM-DD, inclusive).
 * Rows outside those days (in their branch's zone) are left out.
 * @param now epoch ms (for alarms still waiting past their target)
 * @returns branches and operators ordered by day, then name
 */
export function serviceLevel(rows: readonly AckRow[], from: string, to: string, now: number): AlarmServiceLevel {
  const total = new Bucket();
  const branches = new Map<string, { branch_id: number; branch_name: string; day: string; b: Bucket }>();
  const operators = new Map<string, { user_id: number; user_name: string; day: string; b: Bucket }>();
  for (const r of rows) {
    const day = siteDay(r.created_at, countingZone(r.timezone));
    if (day < from || day > to) continue;
    total.add(r, now);
    const bk = `${r.branch_id}|${day}`;
    let br = branches.get(bk);
    if (!br) branches.set(bk, (br = { branch_id: r.branch_id, branch_name: r.branch_name, day, b: new Bucket() }));
    br.b.add(r, now);
    if (r.acknowledged_by !== null && r.acknowledged_at !== null) {
      const ok = `${r.acknowledged_by}|${day}`;
      let op = operators.get(ok);
      if (!op)
        operators.set(
          ok,
          (op = {
            user_id: r.acknowledged_by,
            user_name: r.acknowledged_by_name ?? `#${r.acknowledged_by}`,
            day,
            b: new Bucket(),
          }),
        );
      op.b.add(r, now);
    }
  }
  const byDayThenName =
    <T extends { day: string }>(name: (x: T) => string) =>
    (a: T, b: T) =>
      a.day.localeCompare(b.day) || name(a).localeCompare(name(b));
  return {
    from,
    to,
    total: total.figures(),
    branches: [...branches.values()]
      .sort(byDayThenName((x) => x.branch_name))
      .map(({ b, ...k }) => ({ ...k, ...b.figures() })),
    operators: [...operators.values()]
      .sort(byDayThenName((x) => x.user_name))
      .map(({ b, ...k }) => ({ ...k, ...b.figures() })),
  };
}
