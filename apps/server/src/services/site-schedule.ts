/**
 * Site-local daily jobs, run once per time zone in use (DESIGN 1, S3). The plan is one set of
 * croner jobs per zone that some branch is in, plus the server's zone; `replan()` reads the
 * branches' zones again (the scheduler calls it every minute, so a new branch or a changed
 * time zone is picked up without a restart), starts crons for new zones, stops those of zones
 * no branch uses any more, and leaves the rest running (never two crons for one zone and job).
 * Each job's catch-up runs for a zone when it enters the plan (at start, too) and when a
 * branch moves into or out of it, so a missed day, or days counted in a branch's old zone,
 * are set right. The clock is injectable: a job's "day" is the zone's local day before
 * `now()` when it fires.
 */
import { Cron } from 'croner';
import type { Logger } from 'pino';
import { invalidZones, previousSiteDay, zonesInUse } from './site-time.js';

/** A daily job that runs in each planned zone. */
export interface SiteDailyJob {
  /** Unique among the jobs; in logs and in {@link SiteSchedule.plan}. */
  name: string;
  /** Croner pattern read in the zone's local time, e.g. `45 1 * * *` for 01:45. */
  pattern: string;
  /**
   * The work for one zone and day; errors are logged, not thrown.
   * @param day the zone's local day before the run (YYYY-MM-DD)
   */
  run(zone: string, day: string): void | Promise<void>;
  /**
   * Set right the zone's recent days: those missed, and those counted while a branch was in
   * another zone. Called when the zone enters the plan (at start, too) and when a branch moves
   * into or out of it.
   */
  catchUp?(zone: string, now: Date): void | Promise<void>;
}

/** What {@link SiteSchedule} needs. */
export interface SiteScheduleOptions {
  jobs: readonly SiteDailyJob[];
  /** Every branch's id and time zone now (one cheap query). */
  branchZones: () => Iterable<{ id: number; timezone: string }>;
  /** The server's zone (`config.timezone`), always planned: work that belongs to no site. */
  serverZone: string;
  logger: Logger;
  /** The clock the jobs' days are taken from; default: the system clock. */
  now?: () => Date;
}

/** A change of plan (zone lists sorted). */
export interface PlanChange {
  /** Zones that got crons. */
  added: string[];
  /** Zones whose crons were stopped. */
  removed: string[];
  /** Planned zones whose catch-ups ran: the added ones and those a branch moved into or out of. */
  caughtUp: string[];
}

/** One set of croner jobs per zone in use. */
export class SiteSchedule {
  private readonly crons = new Map<string, Array<{ job: SiteDailyJob; cron: Cron }>>();
  private readonly now: () => Date;
  /** Branch id → zone at the last replan (null before the first). */
  private lastZones: Map<number, string> | null = null;
  private warned = '';
  private stopped = false;

  constructor(private readonly o: SiteScheduleOptions) {
    this.now = o.now ?? (() => new Date());
  }

  /**
   * Bring the crons in line with the zones in use now, then run the catch-ups of the zones
   * added and of the planned zones a branch moved into or out of (awaited, one after another;
   * their errors are logged).
   * @returns what changed (all empty when nothing did, or after stop)
   * @throws whatever `branchZones` throws (a database error)
   */
  async replan(): Promise<PlanChange> {
    if (this.stopped) return { added: [], removed: [], caughtUp: [] };
    const branches = [...this.o.branchZones()];
    const moved = new Set<string>();
    const current = new Map(branches.map((b) => [b.id, b.timezone]));
    for (const [id, zone] of this.lastZones ?? []) {
      const next = current.get(id);
      if (next !== undefined && next !== zone) moved.add(zone).add(next);
    }
    this.lastZones = current;
    const bad = invalidZones(branches).join(',');
    if (bad && bad !== this.warned)
      this.o.logger.warn(
        { zones: bad.split(',') },
        'branches with an unknown time zone: their daily work is not scheduled',
      );
    this.warned = bad;
    const zones = zonesInUse(branches, this.o.serverZone);
    const removed = [...this.crons.keys()].filter((z) => !zones.includes(z)).sort();
    for (const z of removed) {
      for (const { cron } of this.crons.get(z) ?? []) cron.stop();
      this.crons.delete(z);
    }
    // the map is updated before any await, so overlapping replans never start a zone twice
    const added = zones.filter((z) => !this.crons.has(z));
    for (const z of added) {
      this.crons.set(
        z,
        this.o.jobs.map((job) => ({
          job,
          cron: new Cron(job.pattern, { timezone: z, protect: true }, () => this.fire(z, job)),
        })),
      );
    }
    if (added.length || removed.length)
      this.o.logger.info({ added, removed, zones }, 'site schedule: time zones planned');
    const caughtUp = zones.filter((z) => added.includes(z) || moved.has(z));
    for (const z of caughtUp) {
      for (const job of this.o.jobs) {
        if (!job.catchUp) continue;
        try {
          await job.catchUp(z, this.now());
        } catch (err) {
          this.o.logger.error({ err, zone: z, job: job.name }, 'site schedule: catch-up failed');
        }
      }
    }
    return { added, removed, caughtUp };
  }

  /** The zones planned now, sorted. */
  plannedZones(): string[] {
    return [...this.crons.keys()].sort();
  }

  /**
   * Every planned cron with its next run.
   * @param after the instant to look from; default: now (the system clock, as croner uses)
   * @returns one entry per zone and job, sorted by zone then job order
   */
  plan(after?: Date): Array<{ zone: string; job: string; next: Date | null }> {
    return this.plannedZones().flatMap((zone) =>
      (this.crons.get(zone) ?? []).map(({ job, cron }) => ({ zone, job: job.name, next: cron.nextRun(after ?? null) })),
    );
  }

  /**
   * Run a zone's jobs now, as their crons would (the day is the zone's local day before
   * `now()`). For tests and manual runs.
   * @throws Error when the zone is not planned
   */
  async runZone(zone: string): Promise<void> {
    if (!this.crons.has(zone)) throw new Error(`time zone not planned: ${zone}`);
    for (const job of this.o.jobs) await this.fire(zone, job);
  }

  /** Stop every cron; later replans do nothing. */
  stop(): void {
    this.stopped = true;
    for (const cs of this.crons.values()) for (const { cron } of cs) cron.stop();
    this.crons.clear();
  }

  private async fire(zone: string, job: SiteDailyJob): Promise<void> {
    const day = previousSiteDay(zone, this.now());
    try {
      await job.run(zone, day);
    } catch (err) {
      this.o.logger.error({ err, zone, day, job: job.name }, 'site schedule: job failed');
    }
  }
}
