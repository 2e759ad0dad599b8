/**
 * The dashboard (D5, issue 12): every KPI and series for the caller's scope, or one group or
 * branch of it, from the rollups (migration 012) and a few indexed counts.
 *
 * "Today" is each branch's own site-local day: the figures add up each branch's today, so a
 * scope spanning WIB, WITA and WIT is exact for every branch. The 14-day series lines the
 * branches up by days ago (0 = each branch's today) and labels each entry with that day in the
 * server's zone. Unique persons are per branch (person_days) and summed: a person seen at two
 * branches counts at each, as the branch reports count them.
 */
import { PantauError, type Dashboard, type DashboardQuery, type HourCount } from '@pantau/shared';
import type { AuthUser } from '../domain/caller.js';
import type { DashboardBranch, DashboardRepository } from '../repositories/dashboard-repository.js';
import type { QueueMonitor } from './queue-monitor.js';
import { addDays, countingZone, dayStartUtc, siteDay } from './site-time.js';

/** Days in the unique-persons series. */
const SERIES_DAYS = 14;

/** Builds the dashboard. */
export class DashboardService {
  constructor(
    private readonly repo: DashboardRepository,
    private readonly queues: Pick<QueueMonitor, 'list'>,
    /** The server's zone (`config.timezone`): the day of the alert counts and the series' labels. */
    private readonly serverZone: string,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The dashboard for `user`'s scope, or one group or branch in it.
   * @throws PantauError NOT_FOUND (field `group_id` or `branch_id`) when it does not exist or is out of scope
   */
  get(user: Pick<AuthUser, 'branchScope' | 'groupScope' | 'role'>, q: DashboardQuery): Dashboard {
    const now = this.now();
    const filter = {
      ...(q.group_id !== undefined ? { group_id: q.group_id } : {}),
      ...(q.branch_id !== undefined ? { branch_id: q.branch_id } : {}),
    };
    const branches = this.repo.branches(user.branchScope, filter);
    if (q.branch_id !== undefined && branches.length === 0)
      throw new PantauError('NOT_FOUND', `branch ${q.branch_id} not found`, { field: 'branch_id' });
    if (
      q.group_id !== undefined &&
      branches.length === 0 &&
      (!this.repo.groupExists(q.group_id) || (user.groupScope !== null && !user.groupScope.includes(q.group_id)))
    )
      throw new PantauError('NOT_FOUND', `group ${q.group_id} not found`, { field: 'group_id' });

    const ids = branches.map((b) => b.id);
    // each branch's today, by branch
    const today = new Map<number, string>(branches.map((b) => [b.id, siteDay(now, countingZone(b.timezone))]));
    const days = [...today.values()].sort();
    const oldest = addDays(days[0] ?? siteDay(now, this.serverZone), -(SERIES_DAYS - 1));
    const newest = days[days.length - 1] ?? siteDay(now, this.serverZone);

    // the daily rollups: today's KPIs, the top branches and the 14-day series
    const series = Array.from({ length: SERIES_DAYS }, () => ({ unique_persons: 0, detections: 0 }));
    const perBranch = new Map<number, { detections: number; unique_persons: number }>();
    let detectionsToday = 0;
    let detectedToday = 0;
    let personsToday = 0;
    for (const r of this.repo.daily(ids, oldest, newest)) {
      const t = today.get(r.branch_id);
      if (t === undefined) continue;
      const ago = daysBetween(r.local_day, t);
      if (ago < 0 || ago >= SERIES_DAYS) continue;
      series[SERIES_DAYS - 1 - ago]!.unique_persons += r.unique_persons;
      series[SERIES_DAYS - 1 - ago]!.detections += r.detections;
      if (ago === 0) {
        detectionsToday += r.detections;
        detectedToday += r.detected_sum;
        personsToday += r.unique_persons;
        perBranch.set(r.branch_id, { detections: r.detections, unique_persons: r.unique_persons });
      }
    }

    // the hourly rollups of today and yesterday
    const hourly = emptyHours();
    const hourlyYesterday = emptyHours();
    for (const r of this.repo.hourly(ids, addDays(days[0] ?? newest, -1), newest)) {
      const t = today.get(r.branch_id);
      if (t === undefined) continue;
      if (r.local_day === t) hourly[r.local_hour]!.detections += r.detections;
      else if (r.local_day === addDays(t, -1)) hourlyYesterday[r.local_hour]!.detections += r.detections;
    }

    const devices = { camera: { online: 0, offline: 0 }, nvr: { online: 0, offline: 0 } };
    for (const d of this.repo.devices(ids)) {
      const kind = d.device_type === 'nvr' ? devices.nvr : d.device_type === 'camera' ? devices.camera : null;
      if (!kind) continue;
      // maintenance is neither: it is neither expected to answer nor failing
      if (d.status === 'online') kind.online += d.n;
      else if (d.status === 'offline') kind.offline += d.n;
    }

    const alerts = this.repo.alertsSince(
      ids,
      new Date(dayStartUtc(siteDay(now, this.serverZone), this.serverZone)).toISOString(),
    );
    const byId = new Map<number, DashboardBranch>(branches.map((b) => [b.id, b]));
    const serverToday = siteDay(now, this.serverZone);
    const queues =
      user.role === 'admin'
        ? this.queues.list().reduce(
            (s, x) => ({
              pending: s.pending + x.pending,
              running: s.running + x.running,
              failed: s.failed + x.failed,
            }),
            { pending: 0, running: 0, failed: 0 },
          )
        : null;

    return {
      scope: {
        group_id: q.group_id ?? null,
        branch_id: q.branch_id ?? null,
        branches: branches.length,
        branch_ids: ids,
      },
      generated_at: new Date(now).toISOString(),
      detections_today: detectionsToday,
      detected_count_today: detectedToday,
      unique_persons_today: personsToday,
      cameras_online: devices.camera.online,
      cameras_offline: devices.camera.offline,
      nvrs_online: devices.nvr.online,
      nvrs_offline: devices.nvr.offline,
      alarms_open: this.repo.openAlarms(ids),
      alerts_sent_today: alerts.sent,
      alerts_delivered_today: alerts.delivered,
      hourly,
      hourly_yesterday: hourlyYesterday,
      top_branches: [...perBranch]
        .sort((a, b) => b[1].detections - a[1].detections || a[0] - b[0])
        .slice(0, 10)
        .map(([id, c]) => ({ branch_id: id, branch_name: byId.get(id)?.branch_name ?? '', ...c })),
      daily_persons: series.map((s, i) => ({
        days_ago: SERIES_DAYS - 1 - i,
        date: addDays(serverToday, -(SERIES_DAYS - 1 - i)),
        ...s,
      })),
      queues,
    };
  }
}

function emptyHours(): HourCount[] {
  return Array.from({ length: 24 }, (_, hour) => ({ hour, detections: 0 }));
}

/** Whole days from `a` to `b` (YYYY-MM-DD), positive when `a` is earlier. */
function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}
