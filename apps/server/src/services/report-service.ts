/**
 * Counting reports (S6, D8, issue 13; workflow 5 of seeds/sequence-diagrams-v1.3.md): cache
 * first, generated on the `reports` queue, kept right when late detections arrive.
 *
 * - `request`: the cached report (200), or the row of one being generated and its job (202).
 *   The row is created with its job in one transaction, unique on (type, date, scope), so two
 *   requests for one report make one job; everyone who asked is told `report_ready`.
 * - A report is exact when its `total_detections` equals the daily rollups of its branches and
 *   days; a late detection (a store-and-forward batch) changes the rollups, so the report is
 *   stale. A request finds that at once (one rollup read) and answers the stale report while
 *   its regeneration runs; the scheduler's sweep (every minute) regenerates ended periods that
 *   went stale with nobody looking. Nothing on the detection path knows about reports.
 * - Generation reads totals first, then the breakdowns: a detection landing in between makes
 *   the stored total smaller than the rollups, so the report is found stale and made again, never
 *   stored inconsistent and fresh. In the server the figures are read in the report thread
 *   (report-figures-host.ts), so a month of every branch never holds the HTTP thread; the job
 *   here stores them with its completion.
 * - Daily reports of yesterday at 01:00 in each branch's zone (the per-zone plan of
 *   site-schedule.ts), weekly ones on Mondays, monthly ones on the 1st; a group's and the
 *   all-branch reports run in the zone of theirs that reaches 01:00 last, when every branch's
 *   day is over. Missed ones are made when a zone enters the plan (at start, too).
 * - A branch's or group's daily report of yesterday from the schedule is due to its WhatsApp
 *   recipients when ready (`report.due`; services/notifications/report-delivery.ts), once.
 */
import {
  PantauError,
  type CountingReport,
  type ReportData,
  type ReportLanguage,
  type ReportPending,
  type ReportQuery,
  type ReportType,
} from '@pantau/shared';
import type { AuthUser, Caller } from '../domain/caller.js';
import type { DomainEvents } from '../domain/domain-events.js';
import type { SyncExecutor } from '../db/sync-executor.js';
import type { AuditRepository } from '../repositories/audit-repository.js';
import type { JobQueue } from '../repositories/job-queue.js';
import type { CountingReportRow, ReportRepository } from '../repositories/report-repository.js';
import type { DashboardBranch as ReportBranchRow } from '../repositories/dashboard-repository.js';
import { defineJob } from '../queue/job-definition.js';
import { renderReport } from './report-export.js';
import { reportFigures, type FiguresReader } from './report-figures.js';
import { lastCompletePeriod, periodEnded, periodOf, previousPeriod, type ReportPeriod } from './report-period.js';
import { addDays, countingZone, dayStartUtc, siteDay, utcOffsetMs } from './site-time.js';

/** Ended periods the sweep keeps right: reports whose period ended within this many days. */
const SWEEP_DAYS = 40;
/** Days of daily reports a zone's catch-up makes when missing. */
const CATCH_UP_DAYS = 7;

/** What a report covers, resolved against the caller's scope. */
export interface ReportScope {
  /** `b:<id>`, `g:<id>`, `all`; a partial view adds `/<ids>` */
  key: string;
  branch_id: number | null;
  group_id: number | null;
  branches: ReportBranchRow[];
  /** the zone its period is shown in */
  timezone: string;
}

/** `request`'s answer: the route's status and data. */
export type ReportAnswer = { status: 200; data: CountingReport } | { status: 202; data: ReportPending };

/** Builds, caches and keeps counting reports. */
export class ReportService {
  /** Generation of one report (retries 30/60/120 s, DESIGN S3). */
  readonly job = defineJob({
    type: 'report.generate',
    kind: 'async',
    queue: 'reports',
    retryDelaysMs: [30_000, 60_000, 120_000],
    timeoutMs: 300_000,
    run: (payload, _job, signal) => this.generate(payload.report_id, signal),
  });

  constructor(
    private readonly repo: ReportRepository,
    /** Branches in a scope (null = all), by id, optionally one group's or one branch (DashboardRepository.branches). */
    private readonly branches: (
      scope: readonly number[] | null,
      filter: { group_id?: number; branch_id?: number },
    ) => ReportBranchRow[],
    private readonly exec: SyncExecutor,
    private readonly queue: Pick<JobQueue, 'enqueue'>,
    private readonly events: DomainEvents,
    private readonly audit: AuditRepository,
    /** The server's zone (`config.timezone`): default periods and the zone of mixed scopes. */
    private readonly serverZone: string,
    private readonly now: () => number = Date.now,
    /** Where figures are read: the report thread in the server (report-figures-host.ts), else here. */
    private readonly readFigures: FiguresReader = (input, signal, previous) =>
      reportFigures(repo, input.branches, input.period, signal, previous),
  ) {}

  /**
   * The report of `type` for the period holding `q.date` (default: the last complete one) over
   * one branch, one group, or the caller's whole scope.
   * @throws PantauError VALIDATION_ERROR (field `group_id`) when both a branch and a group are given
   * @throws PantauError NOT_FOUND (field `branch_id` / `group_id`) when it does not exist or is out of scope
   */
  request(user: Pick<AuthUser, 'id' | 'branchScope' | 'groupScope'>, type: ReportType, q: ReportQuery): ReportAnswer {
    const scope = this.resolve(user, q);
    const period = q.date ? periodOf(type, q.date) : lastCompletePeriod(type, scope.timezone, this.now());
    return this.exec.tx(() => this.ensure(type, period, scope, user.id));
  }

  /**
   * A generated report as a file, after the scope check; the export is audited.
   * @throws PantauError NOT_FOUND (field `id`) when there is no such report or it covers a branch out of scope
   * @throws PantauError CONFLICT (field `id`) while it is being generated for the first time
   */
  exportable(caller: Caller, id: number): CountingReport {
    const row = this.repo.byId(id);
    const ids = row ? (JSON.parse(row.branch_ids) as number[]) : [];
    const scope = caller.user.branchScope;
    if (!row || (scope !== null && !ids.every((b) => scope.includes(b))))
      throw new PantauError('NOT_FOUND', `report ${id} not found`, { field: 'id' });
    if (row.status !== 'ready' || row.report_data === null)
      throw new PantauError('CONFLICT', `report ${id} is being generated; export it when report_ready arrives`, {
        field: 'id',
      });
    return this.toApi(row);
  }

  /** Record that `caller` exported report `id` as `format`. */
  recordExport(caller: Caller, id: number, format: string, lang: string): void {
    this.exec.tx(() => this.audit.record(caller.actor, 'export', 'counting_report', id, null, { format, lang }));
  }

  /**
   * Regenerate ready reports of ended periods whose counts no longer match the rollups (late
   * detections), and generating ones whose job is gone (spent its retries). Runs every minute.
   * @returns the ids of the reports put on the queue
   */
  sweep(): number[] {
    const since = addDays(siteDay(this.now(), this.serverZone), -SWEEP_DAYS);
    const queued: number[] = [];
    for (const r of this.repo.recentReady(since)) {
      const ids = JSON.parse(r.branch_ids) as number[];
      const row = this.repo.byId(r.id);
      if (!row || !periodEnded(periodOf(row.report_type, row.report_date), siteDay(this.now(), row.timezone))) continue;
      if (this.repo.totals(ids, r.report_date, r.period_end).detections === r.total_detections) continue;
      this.exec.tx(() => {
        const fresh = this.repo.byId(r.id);
        if (!fresh || fresh.status !== 'ready' || fresh.stale) return;
        const jobId = this.queue.enqueue('report.generate', { report_id: r.id });
        this.repo.queue(r.id, { status: 'ready', stale: true, job_id: jobId, branch_ids: ids, requested_by: [] });
        queued.push(r.id);
      });
    }
    return queued;
  }

  /**
   * The scheduled reports of `day` (the zone's yesterday) for the branches in `zone`: daily;
   * weekly when `day` is a Sunday; monthly when it is the month's last day. Groups and the
   * all-branch report whose last zone to reach 01:00 is `zone` too.
   * @returns how many reports were put on the queue (those already there are left alone)
   */
  scheduleDay(zone: string, day: string, branches: readonly { id: number; timezone: string }[]): number {
    const types: ReportType[] = ['daily'];
    if (periodOf('weekly', day).end === day) types.push('weekly');
    if (periodOf('monthly', day).end === day) types.push('monthly');
    let n = 0;
    for (const scope of this.scheduledScopes(zone, day, branches))
      for (const type of types)
        n += this.ensureScheduled(type, periodOf(type, day), scope, false, type === 'daily' && deliverable(scope));
    return n;
  }

  /**
   * Make the zone's missing reports: daily ones of its last {@link CATCH_UP_DAYS} days, the last
   * complete week and month, where something was counted (a new server, or a branch new to the
   * zone, gets no empty reports of days before it counted; the 01:00 run makes a day's report
   * even when it counted nothing, which is news too).
   * @returns how many were put on the queue
   */
  catchUp(zone: string, now: Date, branches: readonly { id: number; timezone: string }[]): number {
    const today = siteDay(now, zone);
    let n = 0;
    for (let i = CATCH_UP_DAYS; i >= 1; i--) {
      const day = addDays(today, -i);
      // yesterday's still goes to its recipients (the server was down at 01:00); older ones do not
      for (const scope of this.scheduledScopes(zone, day, branches))
        n += this.ensureScheduled('daily', periodOf('daily', day), scope, true, i === 1 && deliverable(scope));
    }
    for (const type of ['weekly', 'monthly'] as const) {
      const p = previousPeriod(periodOf(type, today));
      for (const scope of this.scheduledScopes(zone, p.end, branches)) n += this.ensureScheduled(type, p, scope, true);
    }
    return n;
  }

  /**
   * Generate one report (the job's work): read its figures, then store them and tell who asked.
   * @returns the database effects, committed with the job's completion
   */
  async generate(reportId: number, signal: AbortSignal): Promise<void | (() => void)> {
    const row = this.repo.byId(reportId);
    if (!row) return; // deleted meanwhile: nothing to make
    const ids = JSON.parse(row.branch_ids) as number[];
    const branches = this.branches(ids, {});
    const period = periodOf(row.report_type, row.report_date);
    // the previous period's distinct persons from its report, when there is one for these branches
    const prev = this.repo.find({
      report_type: row.report_type,
      report_date: previousPeriod(period).start,
      scope_key: row.scope_key,
    });
    const figures = await this.readFigures(
      { branches, period },
      signal,
      prev && prev.status === 'ready' && prev.branch_ids === row.branch_ids
        ? { total_detections: prev.total_detections, unique_person_count: prev.unique_person_count }
        : undefined,
    );
    const wasReady = row.status === 'ready';
    return () => {
      const now = this.repo.byId(reportId);
      if (!now) return;
      const late = wasReady ? Math.max(0, figures.total_detections - row.total_detections) : 0;
      this.repo.saveReady(reportId, {
        ...figures,
        generated_at: new Date(this.now()).toISOString(),
        late_detections: late,
      });
      this.events.emit('report.ready', {
        report_id: reportId,
        report_type: row.report_type,
        report_date: row.report_date,
        branch_id: row.branch_id,
        group_id: row.group_id,
        late_detections: late,
        requested_by: JSON.parse(now.requested_by) as number[],
      });
      if (now.deliver === 1 && now.delivered_at === null) this.events.emit('report.due', { report_id: reportId });
    };
  }

  /**
   * A ready report as a PDF in memory (a WhatsApp document; the HTTP export streams instead).
   * @returns null when there is no such report or it has no data yet
   */
  async pdf(id: number, lang: ReportLanguage): Promise<{ data: Buffer; filename: string; mime: string } | null> {
    const row = this.repo.byId(id);
    if (!row || row.report_data === null) return null;
    const file = renderReport(this.toApi(row), 'pdf', lang);
    const chunks: Buffer[] = [];
    for await (const c of file.stream) chunks.push(Buffer.from(c as Uint8Array));
    return { data: Buffer.concat(chunks), filename: file.filename, mime: file.mime };
  }

  /** A stored row as the API answers it (only for ready rows with data). */
  toApi(row: CountingReportRow): CountingReport {
    return {
      id: row.id,
      report_type: row.report_type,
      report_date: row.report_date,
      period_end: row.period_end,
      branch_id: row.branch_id,
      group_id: row.group_id,
      scope_name: this.scopeName(row),
      timezone: row.timezone,
      branch_ids: JSON.parse(row.branch_ids) as number[],
      total_detections: row.total_detections,
      total_detected_count: row.total_detected_count,
      unique_person_count: row.unique_person_count,
      generated_at: row.generated_at ?? new Date(this.now()).toISOString(),
      stale: row.stale === 1,
      late_detections: row.late_detections,
      job_id: row.stale === 1 ? row.job_id : null,
      report_data: JSON.parse(row.report_data ?? 'null') as ReportData,
    };
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────

  /** Resolve what a request covers against the caller's scope. */
  private resolve(user: Pick<AuthUser, 'branchScope' | 'groupScope'>, q: ReportQuery): ReportScope {
    if (q.branch_id !== undefined && q.group_id !== undefined)
      throw new PantauError('VALIDATION_ERROR', 'give a branch or a group, not both', { field: 'group_id' });
    if (q.branch_id !== undefined) {
      const b = this.branches(user.branchScope, { branch_id: q.branch_id });
      if (b.length === 0) throw new PantauError('NOT_FOUND', `branch ${q.branch_id} not found`, { field: 'branch_id' });
      return {
        key: `b:${q.branch_id}`,
        branch_id: q.branch_id,
        group_id: null,
        branches: b,
        timezone: countingZone(b[0]!.timezone),
      };
    }
    if (q.group_id !== undefined) {
      const all = this.branches(null, { group_id: q.group_id });
      const seen = this.branches(user.branchScope, { group_id: q.group_id });
      const inGroupScope = user.groupScope === null || user.groupScope.includes(q.group_id);
      if (this.repo.groupName(q.group_id) === undefined || (seen.length === 0 && !(all.length === 0 && inGroupScope)))
        throw new PantauError('NOT_FOUND', `group ${q.group_id} not found`, { field: 'group_id' });
      return {
        key: keyOf(`g:${q.group_id}`, seen, all),
        branch_id: null,
        group_id: q.group_id,
        branches: seen,
        timezone: this.zoneOf(seen),
      };
    }
    const seen = this.branches(user.branchScope, {});
    const all = user.branchScope === null ? seen : this.branches(null, {});
    return {
      key: keyOf('all', seen, all),
      branch_id: null,
      group_id: null,
      branches: seen,
      timezone: this.zoneOf(seen),
    };
  }

  /** The zone of several branches: theirs when they share one, else the server's. */
  private zoneOf(branches: readonly ReportBranchRow[]): string {
    const zones = new Set(branches.map((b) => countingZone(b.timezone)));
    return zones.size === 1 ? [...zones][0]! : this.serverZone;
  }

  /** Inside a transaction: answer from the cache, or put the report on its way. */
  private ensure(
    type: ReportType,
    p: ReportPeriod,
    scope: ReportScope,
    userId: number | null,
    deliver = false,
  ): ReportAnswer {
    const ids = scope.branches.map((b) => b.id);
    const key = { report_type: type, report_date: p.start, scope_key: scope.key };
    const row = this.repo.find(key);
    const who = (r: CountingReportRow | undefined) => {
      const list = r ? (JSON.parse(r.requested_by) as number[]) : [];
      return userId !== null && !list.includes(userId) ? [...list, userId] : list;
    };
    const pending = (id: number, jobId: number): ReportAnswer => ({
      status: 202,
      data: { report_id: id, job_id: jobId, report_type: type, report_date: p.start, status: 'generating' },
    });
    if (!row) {
      const id = this.repo.create({
        ...key,
        period_end: p.end,
        branch_id: scope.branch_id,
        group_id: scope.group_id,
        branch_ids: ids,
        timezone: scope.timezone,
        requested_by: userId !== null ? [userId] : [],
        requested_at: new Date(this.now()).toISOString(),
        deliver,
      });
      const jobId = this.queue.enqueue('report.generate', { report_id: id });
      this.repo.queue(id, {
        status: 'generating',
        stale: false,
        job_id: jobId,
        branch_ids: ids,
        requested_by: who(undefined),
      });
      return pending(id, jobId);
    }
    const jobAlive = row.job_id !== null && this.repo.jobQueued(row.job_id);
    if (row.status !== 'ready') {
      if (jobAlive) {
        this.repo.setRequesters(row.id, who(row));
        return pending(row.id, row.job_id!);
      }
      // failed, or its job spent its retries: start again
      const jobId = this.queue.enqueue('report.generate', { report_id: row.id });
      this.repo.queue(row.id, {
        status: 'generating',
        stale: false,
        job_id: jobId,
        branch_ids: ids,
        requested_by: who(row),
      });
      return pending(row.id, jobId);
    }
    if (row.stale && jobAlive) {
      this.repo.setRequesters(row.id, who(row));
      return { status: 200, data: this.toApi({ ...row, requested_by: JSON.stringify(who(row)) }) };
    }
    const current = this.repo.totals(ids, p.start, p.end).detections;
    const sameBranches = row.branch_ids === JSON.stringify(ids);
    if (!row.stale && current === row.total_detections && sameBranches) return { status: 200, data: this.toApi(row) };
    // late detections (or the scope's branches changed): answer what we have, regenerate it
    const jobId = this.queue.enqueue('report.generate', { report_id: row.id });
    this.repo.queue(row.id, { status: 'ready', stale: true, job_id: jobId, branch_ids: ids, requested_by: who(row) });
    return { status: 200, data: this.toApi({ ...row, stale: 1, job_id: jobId }) };
  }

  /**
   * Put a scheduled report on the queue unless it exists. With `deliver` (yesterday's daily
   * report of a branch or group) it goes to its recipients when ready: marked so on creation,
   * or, when someone asked for it already, marked now and, if ready, due at once.
   * @returns 1 when queued, else 0
   */
  private ensureScheduled(
    type: ReportType,
    p: ReportPeriod,
    scope: ReportScope,
    onlyCounted = false,
    deliver = false,
  ): number {
    return this.exec.tx(() => {
      const row = this.repo.find({ report_type: type, report_date: p.start, scope_key: scope.key });
      if (row) {
        if (deliver && row.deliver === 0) {
          this.repo.markDeliver(row.id);
          if (row.status === 'ready' && row.delivered_at === null)
            this.events.emit('report.due', { report_id: row.id });
        }
        return 0;
      }
      const ids = scope.branches.map((b) => b.id);
      if (onlyCounted && (ids.length === 0 || this.repo.totals(ids, p.start, p.end).detections === 0)) return 0;
      this.ensure(type, p, scope, null, deliver);
      return 1;
    });
  }

  /**
   * The scopes scheduled in `zone` for `day`: each branch in the zone, each group whose branches'
   * last zone to reach `day + 1` 01:00 is this one, and all branches likewise.
   */
  private scheduledScopes(
    zone: string,
    day: string,
    zones: readonly { id: number; timezone: string }[],
  ): ReportScope[] {
    const all = this.branches(null, {});
    const known = new Map(zones.map((b) => [b.id, countingZone(b.timezone)]));
    const zoneOfBranch = (b: ReportBranchRow) => known.get(b.id) ?? countingZone(b.timezone);
    const at = dayStartUtc(addDays(day, 1), zone);
    // the zone that reaches 01:00 last is the one with the smallest UTC offset
    const lastZone = (bs: readonly ReportBranchRow[]) =>
      bs
        .map(zoneOfBranch)
        .reduce<string | null>((a, z) => (a === null || utcOffsetMs(z, at) < utcOffsetMs(a, at) ? z : a), null);
    const out: ReportScope[] = all
      .filter((b) => zoneOfBranch(b) === zone)
      .map((b) => ({ key: `b:${b.id}`, branch_id: b.id, group_id: null, branches: [b], timezone: zone }));
    const groups = new Map<number, ReportBranchRow[]>();
    for (const b of all) groups.set(b.group_id, [...(groups.get(b.group_id) ?? []), b]);
    for (const [g, bs] of groups)
      if (lastZone(bs) === zone)
        out.push({ key: `g:${g}`, branch_id: null, group_id: g, branches: bs, timezone: this.zoneOf(bs) });
    if (all.length > 0 && lastZone(all) === zone)
      out.push({ key: 'all', branch_id: null, group_id: null, branches: all, timezone: this.zoneOf(all) });
    return out;
  }

  /** What a report covers, by name now. */
  private scopeName(row: CountingReportRow): string {
    if (row.branch_id !== null)
      return this.branches(null, { branch_id: row.branch_id })[0]?.branch_name ?? `#${row.branch_id}`;
    if (row.group_id !== null) return this.repo.groupName(row.group_id) ?? `#${row.group_id}`;
    return 'All branches';
  }
}

/** Whether a scheduled scope's daily report goes to recipients: a branch's or a group's, whole. */
function deliverable(scope: ReportScope): boolean {
  return (scope.branch_id !== null || scope.group_id !== null) && !scope.key.includes('/');
}

/** A scope key: the plain one when the caller sees every branch of it, else with the branch list. */
function keyOf(base: string, seen: readonly ReportBranchRow[], all: readonly ReportBranchRow[]): string {
  return seen.length === all.length ? base : `${base}/${seen.map((b) => b.id).join(',')}`;
}
