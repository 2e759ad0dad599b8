/**
 * The rollups (migrations 012, 016): hourly and daily detection counts per branch in site-local
 * time, a first-seen row per person, branch and day, and each person's detections per branch and
 * site-local week and month. `add` runs inside the detection's transaction
 * (DetectionRepository.apply), so the rollups are exactly the applied detections; `rebuild`
 * recomputes a range of days (and the weeks and months they touch) from
 * `re_id_branch_detections` for databases that predate them. Raw prepared statements: `add` runs
 * thousands of times per second.
 */
import type { SqlConnection, SqlStatement } from '../db/connection.js';
import { greatest, least } from '../db/sql-fragments.js';
import { addDays, siteHour } from '../services/site-time.js';
import { periodOf } from '../services/report-period.js';

/** Progress of a rebuild: `daysDone` of `days` rebuilt, `detections` counted so far. */
export type RebuildProgress = (daysDone: number, days: number, detections: number) => void;

/** Detections read per page while rebuilding. */
const PAGE = 5000;

/** What a rebuild did. */
export interface RebuildResult {
  /** detections read */
  detections: number;
  /** hourly rows written */
  hourly_rows: number;
  /** daily rows written */
  daily_rows: number;
  /** person-day rows written */
  person_days: number;
  /** person-week and person-month rows written (whole weeks and months that touch the range) */
  person_periods: number;
}

/** The Monday of `day`'s ISO week (a one-day cache: detections arrive in time order). */
let lastDay = '';
let lastWeek = '';
function weekOf(day: string): string {
  if (day !== lastDay) {
    lastWeek = periodOf('weekly', day).start;
    lastDay = day;
  }
  return lastWeek;
}

/** A week or month of person_periods. */
interface ReportPeriodKey {
  type: 'weekly' | 'monthly';
  start: string;
  end: string;
}

/** A detection as a rebuild reads it. */
interface StoredDetection {
  id: number;
  device_id: string;
  re_id: string;
  detected_count: number;
  detection_timestamp: number;
}

/** Statements writing and rebuilding the rollups. */
export class RollupRepository {
  private readonly s: Record<string, SqlStatement>;

  constructor(private readonly db: SqlConnection) {
    // conflict targets named and updated rows qualified (PostgreSQL asks both; SQLite accepts them)
    const e = db.engine;
    this.s = {
      hourly: db.prepare(
        `INSERT INTO detection_hourly (branch_id, local_day, local_hour, device_id, detections, detected_sum) VALUES (?, ?, ?, ?, 1, ?)
         ON CONFLICT (branch_id, local_day, local_hour, device_id) DO UPDATE SET detections = detection_hourly.detections + 1,
           detected_sum = detection_hourly.detected_sum + excluded.detected_sum`,
      ),
      personDay: db.prepare(
        `INSERT INTO person_days (branch_id, local_day, re_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
      ),
      daily: db.prepare(
        `INSERT INTO detection_daily (branch_id, local_day, detections, detected_sum, unique_persons) VALUES (?, ?, 1, ?, ?)
         ON CONFLICT (branch_id, local_day) DO UPDATE SET detections = detection_daily.detections + 1,
           detected_sum = detection_daily.detected_sum + excluded.detected_sum,
           unique_persons = detection_daily.unique_persons + excluded.unique_persons`,
      ),
      period: db.prepare(
        `INSERT INTO person_periods (period_type, period_start, branch_id, re_id, detections, detected_sum, first_detection, last_detection)
         VALUES (?, ?, ?, ?, 1, ?, ?, ?)
         ON CONFLICT (period_type, period_start, branch_id, re_id) DO UPDATE SET detections = person_periods.detections + 1,
           detected_sum = person_periods.detected_sum + excluded.detected_sum,
           first_detection = ${least(e, 'person_periods.first_detection', 'excluded.first_detection')},
           last_detection = ${greatest(e, 'person_periods.last_detection', 'excluded.last_detection')}`,
      ),
    };
  }

  /**
   * Count one detection. Call inside the transaction that applies it.
   * @param at the detection's own time, epoch ms (its hour and day are taken in `zone`)
   * @param zone the branch's IANA time zone
   * @throws RangeError when the zone is unknown
   */
  add(branchId: number, deviceId: string, reId: string, detectedCount: number, at: number, zone: string): void {
    const { day } = this.addDay(branchId, deviceId, reId, detectedCount, at, zone);
    this.s.period!.run('weekly', weekOf(day), branchId, reId, detectedCount, at, at);
    this.s.period!.run('monthly', `${day.slice(0, 7)}-01`, branchId, reId, detectedCount, at, at);
  }

  /** The day's part of {@link add}: hourly, daily and person-day rows. */
  private addDay(
    branchId: number,
    deviceId: string,
    reId: string,
    detectedCount: number,
    at: number,
    zone: string,
  ): { day: string; hour: number } {
    const local = siteHour(at, zone);
    this.s.hourly!.run(branchId, local.day, local.hour, deviceId, detectedCount);
    const firstToday = this.s.personDay!.run(branchId, local.day, reId).changes;
    this.s.daily!.run(branchId, local.day, detectedCount, firstToday);
    return local;
  }

  /**
   * Recompute the rollups of site-local days `from`..`to` (inclusive; each branch's days in its
   * own zone) from the detections, one day per transaction: the day's rows are deleted, then
   * every detection whose local day it is gets counted again. Then each week and month that
   * touches the range, whole, one per transaction, the same way. A transaction per day keeps the
   * write lock for seconds, not minutes, and stays exact beside a running server: SQLite orders
   * the rebuild and each live detection's transaction, so a detection is either recounted or
   * added after, never both.
   * @param from YYYY-MM-DD
   * @param to YYYY-MM-DD (a range with to < from rebuilds nothing)
   * @param zoneOf each branch's time zone (a branch that no longer exists: the server's)
   * @param progress called after each day, week and month
   * @throws RangeError when a day is not YYYY-MM-DD
   */
  rebuild(from: string, to: string, zoneOf: (branchId: number) => string, progress?: RebuildProgress): RebuildResult {
    const days: string[] = [];
    for (let d = addDays(from, 0); d <= to; d = addDays(d, 1)) days.push(d);
    const periods = new Map<string, ReportPeriodKey>();
    for (const d of days)
      for (const type of ['weekly', 'monthly'] as const) {
        const p = periodOf(type, d);
        periods.set(`${type}|${p.start}`, { type, start: p.start, end: p.end });
      }
    const steps = days.length + periods.size;
    const total: RebuildResult = { detections: 0, hourly_rows: 0, daily_rows: 0, person_days: 0, person_periods: 0 };
    const branches = (
      this.db.prepare(`SELECT DISTINCT branch_id FROM re_id_branch_detections`).all() as Array<{ branch_id: number }>
    ).map((b) => b.branch_id);
    days.forEach((day, i) => {
      const r = this.db.transaction(() => this.rebuildDay(day, branches, zoneOf), true);
      total.detections += r.detections;
      total.hourly_rows += r.hourly_rows;
      total.daily_rows += r.daily_rows;
      total.person_days += r.person_days;
      progress?.(i + 1, steps, total.detections);
    });
    [...periods.values()].forEach((p, i) => {
      total.person_periods += this.db.transaction(() => this.rebuildPeriod(p, branches, zoneOf), true);
      progress?.(days.length + i + 1, steps, total.detections);
    });
    return total;
  }

  /** One day of {@link rebuild}, inside its transaction. */
  private rebuildDay(
    day: string,
    branches: readonly number[],
    zoneOf: (branchId: number) => string,
  ): Omit<RebuildResult, 'person_periods'> {
    for (const t of ['detection_hourly', 'detection_daily', 'person_days'])
      this.db.prepare(`DELETE FROM ${t} WHERE local_day = ?`).run(day);
    let counted = 0;
    this.eachDetection(day, day, branches, zoneOf, (branchId, zone, r) => {
      this.addDay(branchId, r.device_id, r.re_id, r.detected_count, r.detection_timestamp, zone);
      counted++;
    });
    const n = (t: string) =>
      (this.db.prepare(`SELECT COUNT(*) AS n FROM ${t} WHERE local_day = ?`).get(day) as { n: number }).n;
    return {
      detections: counted,
      hourly_rows: n('detection_hourly'),
      daily_rows: n('detection_daily'),
      person_days: n('person_days'),
    };
  }

  /** One week or month of {@link rebuild}, inside its transaction. @returns its rows */
  private rebuildPeriod(p: ReportPeriodKey, branches: readonly number[], zoneOf: (branchId: number) => string): number {
    this.db.prepare(`DELETE FROM person_periods WHERE period_type = ? AND period_start = ?`).run(p.type, p.start);
    this.eachDetection(p.start, p.end, branches, zoneOf, (branchId, _zone, r) => {
      this.s.period!.run(
        p.type,
        p.start,
        branchId,
        r.re_id,
        r.detected_count,
        r.detection_timestamp,
        r.detection_timestamp,
      );
    });
    return (
      this.db
        .prepare(`SELECT COUNT(*) AS n FROM person_periods WHERE period_type = ? AND period_start = ?`)
        .get(p.type, p.start) as { n: number }
    ).n;
  }

  /**
   * Every detection whose site-local day (its branch's zone) is within `from`..`to`, branch by
   * branch over the (branch_id, detection_timestamp) index, a page at a time (better-sqlite3
   * cannot write on a connection while one of its reads is still iterating, and `fn` writes).
   */
  private eachDetection(
    from: string,
    to: string,
    branches: readonly number[],
    zoneOf: (branchId: number) => string,
    fn: (branchId: number, zone: string, r: StoredDetection) => void,
  ): void {
    // UTC instants that surely enclose the days in any zone (UTC−12..+14), refined per detection
    const lo = Date.parse(`${from}T00:00:00.000Z`) - 14 * 3_600_000;
    const hi = Date.parse(`${addDays(to, 1)}T00:00:00.000Z`) + 12 * 3_600_000;
    const page = this.db.prepare(
      `SELECT id, device_id, re_id, detected_count, detection_timestamp FROM re_id_branch_detections
       WHERE branch_id = ? AND (detection_timestamp, id) > (?, ?) AND detection_timestamp < ?
       ORDER BY detection_timestamp, id LIMIT ${PAGE}`,
    );
    for (const branchId of branches) {
      const zone = zoneOf(branchId);
      let after = { ts: lo - 1, id: Number.MAX_SAFE_INTEGER };
      for (;;) {
        const rows = page.all(branchId, after.ts, after.id, hi) as StoredDetection[];
        for (const r of rows) {
          const day = siteHour(r.detection_timestamp, zone).day;
          if (day >= from && day <= to) fn(branchId, zone, r);
        }
        if (rows.length < PAGE) break;
        const last = rows[rows.length - 1]!;
        after = { ts: last.detection_timestamp, id: last.id };
      }
    }
  }

  /** The first and last site-local day any detection falls on (a rough bound: UTC days ± 1), or null when there are none. */
  detectionDays(): { from: string; to: string } | null {
    const r = this.db
      .prepare(`SELECT MIN(detection_timestamp) AS lo, MAX(detection_timestamp) AS hi FROM re_id_branch_detections`)
      .get() as { lo: number | null; hi: number | null };
    if (r.lo === null || r.hi === null) return null;
    return {
      from: new Date(r.lo - 86_400_000).toISOString().slice(0, 10),
      to: new Date(r.hi + 86_400_000).toISOString().slice(0, 10),
    };
  }
}
