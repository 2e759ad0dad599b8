/**
 * Retention cleanup of stored files (S5): files registered more than `retentionDays` ago
 * (default 90, `PANTAU_RETENTION_DAYS`) are deleted from disk and from storage_files together.
 *
 * It runs as a `maintenance.cleanup` job on the maintenance queue, enqueued daily at 02:00 site
 * time by the scheduler (and at start when a run was missed). The handler deletes the files
 * first, outside any transaction, and returns the effects that delete the rows of exactly
 * the files that are now gone (deleted, or already missing); a file that could not be
 * deleted keeps its row for the next run. A crash between the two leaves rows whose files are
 * missing, which the next run removes. Work is done in batches of {@link CLEANUP_BATCH}; a
 * full batch enqueues the next one in the same effects.
 *
 * The job's payload may carry `as_of` (ms since epoch): the instant the retention window is
 * measured from (default: when the job runs), so a run is reproducible and testable.
 *
 * Each run also sweeps orphans ({@link StorageRetention.sweepOrphans}): a server that dies
 * between writing a snapshot's original and committing its detection (or a torn temporary
 * file of an atomic write) leaves a file that no storage_files row names, so the retention
 * query above would never find it. Such files in the day directories of the last
 * {@link ORPHAN_SWEEP_DAYS} days, untouched for {@link ORPHAN_MIN_AGE_MS}, are deleted. The age
 * guard keeps uploads and image jobs in flight safe (their files are registered well within
 * it: an accept commits in milliseconds, an image job times out in seconds).
 */
import type { Logger } from 'pino';
import type { StorageDisk } from '../repositories/storage-disk.js';
import type { StorageRepository, StoredFile } from '../repositories/storage-repository.js';
import type { SyncExecutor } from '../db/sync-executor.js';
import type { JobQueue } from '../repositories/job-queue.js';
import { defineJob } from '../queue/job-definition.js';
import type { CleanupJobPayload } from '../queue/job-payloads.js';

/** Default retention of stored files, days (DESIGN S5). */
export const DEFAULT_RETENTION_DAYS = 90;
/** When the daily cleanup is enqueued: 02:00 in the site's time zone (croner pattern; DESIGN S3). */
export const CLEANUP_CRON = '0 2 * * *';
/** Files handled per cleanup job. */
export const CLEANUP_BATCH = 1000;

/** Day directories (events/YYYY/MM/DD) the orphan sweep looks at: today and the days before, by UTC date ± a day. */
export const ORPHAN_SWEEP_DAYS = 3;
/** A file unregistered for this long (ms, by its modification time) is an orphan. */
export const ORPHAN_MIN_AGE_MS = 3600_000;

/** Snapshot settings from the environment. */
export interface SnapshotSettings {
  retentionDays: number;
  /** Lifetime of a signed file link, ms. */
  fileUrlTtlMs: number;
}

/**
 * `PANTAU_RETENTION_DAYS` (default 90) and `PANTAU_FILE_URL_TTL_S` (default 600).
 * @throws Error naming the variable when it is not a whole number ≥ 1
 */
export function snapshotSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): SnapshotSettings {
  const read = (key: string, fallback: number) => {
    const raw = env[key];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${key} must be a whole number ≥ 1, got "${raw}"`);
    return n;
  };
  return {
    retentionDays: read('PANTAU_RETENTION_DAYS', DEFAULT_RETENTION_DAYS),
    fileUrlTtlMs: read('PANTAU_FILE_URL_TTL_S', 600) * 1000,
  };
}

/** Deletes expired files and their rows. */
export class StorageRetention {
  /**
   * The cleanup job: one batch of {@link CLEANUP_BATCH} expired files (and the orphan sweep),
   * outside any transaction; the rows go with the job's removal. Retries after 60 and 300 s;
   * one attempt may take 10 minutes.
   */
  readonly job = defineJob({
    type: 'maintenance.cleanup',
    kind: 'async',
    queue: 'maintenance',
    retryDelaysMs: [60_000, 300_000],
    timeoutMs: 600_000,
    run: (payload, _job, signal) => this.run(payload, signal),
  });

  constructor(
    private readonly storage: StorageRepository,
    private readonly disk: StorageDisk,
    private readonly exec: SyncExecutor,
    private readonly queue: JobQueue,
    private readonly logger: Logger,
    readonly retentionDays: number = DEFAULT_RETENTION_DAYS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cutoff: files registered before it are expired. ISO-8601. */
  cutoff(asOf: number = this.now()): string {
    return new Date(asOf - this.retentionDays * 86_400_000).toISOString();
  }

  /** Whether any file is past retention now (start-up catch-up of a missed 02:00 run). */
  due(): boolean {
    return this.storage.olderThan(this.cutoff(), 1).length > 0;
  }

  /** Enqueue a cleanup run. @returns the job id */
  schedule(payload: CleanupJobPayload = {}): number {
    return this.exec.tx(() => this.queue.enqueue('maintenance.cleanup', payload));
  }

  /**
   * Delete one batch of expired files; resolve with the effects that delete their rows.
   * @returns effects: rows of removed or missing files deleted; another job enqueued when the batch was full
   */
  async run(p: CleanupJobPayload, signal?: AbortSignal): Promise<() => void> {
    const asOf = p.as_of ?? this.now();
    await this.sweepOrphans(signal).catch((err: unknown) =>
      this.logger.warn({ err }, 'retention: orphan sweep failed; the next run tries again'),
    );
    const expired = this.storage.olderThan(this.cutoff(asOf), CLEANUP_BATCH);
    const gone: StoredFile[] = [];
    let kept = 0;
    for (const f of expired) {
      if (signal?.aborted) break;
      try {
        await this.disk.remove(f.path);
        gone.push(f);
      } catch (err) {
        kept++;
        this.logger.warn({ err, path: f.path }, 'retention: could not delete a file; its row stays for the next run');
      }
    }
    return () => {
      for (const f of gone) this.storage.remove(f);
      if (expired.length === CLEANUP_BATCH && gone.length > 0)
        this.queue.enqueue('maintenance.cleanup', { as_of: asOf });
      if (expired.length > 0)
        this.logger.info({ removed: gone.length, kept, retention_days: this.retentionDays }, 'retention cleanup');
    };
  }

  /**
   * Delete files of the recent day directories that no storage_files row names and that are
   * older than {@link ORPHAN_MIN_AGE_MS} (see the module comment), temporary files of torn
   * writes included. Touches no rows.
   * @returns relative paths deleted
   * @throws the file system's error for anything but a missing directory or file
   */
  async sweepOrphans(signal?: AbortSignal): Promise<string[]> {
    const now = this.now();
    const dirs = new Set<string>();
    // UTC dates from a day ahead (zones east of UTC) back ORPHAN_SWEEP_DAYS: covers the site's calendar
    for (let d = -1; d <= ORPHAN_SWEEP_DAYS; d++) {
      const iso = new Date(now - d * 86_400_000).toISOString();
      dirs.add(`events/${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}`);
    }
    const removed: string[] = [];
    for (const dir of dirs) {
      const old = (await this.disk.listFiles(dir)).filter((f) => now - f.mtimeMs >= ORPHAN_MIN_AGE_MS);
      if (old.length === 0) continue;
      const known = this.storage.registered(old.map((f) => f.path));
      for (const f of old) {
        if (signal?.aborted) return removed;
        if (known.has(f.path)) continue;
        await this.disk.remove(f.path);
        removed.push(f.path);
      }
    }
    if (removed.length)
      this.logger.info({ removed: removed.length }, 'retention: orphan files removed (written, never registered)');
    return removed;
  }
}
