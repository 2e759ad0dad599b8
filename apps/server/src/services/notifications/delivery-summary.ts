/**
 * The daily fold of deliveries into whatsapp_delivery_summary (S4): per site-local day, branch
 * and provider — total, how many reached each final state, pending ones, attempts, and the
 * mean time from queued to sent.
 *
 * A delivery's day is its `queued_at` in its branch's time zone (DESIGN 1: daily figures use
 * the site's local day); a delivery without a branch (a test message) uses the server's zone.
 * The zone is the branch's zone when the day is folded, so a branch moved to another zone has
 * its past days re-attributed only when they are folded again.
 *
 * Folding runs per zone: `fold(day, zone)` covers the branches in that zone (and the branchless
 * deliveries when it is the server's zone) and replaces exactly their rows of that day, in one
 * transaction, so it is idempotent and leaves other zones' rows alone. Scheduled at 01:45 in
 * each zone for that zone's yesterday (services/scheduler.ts); the last 7 days are caught up
 * when a zone enters the schedule (at start, too) and when a branch moves into or out of it.
 */
import type { SyncExecutor } from '../../db/sync-executor.js';
import { dayWindowUtc, recentSiteDays, siteDay } from '../site-time.js';
import type {
  DeliverySummaryRepository,
  SummaryRow,
  SummaryScope,
} from '../../repositories/delivery-summary-repository.js';

/** Counts of one fold. */
export interface FoldResult {
  /** Summary rows written (one per branch and provider with deliveries that day). */
  rows: number;
  /** Deliveries counted. */
  deliveries: number;
}

interface Tally {
  branch_id: number | null;
  provider: string;
  total: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  uncertain: number;
  pending: number;
  attempts: number;
  sendMs: number;
  sendN: number;
}

/** Folds deliveries per site-local day. */
export class DeliverySummary {
  /**
   * @param serverZone the server's zone (`config.timezone`): the day of deliveries without a
   *   branch, and the zone whose fold includes them
   */
  constructor(
    private readonly repo: DeliverySummaryRepository,
    private readonly exec: SyncExecutor,
    private readonly serverZone: string,
  ) {}

  /** The branches a zone's fold covers (plus the branchless deliveries in the server's zone). */
  private scopeOf(zone: string): SummaryScope {
    return { zone, branchless: zone === this.serverZone };
  }

  /**
   * Fold one site-local day, replacing the covered branches' rows of that day in one
   * transaction (idempotent).
   * @param date YYYY-MM-DD, the local day in each covered branch's zone
   * @param zone IANA name: only the branches in that zone (and, for the server's zone, the
   *   deliveries without a branch). Omitted: every branch, each for its own local `date`, and
   *   the day's rows are replaced as a whole.
   * @returns rows written and deliveries counted
   * @throws RangeError when `date` is not YYYY-MM-DD or a covered branch's zone is unknown
   */
  fold(date: string, zone?: string): FoldResult {
    const scope = zone === undefined ? null : this.scopeOf(zone);
    const { from, to } = dayWindowUtc(date);
    const all = this.repo
      .deliveriesQueuedBetween(from, to, scope)
      .filter((d) => siteDay(d.queued_at, d.zone ?? this.serverZone) === date);
    const acc = new Map<string, Tally>();
    for (const d of all) {
      const key = `${d.branch_id ?? 0}|${d.provider}`;
      let a = acc.get(key);
      if (!a)
        acc.set(
          key,
          (a = {
            branch_id: d.branch_id,
            provider: d.provider,
            total: 0,
            sent: 0,
            delivered: 0,
            read: 0,
            failed: 0,
            uncertain: 0,
            pending: 0,
            attempts: 0,
            sendMs: 0,
            sendN: 0,
          }),
        );
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
    const rows: SummaryRow[] = [...acc.values()].map((a) => ({
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
    }));
    this.exec.tx(() => this.repo.replaceDay(date, scope, rows));
    return { rows: rows.length, deliveries: all.length };
  }

  /**
   * The catch-up of a zone's recent days: fold every one of its last `days` local days (not
   * today) on which the branches with deliveries differ from the branches with summary rows —
   * a day missed at 01:45 (server down, or the zone is new), or one counted while a branch was
   * in another zone (its rows there are dropped when that day is folded again).
   * @param zone IANA name
   * @param days how far back, in local days
   * @param now the instant "today" is taken from
   * @returns the days folded, oldest first (YYYY-MM-DD)
   * @throws RangeError when the zone is unknown
   */
  catchUp(zone: string, days = 7, now: Date = new Date()): string[] {
    const dates = recentSiteDays(zone, days, now);
    const oldest = dates.at(-1);
    const newest = dates[0];
    if (oldest === undefined || newest === undefined) return [];
    const scope = this.scopeOf(zone);
    const wanted = new Set(dates);
    // "day|branch" pairs that have deliveries, and those that have summary rows
    const queued = new Set<string>();
    for (const d of this.repo.queuedTimesBetween(dayWindowUtc(oldest).from, dayWindowUtc(newest).to, scope)) {
      const day = siteDay(d.queued_at, zone);
      if (wanted.has(day)) queued.add(`${day}|${d.branch_id ?? 0}`);
    }
    const summarised = new Set(
      this.repo.summaryKeysBetween(oldest, newest, scope).map((k) => `${k.date}|${k.branch_id ?? 0}`),
    );
    const differ = [...queued].filter((k) => !summarised.has(k)).concat([...summarised].filter((k) => !queued.has(k)));
    const done = [...new Set(differ.map((k) => k.slice(0, 10)))].sort();
    for (const date of done) this.fold(date, zone);
    return done;
  }
}
