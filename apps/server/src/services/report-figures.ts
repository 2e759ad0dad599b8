/**
 * The figures of one counting report (issue 13) from the rollups (repositories/report-repository.ts):
 * totals, hours, days, devices, top persons, peak hour, per-branch breakdown and the previous
 * period's totals. A day's persons come from `person_days` and that day's detections; a week's
 * or month's from `person_periods` (one row per person and branch in the period), read branch by
 * branch with a yield between, so a month of every branch does not hold the thread for its
 * whole read (at 1 M detections reading them from the detections took 2.6 s; bench/README.md).
 */
import type { ReportData } from '@pantau/shared';
import type { DashboardBranch as ReportBranchRow } from '../repositories/dashboard-repository.js';
import type { PersonCount, ReportRepository } from '../repositories/report-repository.js';
import { previousPeriod, type ReportPeriod } from './report-period.js';
import { addDays, countingZone, dayStartUtc } from './site-time.js';

/** Persons in `top_persons`. */
const TOP_PERSONS = 10;

/** One person's figures over the report's branches. */
interface PersonTotals {
  detections: number;
  detected_count: number;
  branches: number;
  first: number;
  last: number;
}

/**
 * What a report shows: its figures over the period, each branch in its own days. Totals are read
 * first (see report-service.ts), then the breakdowns.
 * @param previousUnique the previous period's distinct persons when a fresh report of it is at
 *   hand (its `total_detections` is given with it, to be checked against the rollups); read
 *   otherwise
 * @throws Error when `signal` aborts (the job's timeout or the worker stopping)
 */
export async function reportFigures(
  repo: ReportRepository,
  branches: readonly ReportBranchRow[],
  p: ReportPeriod,
  signal: AbortSignal,
  previousUnique?: { total_detections: number; unique_person_count: number },
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
  const persons = await periodPersons(repo, branches, p, signal);
  const unique = persons.unique;

  const hourly = Array.from({ length: 24 }, (_, hour) => ({ hour, detections: 0, detected_count: 0 }));
  for (const h of ids.length ? repo.hours(ids, p.start, p.end) : []) {
    hourly[h.local_hour]!.detections = Number(h.detections);
    hourly[h.local_hour]!.detected_count = Number(h.detected_sum);
  }
  // distinct persons per day: one branch's are its daily rollup; over several branches and days
  // a person at two branches is one, which only a scan of every person-day could tell: left out
  const perDay = p.type === 'daily' || ids.length === 1;
  const days = new Map(
    p.days.map((d) => [
      d,
      { date: d, detections: 0, detected_count: 0, unique_persons: perDay ? (p.type === 'daily' ? unique : 0) : null },
    ]),
  );
  const perBranch = new Map<number, { detections: number; detected_count: number }>();
  for (const r of daily) {
    const d = days.get(r.local_day);
    if (d) {
      d.detections += r.detections;
      d.detected_count += r.detected_sum;
      if (perDay && p.type !== 'daily') d.unique_persons = r.unique_persons;
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

  const top = topPersons(persons.byPerson);
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
  const prevUnique =
    prevTotals.detections === 0
      ? 0
      : previousUnique && previousUnique.total_detections === prevTotals.detections
        ? previousUnique.unique_person_count
        : await periodUnique(repo, branches, prev, signal);
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
          unique_persons: persons.byBranch.get(b.id) ?? 0,
        }))
        .sort((a, b) => b.detections - a.detections || a.branch_id - b.branch_id),
      previous:
        prevTotals.detections > 0
          ? {
              report_date: prev.start,
              total_detections: prevTotals.detections,
              total_detected_count: prevTotals.detected_sum,
              unique_person_count: prevUnique,
            }
          : null,
    },
  };
}

/** Most detections first, then most detected_count, then re_id. */
function before(a: [string, PersonTotals], b: [string, PersonTotals]): boolean {
  return (
    a[1].detections > b[1].detections ||
    (a[1].detections === b[1].detections &&
      (a[1].detected_count > b[1].detected_count || (a[1].detected_count === b[1].detected_count && a[0] < b[0])))
  );
}

/** The {@link TOP_PERSONS} first by {@link before}, in one pass (a month of every branch has ~10⁵ persons: no sort of them all). */
function topPersons(byPerson: Map<string, PersonTotals>): Array<[string, PersonTotals]> {
  const top: Array<[string, PersonTotals]> = [];
  for (const e of byPerson) {
    if (top.length === TOP_PERSONS && !before(e, top[top.length - 1]!)) continue;
    let i = top.length;
    while (i > 0 && before(e, top[i - 1]!)) i--;
    top.splice(i, 0, e);
    if (top.length > TOP_PERSONS) top.pop();
  }
  return top;
}

/** A yield to the event loop between branches, and the job's abort. */
async function pause(signal: AbortSignal): Promise<void> {
  await new Promise((r) => setImmediate(r));
  if (signal.aborted) throw new Error('report generation aborted');
}

/** The persons' rows of one branch in the period: a day's from its detections, a week's or month's from person_periods. */
function branchPersons(repo: ReportRepository, b: ReportBranchRow, p: ReportPeriod): PersonCount[] {
  if (p.type !== 'daily') return repo.periodPersons(p.type, p.start, b.id);
  const zone = countingZone(b.timezone);
  return repo.personCounts(b.id, dayStartUtc(p.start, zone), dayStartUtc(addDays(p.end, 1), zone));
}

/**
 * Every person over the branches in the period, merged (a person at two branches is one, with
 * both branches' detections), and the distinct persons per branch.
 */
async function periodPersons(
  repo: ReportRepository,
  branches: readonly ReportBranchRow[],
  p: ReportPeriod,
  signal: AbortSignal,
): Promise<{ byPerson: Map<string, PersonTotals>; byBranch: Map<number, number>; unique: number }> {
  const byPerson = new Map<string, PersonTotals>();
  const byBranch = new Map<number, number>();
  for (const b of branches) {
    await pause(signal);
    const rows = branchPersons(repo, b, p);
    byBranch.set(b.id, rows.length);
    for (const c of rows) {
      const m = byPerson.get(c.re_id);
      if (m) {
        m.detections += c.detections;
        m.detected_count += c.detected_sum;
        m.branches += 1;
        m.first = Math.min(m.first, c.first);
        m.last = Math.max(m.last, c.last);
      } else
        byPerson.set(c.re_id, {
          detections: c.detections,
          detected_count: c.detected_sum,
          branches: 1,
          first: c.first,
          last: c.last,
        });
    }
  }
  return { byPerson, byBranch, unique: byPerson.size };
}

/** The distinct persons over the branches in a period (the previous one's, for the comparison). */
async function periodUnique(
  repo: ReportRepository,
  branches: readonly ReportBranchRow[],
  p: ReportPeriod,
  signal: AbortSignal,
): Promise<number> {
  if (p.type === 'daily')
    return repo.uniquePersons(
      branches.map((b) => b.id),
      p.start,
      p.end,
    );
  const seen = new Set<string>();
  for (const b of branches) {
    await pause(signal);
    for (const r of repo.periodPersons(p.type, p.start, b.id)) seen.add(r.re_id);
  }
  return seen.size;
}
