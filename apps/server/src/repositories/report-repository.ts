/**
 * Counting reports (issue 13): the report cache (`counting_reports`, migration 015) and the
 * reads a report is made of. Totals, hours, days and devices come from the rollups (migration
 * 012). A day's persons come from `person_days` (one row per branch, site-local day and person)
 * and the detections themselves over the (branch_id, detection_timestamp) index; a week's or
 * month's from `person_periods` (migration 016: one row per person, branch and period); the
 * persons of several branches are merged in SQL. Branches in scope come from the dashboard's read
 * (DashboardRepository.branches), the same for both screens. Every read leads with an indexed key, so a report reads
 * its period's rows and nothing else.
 */
import { sql, type Kysely, type Selectable, type SelectQueryBuilder } from 'kysely';
import type { CountingReportsTable, Database } from '../db/schema.js';
import type { SyncExecutor } from '../db/sync-executor.js';
import { idList } from './id-list.js';

/** A cached report row. */
export type CountingReportRow = Selectable<CountingReportsTable>;

/** What identifies a report: its period and what it covers. */
export interface ReportKey {
  report_type: CountingReportsTable['report_type'];
  report_date: string;
  scope_key: string;
}

/** The totals of a set of branches over local days. */
export interface ReportTotals {
  detections: number;
  detected_sum: number;
}

/** One person's detections at one branch in a period. */
export interface PersonCount {
  re_id: string;
  detections: number;
  detected_sum: number;
  /** epoch ms */
  first: number;
  /** epoch ms */
  last: number;
}

/** One person over several branches in a period. */
export interface MergedPerson extends PersonCount {
  /** branches the person was seen at */
  branches: number;
}

/** Reads and writes of counting reports. */
export class ReportRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: SyncExecutor,
  ) {}

  /** A group's name, or undefined when it does not exist. */
  groupName(id: number): string | undefined {
    return this.exec.first(this.db.selectFrom('company_groups').select('group_name').where('id', '=', id))?.group_name;
  }

  /** The cached report with this key. */
  find(key: ReportKey): CountingReportRow | undefined {
    return this.exec.first(
      this.db
        .selectFrom('counting_reports')
        .selectAll()
        .where('report_type', '=', key.report_type)
        .where('report_date', '=', key.report_date)
        .where('scope_key', '=', key.scope_key),
    );
  }

  /** A cached report by id. */
  byId(id: number): CountingReportRow | undefined {
    return this.exec.first(this.db.selectFrom('counting_reports').selectAll().where('id', '=', id));
  }

  /**
   * Create the row of a report about to be generated.
   * @returns its id
   */
  create(
    row: ReportKey & {
      period_end: string;
      branch_id: number | null;
      group_id: number | null;
      branch_ids: readonly number[];
      timezone: string;
      requested_by: readonly number[];
      requested_at: string;
      /** the schedule asks for it to go to its recipients */
      deliver?: boolean;
    },
  ): number {
    return this.exec.run(
      this.db.insertInto('counting_reports').values({
        ...row,
        deliver: row.deliver ? 1 : 0,
        branch_ids: JSON.stringify(row.branch_ids),
        requested_by: JSON.stringify(row.requested_by),
        status: 'generating',
      }),
    ).lastInsertRowid;
  }

  /**
   * Put a report (back) on its way: `generating` when it had none or failed, `stale` when a
   * ready one is regenerated; its job, its branches now, and who to tell when it is done.
   */
  queue(
    id: number,
    change: {
      status: 'generating' | 'ready';
      stale: boolean;
      job_id: number;
      branch_ids: readonly number[];
      requested_by: readonly number[];
    },
  ): void {
    this.exec.run(
      this.db
        .updateTable('counting_reports')
        .set({
          status: change.status,
          stale: change.stale ? 1 : 0,
          job_id: change.job_id,
          branch_ids: JSON.stringify(change.branch_ids),
          requested_by: JSON.stringify(change.requested_by),
          error: null,
        })
        .where('id', '=', id),
    );
  }

  /** Ask for a report to go to its recipients when it is ready (the schedule's mark, migration 017). */
  markDeliver(id: number): void {
    this.exec.run(this.db.updateTable('counting_reports').set({ deliver: 1 }).where('id', '=', id));
  }

  /** Add who else asked for a report being generated. */
  setRequesters(id: number, requestedBy: readonly number[]): void {
    this.exec.run(
      this.db
        .updateTable('counting_reports')
        .set({ requested_by: JSON.stringify(requestedBy) })
        .where('id', '=', id),
    );
  }

  /** Store a generated report: ready, not stale, nobody waiting. */
  saveReady(
    id: number,
    r: {
      total_detections: number;
      total_detected_count: number;
      unique_person_count: number;
      report_data: unknown;
      generated_at: string;
      late_detections: number;
    },
  ): void {
    this.exec.run(
      this.db
        .updateTable('counting_reports')
        .set({
          ...r,
          report_data: JSON.stringify(r.report_data),
          status: 'ready',
          stale: 0,
          job_id: null,
          requested_by: '[]',
          error: null,
        })
        .where('id', '=', id),
    );
  }

  /** Whether a job is still in the queue (pending, delayed or running). */
  jobQueued(jobId: number): boolean {
    return this.exec.first(this.db.selectFrom('jobs').select('id').where('id', '=', jobId)) !== undefined;
  }

  /** Ready, not stale reports whose period ends on or after `since` (YYYY-MM-DD), oldest first. */
  recentReady(
    since: string,
  ): Array<Pick<CountingReportRow, 'id' | 'report_date' | 'period_end' | 'branch_ids' | 'total_detections'>> {
    return this.exec.all(
      this.db
        .selectFrom('counting_reports')
        .select(['id', 'report_date', 'period_end', 'branch_ids', 'total_detections'])
        .where('period_end', '>=', since)
        .where('status', '=', 'ready')
        .where('stale', '=', 0)
        .orderBy('id'),
    );
  }

  /** Detections and their detected_count over these branches' local days `from`..`to` (inclusive). */
  totals(branchIds: readonly number[], from: string, to: string): ReportTotals {
    const r = this.exec.first(
      this.db
        .selectFrom('detection_daily')
        .select([
          sql<number>`COALESCE(SUM(detections), 0)`.as('detections'),
          sql<number>`COALESCE(SUM(detected_sum), 0)`.as('detected_sum'),
        ])
        .where('branch_id', 'in', idList(branchIds))
        .where('local_day', '>=', from)
        .where('local_day', '<=', to),
    );
    return { detections: Number(r?.detections ?? 0), detected_sum: Number(r?.detected_sum ?? 0) };
  }

  /** Per branch and local day: detections, detected_count and distinct persons (the daily rollups). */
  daily(
    branchIds: readonly number[],
    from: string,
    to: string,
  ): Array<{ branch_id: number; local_day: string; detections: number; detected_sum: number; unique_persons: number }> {
    return this.exec.all(
      this.db
        .selectFrom('detection_daily')
        .select(['branch_id', 'local_day', 'detections', 'detected_sum', 'unique_persons'])
        .where('branch_id', 'in', idList(branchIds))
        .where('local_day', '>=', from)
        .where('local_day', '<=', to),
    );
  }

  /** Per local hour of day (devices, branches and days summed). */
  hours(
    branchIds: readonly number[],
    from: string,
    to: string,
  ): Array<{ local_hour: number; detections: number; detected_sum: number }> {
    return this.exec.all(
      this.db
        .selectFrom('detection_hourly')
        .select([
          'local_hour',
          sql<number>`SUM(detections)`.as('detections'),
          sql<number>`SUM(detected_sum)`.as('detected_sum'),
        ])
        .where('branch_id', 'in', idList(branchIds))
        .where('local_day', '>=', from)
        .where('local_day', '<=', to)
        .groupBy('local_hour'),
    );
  }

  /**
   * Per device (hours and days summed), with the device's name now (null when it is gone). The
   * hourly rows are summed first and the names joined after: one lookup per device, not per row.
   */
  devices(
    branchIds: readonly number[],
    from: string,
    to: string,
  ): Array<{
    branch_id: number;
    device_id: string;
    device_name: string | null;
    detections: number;
    detected_sum: number;
  }> {
    return this.exec.all(
      this.db
        .selectFrom((eb) =>
          eb
            .selectFrom('detection_hourly')
            .select([
              'branch_id',
              'device_id',
              sql<number>`SUM(detections)`.as('detections'),
              sql<number>`SUM(detected_sum)`.as('detected_sum'),
            ])
            .where('branch_id', 'in', idList(branchIds))
            .where('local_day', '>=', from)
            .where('local_day', '<=', to)
            .groupBy(['branch_id', 'device_id'])
            .as('h'),
        )
        .leftJoin('device_masters as d', 'd.device_id', 'h.device_id')
        .select(['h.branch_id', 'h.device_id', 'd.device_name', 'h.detections', 'h.detected_sum']),
    );
  }

  /** Distinct persons over these branches' local days (a person at two branches counts once). */
  uniquePersons(branchIds: readonly number[], from: string, to: string): number {
    return Number(
      this.exec.first(
        this.db
          .selectFrom('person_days')
          .select(sql<number>`COUNT(DISTINCT re_id)`.as('n'))
          .where('branch_id', 'in', idList(branchIds))
          .where('local_day', '>=', from)
          .where('local_day', '<=', to),
      )?.n ?? 0,
    );
  }

  /**
   * The persons of several branches in a site-local week or month, merged in SQLite (a person at
   * two branches is one): the first `limit` by detections, then detected_count, then re_id, and
   * how many distinct persons there are. One statement over person_periods' key range of each
   * branch; at 10 M detections a province's month is ~1 M rows, which merged in JavaScript cost
   * most of the report's time (bench/README.md).
   */
  periodPersonsMerged(
    type: 'weekly' | 'monthly',
    start: string,
    branchIds: readonly number[],
    limit: number,
  ): { top: MergedPerson[]; unique: number } {
    const grouped = this.db
      .selectFrom('person_periods')
      .select([
        're_id',
        sql<number>`SUM(detections)`.as('detections'),
        sql<number>`SUM(detected_sum)`.as('detected_sum'),
        sql<number>`COUNT(*)`.as('branches'),
        sql<number>`MIN(first_detection)`.as('first'),
        sql<number>`MAX(last_detection)`.as('last'),
      ])
      .where('period_type', '=', type)
      .where('period_start', '=', start)
      .where('branch_id', 'in', idList(branchIds))
      .groupBy('re_id');
    return this.topOf(this.db.selectFrom(grouped.as('p')), limit);
  }

  /** The distinct persons of several branches in a site-local week or month (person_periods). */
  periodUniquePersons(type: 'weekly' | 'monthly', start: string, branchIds: readonly number[]): number {
    return Number(
      this.exec.first(
        this.db
          .selectFrom('person_periods')
          .select(sql<number>`COUNT(DISTINCT re_id)`.as('n'))
          .where('period_type', '=', type)
          .where('period_start', '=', start)
          .where('branch_id', 'in', idList(branchIds)),
      )?.n ?? 0,
    );
  }

  /**
   * The same over the detections of a day, each branch in its own day: `windows` are its
   * branches by zone with the day's bounds there (epoch ms, `from` inclusive, `to` exclusive).
   */
  dayPersonsMerged(
    windows: readonly { branchIds: readonly number[]; from: number; to: number }[],
    limit: number,
  ): { top: MergedPerson[]; unique: number } {
    if (windows.length === 0) return { top: [], unique: 0 };
    const part = (w: (typeof windows)[number]) =>
      this.db
        .selectFrom('re_id_branch_detections')
        .select(['re_id', 'branch_id', 'detected_count', 'detection_timestamp'])
        .where('branch_id', 'in', idList(w.branchIds))
        .where('detection_timestamp', '>=', w.from)
        .where('detection_timestamp', '<', w.to);
    const union = windows.slice(1).reduce((q, w) => q.unionAll(part(w)), part(windows[0]!));
    const grouped = this.db
      .selectFrom(union.as('d'))
      .select([
        're_id',
        sql<number>`COUNT(*)`.as('detections'),
        sql<number>`SUM(detected_count)`.as('detected_sum'),
        sql<number>`COUNT(DISTINCT branch_id)`.as('branches'),
        sql<number>`MIN(detection_timestamp)`.as('first'),
        sql<number>`MAX(detection_timestamp)`.as('last'),
      ])
      .groupBy('re_id');
    return this.topOf(this.db.selectFrom(grouped.as('p')), limit);
  }

  /**
   * Distinct persons per branch: in a week or month (person_periods), or on a local day
   * (person_days), one count per branch that saw anyone.
   */
  personsPerBranch(type: ReportKey['report_type'], start: string, branchIds: readonly number[]): Map<number, number> {
    const rows =
      type === 'daily'
        ? this.exec.all(
            this.db
              .selectFrom('person_days')
              .select(['branch_id', sql<number>`COUNT(*)`.as('n')])
              .where('branch_id', 'in', idList(branchIds))
              .where('local_day', '=', start)
              .groupBy('branch_id'),
          )
        : this.exec.all(
            this.db
              .selectFrom('person_periods')
              .select(['branch_id', sql<number>`COUNT(*)`.as('n')])
              .where('period_type', '=', type)
              .where('period_start', '=', start)
              .where('branch_id', 'in', idList(branchIds))
              .groupBy('branch_id'),
          );
    return new Map(rows.map((r) => [r.branch_id, Number(r.n)]));
  }

  /** The first `limit` of a merged person set, and its size (a window count over the same rows). */
  private topOf(
    from: SelectQueryBuilder<Database & { p: MergedPerson }, 'p', object>,
    limit: number,
  ): { top: MergedPerson[]; unique: number } {
    const rows = this.exec.all(
      from
        .select([
          're_id',
          'detections',
          'detected_sum',
          'branches',
          'first',
          'last',
          sql<number>`COUNT(*) OVER ()`.as('n'),
        ])
        .orderBy('detections', 'desc')
        .orderBy('detected_sum', 'desc')
        .orderBy('re_id')
        .limit(limit),
    );
    return {
      top: rows.map(({ n: _n, ...p }) => ({
        ...p,
        detections: Number(p.detections),
        detected_sum: Number(p.detected_sum),
      })),
      unique: Number(rows[0]?.n ?? 0),
    };
  }

  /** The labels of these persons (those without one are absent). */
  labels(reIds: readonly string[]): Map<string, string> {
    if (reIds.length === 0) return new Map();
    const rows = this.exec.all(
      this.db
        .selectFrom('re_id_masters')
        .select(['re_id', 'person_label'])
        .where('re_id', 'in', [...reIds])
        .where('person_label', 'is not', null),
    );
    return new Map(rows.map((r) => [r.re_id, r.person_label!]));
  }
}
