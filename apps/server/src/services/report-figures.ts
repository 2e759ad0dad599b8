/**
 * The figures of one counting report (issue 13) from the rollups (repositories/report-repository.ts):
 * totals, hours, days, devices, top persons, peak hour, per-branch breakdown and the previous
 * period's totals. A day's persons come from that day's detections and `person_days`; a week's
 * or month's from `person_periods` (one row per person and branch in the period). Persons of
 * several branches are merged by SQLite in one statement (at 10 M detections a province's
 * month is ~1 M person_periods rows; bench/README.md), which holds its connection while it
 * runs: the server reads figures in its report thread (report-figures-thread.ts).
 */
import type { ReportData } from '@pantau/shared';
import type { DashboardBranch as ReportBranchRow } from '../repositories/dashboard-repository.js';
import type { MergedPerson, ReportRepository } from '../repositories/report-repository.js';
import { previousPeriod, type ReportPeriod } from './report-period.js';
import { addDays, countingZone, dayStartUtc } from './site-time.js';

/** Persons in `top_persons`. */
const TOP_PERSONS = 10;

/** What a report's figures are read for: its branches (with their zones) and its period. */
export interface ReportFiguresInput {
  branches: readonly ReportBranchRow[];
  period: ReportPeriod;
}

/** The previous period's distinct persons from its cached report, with the total it was made from. */
export interface PreviousUnique {
  total_detections: number;
  unique_person_count: number;
}

/** A report's figures: what counting_reports stores besides its key and times. */
export interface ReportFigures {
  total_detections: number;
  total_detected_count: number;
  unique_person_count: number;
  report_data: ReportData;
}

/**
 * Reads a report's figures: in the report thread (report-figures-host.ts) in the server, on the
 * caller's connection in tests and where there is no thread.
 * @throws Error when `signal` aborts, or the figures cannot be read
 */
export type FiguresReader = (
  input: ReportFiguresInput,
  signal: AbortSignal,
  previous?: PreviousUnique,
) => Promise<ReportFigures>;

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
  previousUnique?: PreviousUnique,
): Promise<ReportFigures> {
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

  const top = persons.top;
  const labels = repo.labels(top.map((t) => t.re_id));

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
      top_persons: top.map((t) => ({
        re_id: t.re_id,
        label: labels.get(t.re_id) ?? null,
        detections: t.detections,
        detected_count: t.detected_sum,
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

/** A check for the job's abort between statements (and, on a shared thread, a yield to the event loop). */
async function pause(signal: AbortSignal): Promise<void> {
  await new Promise((r) => setImmediate(r));
  if (signal.aborted) throw new Error('report generation aborted');
}

/** The day's bounds of each zone among the branches (epoch ms), with its branches. */
function dayWindows(branches: readonly ReportBranchRow[], day: string) {
  const byZone = new Map<string, number[]>();
  for (const b of branches) {
    const z = countingZone(b.timezone);
    byZone.set(z, [...(byZone.get(z) ?? []), b.id]);
  }
  return [...byZone].map(([zone, branchIds]) => ({
    branchIds,
    from: dayStartUtc(day, zone),
    to: dayStartUtc(addDays(day, 1), zone),
  }));
}

/**
 * Every person over the branches in the period, merged by SQLite (a person at two branches is
 * one, with both branches' detections): the {@link TOP_PERSONS} first, how many there are, and
 * the distinct persons per branch. A day's from its detections, a week's or month's from
 * person_periods.
 */
async function periodPersons(
  repo: ReportRepository,
  branches: readonly ReportBranchRow[],
  p: ReportPeriod,
  signal: AbortSignal,
): Promise<{ top: MergedPerson[]; byBranch: Map<number, number>; unique: number }> {
  const ids = branches.map((b) => b.id);
  if (ids.length === 0) return { top: [], byBranch: new Map(), unique: 0 };
  await pause(signal);
  const merged =
    p.type === 'daily'
      ? repo.dayPersonsMerged(dayWindows(branches, p.start), TOP_PERSONS)
      : repo.periodPersonsMerged(p.type, p.start, ids, TOP_PERSONS);
  await pause(signal);
  return { ...merged, byBranch: repo.personsPerBranch(p.type, p.start, ids) };
}

/** The distinct persons over the branches in a period (the previous one's, for the comparison). */
async function periodUnique(
  repo: ReportRepository,
  branches: readonly ReportBranchRow[],
  p: ReportPeriod,
  signal: AbortSignal,
): Promise<number> {
  const ids = branches.map((b) => b.id);
  await pause(signal);
  if (p.type === 'daily') return repo.uniquePersons(ids, p.start, p.end);
  return repo.periodUniquePersons(p.type, p.start, ids);
}
