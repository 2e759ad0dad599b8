/**
 * The figures of one counting report (issue 13) from the rollups, `person_days` and the
 * detections (repositories/report-repository.ts): totals, hours, days, devices, top persons,
 * peak hour, per-branch breakdown and the previous period's totals.
 */
import type { ReportData } from '@pantau/shared';
import type { DashboardBranch as ReportBranchRow } from '../repositories/dashboard-repository.js';
import type { ReportRepository } from '../repositories/report-repository.js';
import { previousPeriod, type ReportPeriod } from './report-period.js';
import { addDays, countingZone, dayStartUtc } from './site-time.js';

/** Persons in `top_persons`. */
const TOP_PERSONS = 10;

/**
 * What a report shows: its figures over the period, each branch in its own days. Totals are read
 * first (see report-service.ts), then the breakdowns; the top persons branch by branch with a
 * yield between, so a long period does not hold the thread for its whole read.
 * @throws Error when `signal` aborts (the job's timeout or the worker stopping)
 */
export async function reportFigures(
  repo: ReportRepository,
  branches: readonly ReportBranchRow[],
  p: ReportPeriod,
  signal: AbortSignal,
): Promise<{
  total_detections: number;
  total_detected_count: number;
  unique_person_count: number;
  report_data: ReportData;
}> {
  const ids = branches.map((b) => b.id);
  // totals first (see the module comment)
  const daily = repo.daily(ids, p.start, p.end);
  const total = daily.reduce((s, r) => ({ d: s.d + r.detections, c: s.c + r.detected_sum }), { d: 0, c: 0 });
  const unique = ids.length ? repo.uniquePersons(ids, p.start, p.end) : 0;
  const byDay = ids.length ? repo.uniquePersonsByDay(ids, p.start, p.end) : new Map<string, number>();
  const byBranchPersons =
    ids.length === 1
      ? new Map([[ids[0]!, unique]])
      : ids.length
        ? repo.uniquePersonsByBranch(ids, p.start, p.end)
        : new Map<number, number>();

  const hourly = Array.from({ length: 24 }, (_, hour) => ({ hour, detections: 0, detected_count: 0 }));
  for (const h of ids.length ? repo.hours(ids, p.start, p.end) : []) {
    hourly[h.local_hour]!.detections = Number(h.detections);
    hourly[h.local_hour]!.detected_count = Number(h.detected_sum);
  }
  const days = new Map(
    p.days.map((d) => [d, { date: d, detections: 0, detected_count: 0, unique_persons: byDay.get(d) ?? 0 }]),
  );
  const perBranch = new Map<number, { detections: number; detected_count: number }>();
  for (const r of daily) {
    const d = days.get(r.local_day);
    if (d) {
      d.detections += r.detections;
      d.detected_count += r.detected_sum;
    }
    const b = perBranch.get(r.branch_id) ?? { detections: 0, detected_count: 0 };
    b.detections += r.detections;
    b.detected_count += r.detected_sum;
    perBranch.set(r.branch_id, b);
  }
  const devices = (ids.length ? repo.devices(ids, p.start, p.end) : [])
    .map((d) => ({
      device_id: d.device_id,
      device_name: d.device_name ?? d.device_id,
      branch_id: d.branch_id,
      detections: Number(d.detections),
      detected_count: Number(d.detected_sum),
    }))
    .sort((a, b) => b.detections - a.detections || a.device_id.localeCompare(b.device_id));

  // top persons: each branch's persons in its own period, merged
  const persons = new Map<
    string,
    { detections: number; detected_count: number; branches: number; first: number; last: number }
  >();
  for (const b of branches) {
    await new Promise((r) => setImmediate(r));
    if (signal.aborted) throw new Error('report generation aborted');
    const zone = countingZone(b.timezone);
    for (const c of repo.personCounts(b.id, dayStartUtc(p.start, zone), dayStartUtc(addDays(p.end, 1), zone))) {
      const m = persons.get(c.re_id);
      if (m) {
        m.detections += c.detections;
        m.detected_count += c.detected_sum;
        m.branches += 1;
        m.first = Math.min(m.first, c.first);
        m.last = Math.max(m.last, c.last);
      } else
        persons.set(c.re_id, {
          detections: c.detections,
          detected_count: c.detected_sum,
          branches: 1,
          first: c.first,
          last: c.last,
        });
    }
  }
  const top = [...persons]
    .sort(
      (a, b) =>
        b[1].detections - a[1].detections || b[1].detected_count - a[1].detected_count || (a[0] < b[0] ? -1 : 1),
    )
    .slice(0, TOP_PERSONS);
  const labels = repo.labels(top.map(([id]) => id));

  const peak = hourly.reduce<{ hour: number; detections: number } | null>(
    (best, h) =>
      h.detections > 0 && (best === null || h.detections > best.detections)
        ? { hour: h.hour, detections: h.detections }
        : best,
    null,
  );
  const prev = previousPeriod(p);
  const prevTotals = ids.length ? repo.totals(ids, prev.start, prev.end) : { detections: 0, detected_sum: 0 };
  return {
    total_detections: total.d,
    total_detected_count: total.c,
    unique_person_count: unique,
    report_data: {
      hourly_breakdown: hourly,
      daily_breakdown: [...days.values()],
      device_breakdown: devices,
      top_persons: top.map(([re_id, t]) => ({
        re_id,
        label: labels.get(re_id) ?? null,
        detections: t.detections,
        detected_count: t.detected_count,
        branches: t.branches,
        first_seen: new Date(t.first).toISOString(),
        last_seen: new Date(t.last).toISOString(),
      })),
      peak_hour: peak,
      branch_breakdown: branches
        .map((b) => ({
          branch_id: b.id,
          branch_name: b.branch_name,
          timezone: countingZone(b.timezone),
          detections: perBranch.get(b.id)?.detections ?? 0,
          detected_count: perBranch.get(b.id)?.detected_count ?? 0,
          unique_persons: byBranchPersons.get(b.id) ?? 0,
        }))
        .sort((a, b) => b.detections - a.detections || a.branch_id - b.branch_id),
      previous:
        prevTotals.detections > 0
          ? {
              report_date: prev.start,
              total_detections: prevTotals.detections,
              total_detected_count: prevTotals.detected_sum,
              unique_person_count: repo.uniquePersons(ids, prev.start, prev.end),
            }
          : null,
    },
  };
}
