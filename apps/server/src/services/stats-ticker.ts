/**
 * Live dashboard counters (issue 12): once a second, each branch that received detections since
 * the last tick gets one `stats_updated` with its counters of today (its site-local day):
 * `detections_today`, `detected_count_today`, `unique_persons_today`. So a dashboard learns of
 * new detections at most once a second per branch however fast they arrive, never polls, and
 * reloads its figures (one indexed read) when a branch it shows changed.
 *
 * It follows the event log's ids, not the detection events in memory: detections are applied in
 * the detection thread, and the log is the one place both threads' work ends up. The events go
 * through the outbox on the branch's channel, so the hub's scope filter and replay apply.
 */
import type { Logger } from 'pino';
import type { SyncExecutor } from '../db/sync-executor.js';
import type { DomainEvents } from '../domain/domain-events.js';
import type { StatsRepository } from '../repositories/dashboard-repository.js';
import { countingZone, siteDay } from './site-time.js';

/** Period of the ticker, ms. */
export const STATS_INTERVAL_MS = 1000;

/** The once-a-second `stats_updated` for branches with new detections. */
export class StatsTicker {
  private lastId: number | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly repo: StatsRepository,
    private readonly exec: SyncExecutor,
    private readonly events: DomainEvents,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Start ticking every {@link STATS_INTERVAL_MS}. */
  start(): void {
    if (this.timer) return;
    this.lastId = this.repo.lastEventId();
    this.timer = setInterval(() => {
      try {
        this.tick();
      } catch (err) {
        this.logger.warn({ err }, 'dashboard counters tick failed');
      }
    }, STATS_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * One tick (exposed for tests): the branches of the event-log rows since the last tick, each
   * with its counters of today, as `branch.stats_changed` in one transaction.
   * @returns the branch ids announced
   */
  tick(): number[] {
    const upTo = this.repo.lastEventId();
    const after = this.lastId ?? upTo;
    this.lastId = upTo;
    if (upTo <= after) return [];
    const at = this.now();
    const branches = this.repo.branchesOfEventsBetween(after, upTo);
    this.exec.tx(() => {
      for (const b of branches) {
        const d = this.repo.day(b.branch_id, siteDay(at, countingZone(b.timezone)));
        this.events.emit('branch.stats_changed', {
          branch_id: b.branch_id,
          counters: {
            branch_id: b.branch_id,
            detections_today: d?.detections ?? 0,
            detected_count_today: d?.detected_sum ?? 0,
            unique_persons_today: d?.unique_persons ?? 0,
          },
          at,
        });
      }
    });
    return branches.map((b) => b.branch_id);
  }
}
