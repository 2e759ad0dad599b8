/**
 * The daily fold of deliveries into whatsapp_delivery_summary (S4): per site-local day (the
 * day a message was queued, in the server's site time zone), branch and provider — total, how
 * many reached each final state, pending ones, attempts, and the mean time from queued to sent.
 * Idempotent: re-running a day replaces its rows, in one transaction. Scheduled at 01:45 site
 * time for the day before (services/scheduler.ts), and caught up at start for the last 7 days.
 */
import { localDate } from '../../repositories/request-log.js';
import type { SyncExecutor } from '../../db/sync-executor.js';
import type { NotificationRepository } from './notification-repository.js';

/** Folds deliveries per day. */
export class DeliverySummary {
  constructor(
    private readonly repo: NotificationRepository,
    private readonly exec: SyncExecutor,
    private readonly timeZone: string,
  ) {}

  /** UTC instants that surely enclose a local day (zones span UTC−12..UTC+14). */
  private window(date: string): [string, string] {
    const start = Date.parse(`${date}T00:00:00.000Z`);
    return [new Date(start - 14 * 3600_000).toISOString(), new Date(start + 38 * 3600_000).toISOString()];
  }

  /**
   * Fold one site-local day.
   * @param date YYYY-MM-DD
   * @returns rows written and deliveries read
   */
  fold(date: string): { rows: number; deliveries: number } {
    const [from, to] = this.window(date);
    const all = this.repo.deliveriesQueuedBetween(from, to).filter((d) => localDate(new Date(d.queued_at), this.timeZone) === date);
    const acc = new Map<string, { branch_id: number | null; provider: string; total: number; sent: number; delivered: number; read: number; failed: number; uncertain: number; pending: number; attempts: number; sendMs: number; sendN: number }>();
    for (const d of all) {
      const key = `${d.branch_id ?? 0}|${d.provider}`;
      let a = acc.get(key);
      if (!a) acc.set(key, (a = { branch_id: d.branch_id, provider: d.provider, total: 0, sent: 0, delivered: 0, read: 0, failed: 0, uncertain: 0, pending: 0, attempts: 0, sendMs: 0, sendN: 0 }));
      a.total++;
      a.attempts += d.attempts;
      switch (d.status) {
        case 'sent':
        case 'delivered':
        case 'read':
        case 'failed':
        case 'uncertain':
          a[d.status]++;
          break;
        case 'queued':
        case 'sending':
          a.pending++;
          break;
        default: {
          const never: never = d.status;
          return never;
        }
      }
      if (d.sent_at) {
        a.sendMs += Date.parse(d.sent_at) - Date.parse(d.queued_at);
        a.sendN++;
      }
    }
    const created = new Date().toISOString();
    this.exec.tx(() =>
      this.repo.replaceSummary(
        date,
        [...acc.values()].map((a) => ({
          date,
          branch_id: a.branch_id,
          provider: a.provider,
          total: a.total,
          sent: a.sent,
          delivered: a.delivered,
          read: a.read,
          failed: a.failed,
          uncertain: a.uncertain,
          pending: a.pending,
          attempts: a.attempts,
          avg_send_ms: a.sendN ? Math.round(a.sendMs / a.sendN) : null,
          created_at: created,
        })),
      ),
    );
    return { rows: acc.size, deliveries: all.length };
  }

  /**
   * Fold every one of the last `days` site-local days (not today) that has deliveries but no
   * summary: the catch-up after the server was down at 01:45.
   * @returns the days folded
   */
  catchUp(days = 7, now: Date = new Date()): string[] {
    const today = localDate(now, this.timeZone);
    const done: string[] = [];
    for (let i = 1; i <= days; i++) {
      const date = localDate(new Date(now.getTime() - i * 86_400_000), this.timeZone);
      if (date === today || this.repo.hasSummary(date)) continue;
      const [from, to] = this.window(date);
      if (!this.repo.hasDeliveriesBetween(from, to)) continue;
      this.fold(date);
      done.push(date);
    }
    return done;
  }
}
