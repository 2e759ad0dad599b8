/**
 * The server's schedule (S3, first part), in the site's time zone with croner: log
 * aggregation at 01:30 for the day before, queue numbers every 2 s (broadcast when they
 * change), the device heartbeat sweep and the alarm escalation tick every 5 s, and the
 * stream health probes (default every 5 minutes), and the retention cleanup of stored files
 * at 02:00 (services/storage-retention.ts; caught up at start when files are past retention).
 * WhatsApp deliveries are folded into whatsapp_delivery_summary at 01:45 for the day before
 * (services/notifications/delivery-summary.ts; missed days of the last 7 caught up at start).
 * Croner's `protect` keeps a run from overlapping the previous one. A missed 01:30 (the
 * server was down) is caught up at start: any of the last 7 days with a request log but no
 * summary is aggregated.
 */
import fs from 'node:fs';
import { Cron } from 'croner';
import type { Logger } from 'pino';
import type { Services } from './container.js';
import { localDate } from '../repositories/request-log.js';
import { CLEANUP_CRON } from './storage-retention.js';

/** The site-local day before today, YYYY-MM-DD. */
export function yesterday(timeZone: string, now: Date = new Date()): string {
  return localDate(new Date(now.getTime() - 86_400_000), timeZone);
}

/** Start the schedule; returns a stop function. */
export function startScheduler(s: Services, logger: Logger): () => void {
  const tz = s.config.timezone;
  const aggregate = async (date: string) => {
    try {
      const r = await s.usage.aggregate(date);
      logger.info({ date, ...r }, 'API usage aggregated');
    } catch (err) {
      logger.error({ err, date }, 'API usage aggregation failed');
    }
  };
  const jobs = [
    new Cron('30 1 * * *', { timezone: tz, protect: true }, () => aggregate(yesterday(tz))),
    // WhatsApp deliveries folded into whatsapp_delivery_summary (S4); missed days caught up below
    new Cron('45 1 * * *', { timezone: tz, protect: true }, () => foldDeliveries(s, logger, yesterday(tz))),
    new Cron('*/2 * * * * *', { protect: true }, () => s.queueMonitor.tick()),
    new Cron('*/5 * * * * *', { protect: true }, () => {
      const off = s.deviceStatus.sweep();
      if (off.length) logger.info({ devices: off }, 'devices offline: no heartbeat');
    }),
    // alarms still new past their branch's time escalate once (the database says which did)
    new Cron('*/5 * * * * *', { protect: true }, () => {
      const escalated = s.alarms.escalateDue();
      if (escalated.length) logger.info({ alarms: escalated }, 'alarms escalated: not acknowledged in time');
    }),
    new Cron(s.config.streamProbeCron, { timezone: tz, protect: true }, async () => {
      const r = await s.streamHealth.probeAll();
      const failed = [...r].filter(([, p]) => !p.ok).map(([id]) => id);
      if (failed.length) logger.warn({ streams: failed }, 'stream health: unreadable streams');
    }),
  ];
  // retention cleanup of stored files at 02:00 site time; a missed run is caught up at start
  jobs.push(new Cron(CLEANUP_CRON, { timezone: tz, protect: true }, () => {
    s.retention.schedule();
  }));
  if (s.retention.due()) s.retention.schedule();
  void catchUp(s, tz, aggregate);
  try {
    const days = s.notifications.summary.catchUp();
    if (days.length) logger.info({ days }, 'WhatsApp delivery summary caught up');
  } catch (err) {
    logger.error({ err }, 'WhatsApp delivery summary catch-up failed');
  }
  return () => jobs.forEach((j) => j.stop());
}

async function catchUp(s: Services, tz: string, aggregate: (date: string) => Promise<void>): Promise<void> {
  const today = localDate(new Date(), tz);
  for (let i = 1; i <= 7; i++) {
    const date = localDate(new Date(Date.now() - i * 86_400_000), tz);
    if (date === today || !fs.existsSync(s.requestLog.fileFor(date))) continue;
    const done = s.exec.first(s.db.kysely.selectFrom('api_usage_summary').select('id').where('date', '=', date).limit(1));
    if (!done) await aggregate(date);
  }
}

/** Fold a day of WhatsApp deliveries into whatsapp_delivery_summary (01:45 site time). */
function foldDeliveries(s: Services, logger: Logger, date: string): void {
  try {
    const r = s.notifications.summary.fold(date);
    logger.info({ date, ...r }, 'WhatsApp deliveries summarised');
  } catch (err) {
    logger.error({ err, date }, 'WhatsApp delivery summary failed');
  }
}
