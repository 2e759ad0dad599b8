/**
 * The server's schedule (S3, first part), in the site's time zone with croner: log
 * aggregation at 01:30 for the day before, queue numbers every 2 s (broadcast when they
 * change), the device heartbeat sweep every 5 s, and the
 * stream health probes (default every 5 minutes).
 * Croner's `protect` keeps a run from overlapping the previous one. A missed 01:30 (the
 * server was down) is caught up at start: any of the last 7 days with a request log but no
 * summary is aggregated.
 */
import fs from 'node:fs';
import { Cron } from 'croner';
import type { Logger } from 'pino';
import type { Services } from './container.js';
import { localDate } from '../repositories/request-log.js';

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
    new Cron('*/2 * * * * *', { protect: true }, () => s.queueMonitor.tick()),
    new Cron('*/5 * * * * *', { protect: true }, () => {
      const off = s.deviceStatus.sweep();
      if (off.length) logger.info({ devices: off }, 'devices offline: no heartbeat');
    }),
    new Cron(s.config.streamProbeCron, { timezone: tz, protect: true }, async () => {
      const r = await s.streamHealth.probeAll();
      const failed = [...r].filter(([, p]) => !p.ok).map(([id]) => id);
      if (failed.length) logger.warn({ streams: failed }, 'stream health: unreadable streams');
    }),
  ];
  void catchUp(s, tz, aggregate);
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
