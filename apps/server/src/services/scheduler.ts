/**
 * The server's schedule (S3, first part), with croner. Every cron has `protect: true`, so a
 * run never overlaps the previous one of the same cron.
 *
 * Site-local daily work runs once per time zone in use — every branch's zone plus the server's
 * (`config.timezone`) — because daily figures use the site's local day (DESIGN 1). The zones
 * are planned by site-schedule.ts and re-planned every minute, so a new branch or a changed
 * time zone needs no restart; a zone entering the plan (at start, too), or one a branch moved
 * into or out of, gets its catch-up:
 * - 01:45 WhatsApp delivery summary: each zone folds its own yesterday for its branches (the
 *   server's zone also for deliveries without a branch); missed days of the last 7 are caught
 *   up (services/notifications/delivery-summary.ts).
 * - 01:00 counting reports (services/report-service.ts): each zone's branches get yesterday's
 *   daily report (weekly on Mondays, monthly on the 1st); a group and the all-branch report run
 *   in their last zone to reach 01:00; a zone entering the plan makes its missing ones of the
 *   last 7 days, week and month.
 *
 * Server-wide work runs once, in the server's zone:
 * - 01:30 API usage aggregation of the day before: usage is per API credential, and a
 *   credential (global by default) is not bound to one site; the request log it reads is one
 *   file per server-zone day. A missed run is caught up at start: any of the last 7 days with
 *   a request log but no summary is aggregated.
 * - 02:00 retention cleanup of stored files (services/storage-retention.ts): the files are on
 *   the server's disk and expire by age, not by a site's calendar; caught up at start when
 *   files are past retention.
 * - Intervals, where no day is involved: queue numbers every 2 s (broadcast when they change),
 *   the device heartbeat sweep and the alarm escalation tick every 5 s, the stream health
 *   probes (default every 5 minutes), and the re-plan of the site zones every minute.
 */
import fs from 'node:fs';
import { Cron } from 'croner';
import type { Logger } from 'pino';
import type { Services } from './container.js';
import type { DeliverySummary } from './notifications/delivery-summary.js';
import { CLEANUP_CRON } from './storage-retention.js';
import { SiteSchedule, type SiteDailyJob } from './site-schedule.js';
import { previousSiteDay, recentSiteDays } from './site-time.js';

/** 01:45 local time in each zone: the WhatsApp delivery summary of the day before. */
export const DELIVERY_SUMMARY_CRON = '45 1 * * *';
/** 01:00 local time in each zone: the counting reports of the day before. */
export const REPORTS_CRON = '0 1 * * *';
/** 01:30 in the server's zone: the API usage aggregation of the day before. */
export const USAGE_AGGREGATION_CRON = '30 1 * * *';
/** Every minute: the site zones are read again. */
export const REPLAN_CRON = '* * * * *';

/**
 * The delivery summary as a site-local daily job: 01:45 in each zone, folding that zone's
 * yesterday; its catch-up folds the zone's missed days of the last 7.
 */
export function deliverySummaryJob(summary: DeliverySummary, logger: Logger): SiteDailyJob {
  return {
    name: 'whatsapp-delivery-summary',
    pattern: DELIVERY_SUMMARY_CRON,
    run: (zone, day) => {
      const r = summary.fold(day, zone);
      logger.info({ zone, date: day, ...r }, 'WhatsApp deliveries summarised');
    },
    catchUp: (zone, now) => {
      const days = summary.catchUp(zone, 7, now);
      if (days.length) logger.info({ zone, days }, 'WhatsApp delivery summary caught up');
    },
  };
}

/**
 * The counting reports as a site-local daily job: 01:00 in each zone, for that zone's yesterday;
 * its catch-up makes the zone's missing reports.
 */
export function countingReportsJob(s: Pick<Services, 'reports' | 'branchZones'>, logger: Logger): SiteDailyJob {
  return {
    name: 'counting-reports',
    pattern: REPORTS_CRON,
    run: (zone, day) => {
      const queued = s.reports.scheduleDay(zone, day, [...s.branchZones.branchZones()]);
      logger.info({ zone, date: day, queued }, 'counting reports scheduled');
    },
    catchUp: (zone, now) => {
      const queued = s.reports.catchUp(zone, now, [...s.branchZones.branchZones()]);
      if (queued) logger.info({ zone, queued }, 'counting reports caught up');
    },
  };
}

/** The running schedule: call it to stop every cron; `sites` is the per-zone plan. */
export type RunningSchedule = (() => void) & { readonly sites: SiteSchedule };

/**
 * Start the schedule.
 * @param opts.now the clock the daily jobs take their day from (tests); default: system time
 * @returns a stop function, which also carries the per-zone plan (`sites.plannedZones()`)
 */
export function startScheduler(s: Services, logger: Logger, opts: { now?: () => Date } = {}): RunningSchedule {
  const tz = s.config.timezone;
  const now = opts.now ?? (() => new Date());
  const aggregate = async (date: string) => {
    try {
      const r = await s.usage.aggregate(date);
      logger.info({ date, ...r }, 'API usage aggregated');
    } catch (err) {
      logger.error({ err, date }, 'API usage aggregation failed');
    }
  };
  const sites = new SiteSchedule({
    jobs: [countingReportsJob(s, logger), deliverySummaryJob(s.notifications.summary, logger)],
    branchZones: () => s.branchZones.branchZones(),
    serverZone: tz,
    logger,
    now,
  });
  const replan = async () => {
    try {
      await sites.replan();
    } catch (err) {
      logger.error({ err }, 'site schedule: re-plan failed');
    }
  };
  const jobs = [
    // server zone, not per site: usage is per credential, and the request log is split by the server's day
    new Cron(USAGE_AGGREGATION_CRON, { timezone: tz, protect: true }, () => aggregate(previousSiteDay(tz, now()))),
    new Cron(REPLAN_CRON, { protect: true }, replan),
    new Cron('*/2 * * * * *', { protect: true }, () => s.queueMonitor.tick()),
    // reports of ended periods that late detections made stale are generated again
    new Cron('30 * * * * *', { protect: true }, () => {
      const queued = s.reports.sweep();
      if (queued.length) logger.info({ reports: queued }, 'counting reports stale after late detections: regenerating');
    }),
    // idempotency keys past their window (config.idempotencyDays): the table stays the window's size
    new Cron('17 * * * *', { protect: true }, () => {
      const n = s.detections.pruneIdempotency(s.config.idempotencyDays);
      if (n) logger.info({ forgotten: n, days: s.config.idempotencyDays }, 'idempotency keys past their window pruned');
    }),
    new Cron('*/5 * * * * *', { protect: true }, () => {
      const off = s.deviceStatus.sweep();
      if (off.length) logger.info({ devices: off }, 'devices offline: no heartbeat');
    }),
    // alarms still new past their branch's time escalate once (the database says which did);
    // alarms whose rule closes them by themselves close; cameras offline past a rule's time alarm
    new Cron('*/5 * * * * *', { protect: true }, () => {
      const escalated = s.alarms.escalateDue();
      if (escalated.length) logger.info({ alarms: escalated }, 'alarms escalated: not acknowledged in time');
      const closed = s.alarms.autoCloseDue();
      if (closed.length) logger.info({ alarms: closed }, 'alarms closed by their rule (auto-close)');
      const offline = s.cameraOfflineAlarms.sweep();
      if (offline.length) logger.info({ alarms: offline }, 'camera-offline alarms raised');
      const switched = s.alarmRules.applyArmingSchedules();
      if (switched.length) logger.info({ branches: switched }, 'arming modes switched by schedule');
    }),
    // cooldowns older than any rule's longest (a day) are forgotten
    new Cron('23 * * * *', { protect: true }, () => {
      s.alarmRules.pruneCooldowns();
    }),
    new Cron(s.config.streamProbeCron, { timezone: tz, protect: true }, async () => {
      const r = await s.streamHealth.probeAll();
      const failed = [...r].filter(([, p]) => !p.ok).map(([id]) => id);
      if (failed.length) logger.warn({ streams: failed }, 'stream health: unreadable streams');
    }),
    // retention cleanup of stored files at 02:00 server time; a missed run is caught up below
    new Cron(CLEANUP_CRON, { timezone: tz, protect: true }, () => {
      s.retention.schedule();
    }),
  ];
  if (s.retention.due()) s.retention.schedule();
  void catchUpUsage(s, tz, now(), aggregate);
  // plans the site zones and runs their catch-ups (the delivery summary's missed days)
  void replan();
  const stop = () => {
    jobs.forEach((j) => j.stop());
    sites.stop();
  };
  return Object.assign(stop, { sites });
}

async function catchUpUsage(
  s: Services,
  tz: string,
  now: Date,
  aggregate: (date: string) => Promise<void>,
): Promise<void> {
  for (const date of recentSiteDays(tz, 7, now)) {
    if (!fs.existsSync(s.requestLog.fileFor(date))) continue;
    if (!s.usage.isAggregated(date)) await aggregate(date);
  }
}
