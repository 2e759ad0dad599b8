/**
 * The dashboard's reads (issue 12): rollup rows for a set of branches and days, device and
 * alarm counts, and WhatsApp deliveries since an instant. Every read is over an index that
 * leads with what it filters on (the rollups' keys, `device_masters_branch_idx`,
 * `event_logs_alarm_idx`, `notification_deliveries_queued_idx`), so a dashboard over 100
 * branches reads a few thousand rows, not the detections.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { SyncExecutor } from '../db/sync-executor.js';
import { idList } from './id-list.js';

/** A branch as the dashboard needs it. */
export interface DashboardBranch {
  id: number;
  branch_name: string;
  group_id: number;
  timezone: string;
}

/** One branch's rollup of one site-local day. */
export interface DailyRow {
  branch_id: number;
  local_day: string;
  detections: number;
  detected_sum: number;
  unique_persons: number;
}

/** One branch's detections in one site-local hour (devices summed). */
export interface HourlyRow {
  branch_id: number;
  local_day: string;
  local_hour: number;
  detections: number;
}

/** Reads for the dashboard. */
export class DashboardRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: SyncExecutor,
  ) {}

  /** Branches in `scope` (null = all), by id; optionally only one group's or one branch. */
  branches(scope: readonly number[] | null, filter: { group_id?: number; branch_id?: number }): DashboardBranch[] {
    let q = this.db.selectFrom('company_branches').select(['id', 'branch_name', 'group_id', 'timezone']).orderBy('id');
    if (scope !== null) q = q.where('id', 'in', idList(scope));
    if (filter.group_id !== undefined) q = q.where('group_id', '=', filter.group_id);
    if (filter.branch_id !== undefined) q = q.where('id', '=', filter.branch_id);
    return this.exec.all(q);
  }

  /** Whether a group exists. */
  groupExists(id: number): boolean {
    return this.exec.first(this.db.selectFrom('company_groups').select('id').where('id', '=', id)) !== undefined;
  }

  /** Daily rollups of these branches for local days `from`..`to` (inclusive). */
  daily(branchIds: readonly number[], from: string, to: string): DailyRow[] {
    return this.exec.all(
      this.db
        .selectFrom('detection_daily')
        .select(['branch_id', 'local_day', 'detections', 'detected_sum', 'unique_persons'])
        .where('branch_id', 'in', idList(branchIds))
        .where('local_day', '>=', from)
        .where('local_day', '<=', to),
    );
  }

  /** Hourly detections (devices summed) of these branches for local days `from`..`to`. */
  hourly(branchIds: readonly number[], from: string, to: string): HourlyRow[] {
    return this.exec.all(
      this.db
        .selectFrom('detection_hourly')
        .select(['branch_id', 'local_day', 'local_hour', sql<number>`SUM(detections)`.as('detections')])
        .where('branch_id', 'in', idList(branchIds))
        .where('local_day', '>=', from)
        .where('local_day', '<=', to)
        .groupBy(['branch_id', 'local_day', 'local_hour']),
    );
  }

  /** Devices of these branches by type and status. */
  devices(branchIds: readonly number[]): Array<{ device_type: string; status: string; n: number }> {
    return this.exec.all(
      this.db
        .selectFrom('device_masters')
        .select(['device_type', 'status', sql<number>`COUNT(*)`.as('n')])
        .where('branch_id', 'in', idList(branchIds))
        .groupBy(['device_type', 'status']),
    );
  }

  /** Alarms still `new` (not acknowledged) at these branches. */
  openAlarms(branchIds: readonly number[]): number {
    return Number(
      this.exec.first(
        this.db
          .selectFrom('event_logs')
          .select(sql<number>`COUNT(*)`.as('n'))
          .where('alarm_state', '=', 'new')
          .where('branch_id', 'in', idList(branchIds)),
      )?.n ?? 0,
    );
  }

  /**
   * WhatsApp deliveries queued at or after `since` (ISO) for these branches: how many the
   * provider accepted (sent, delivered or read) and how many reached the phone (delivered or read).
   */
  alertsSince(branchIds: readonly number[], since: string): { sent: number; delivered: number } {
    const r = this.exec.first(
      this.db
        .selectFrom('notification_deliveries')
        .select([
          sql<number>`COALESCE(SUM(CASE WHEN status IN ('sent', 'delivered', 'read') THEN 1 ELSE 0 END), 0)`.as('sent'),
          sql<number>`COALESCE(SUM(CASE WHEN status IN ('delivered', 'read') THEN 1 ELSE 0 END), 0)`.as('delivered'),
        ])
        .where('queued_at', '>=', since)
        .where('branch_id', 'in', idList(branchIds)),
    );
    return { sent: Number(r?.sent ?? 0), delivered: Number(r?.delivered ?? 0) };
  }
}

/** What the stats ticker reads each second (services/stats-ticker.ts). */
export class StatsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: SyncExecutor,
  ) {}

  /** The newest event-log id (0 when there is none). */
  lastEventId(): number {
    return Number(this.exec.first(this.db.selectFrom('event_logs').select(sql<number>`MAX(id)`.as('n')))?.n ?? 0);
  }

  /** Branches (with their zone) of the event-log rows after `afterId` up to `upTo` (a range of the primary key). */
  branchesOfEventsBetween(afterId: number, upTo: number): Array<{ branch_id: number; timezone: string }> {
    return this.exec.all(
      this.db
        .selectFrom('event_logs as e')
        .innerJoin('company_branches as b', 'b.id', 'e.branch_id')
        .select(['e.branch_id', 'b.timezone'])
        .distinct()
        .where('e.id', '>', afterId)
        .where('e.id', '<=', upTo),
    );
  }

  /** A branch's daily rollup of one local day, or undefined when it has none. */
  day(
    branchId: number,
    localDay: string,
  ): Pick<DailyRow, 'detections' | 'detected_sum' | 'unique_persons'> | undefined {
    return this.exec.first(
      this.db
        .selectFrom('detection_daily')
        .select(['detections', 'detected_sum', 'unique_persons'])
        .where('branch_id', '=', branchId)
        .where('local_day', '=', localDay),
    );
  }
}
