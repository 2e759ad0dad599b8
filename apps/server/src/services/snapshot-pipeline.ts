/**
 * The snapshot pipeline (S5) from a stored original to a stamped image and thumbnail.
 *
 *   accept transaction ─ storage_files row (original) + detection job
 *   detection job      ─ original linked to its event + image job (same transaction)
 *   image job (async)  ─ sharp: resize ≤ 1920×1080, stamp, thumbnail 320×240, q85
 *                        files written to deterministic paths (see `derivedPaths`), then
 *                        effects: rows upserted, event_logs.image_path, `snapshot_ready`
 *
 * A killed attempt (crash between writing the files and the commit) leaves the job running;
 * the restart puts it back and the re-run overwrites the same two files and upserts the
 * same two rows (path is unique), so there is exactly one set whatever happened before.
 */
import type { Logger } from 'pino';
import type { DetectionJobPayload, SnapshotRef } from '../repositories/detection-repository.js';
import { derivedPaths, type StorageDisk } from '../repositories/storage-disk.js';
import type { StorageRepository, SnapshotEvent } from '../repositories/storage-repository.js';
import type { JobQueue } from '../queue/job-queue.js';
import { JOB_TYPES } from '../queue/job-specs.js';
import type { AsyncJobHandler } from '../queue/worker.js';
import type { Outbox } from '../realtime/outbox.js';
import type { DetectionSnapshotHooks } from './detection-service.js';
import { renderSnapshot, type Stamp } from './snapshot-image.js';

/** What the image job carries. `original` is relative to `<dataDir>/storage`. */
export interface ImageJobPayload {
  event_log_id: number;
  branch_id: number;
  original: string;
}

/** Absolute paths of an event's snapshot files (null where there is none). */
export interface EventSnapshotFiles {
  original: string | null;
  /** The processed (resized, stamped) image: what to send or show. */
  image: string | null;
  thumbnail: string | null;
}

/**
 * `2026-11-21 10:00:00 GMT+7`: the detection time in the branch's time zone.
 * @param iso ISO-8601 instant
 */
export function stampTime(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'shortOffset' }).formatToParts(new Date(iso));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')} ${get('timeZoneName')}`;
}

/** The stamp of an event: its time (branch time zone), branch and camera. */
export function stampOf(e: Pick<SnapshotEvent, 'event_timestamp' | 'timezone' | 'branch_name' | 'device_name'>): Stamp {
  return { time: stampTime(e.event_timestamp, e.timezone), place: `${e.branch_name} · ${e.device_name}` };
}

/** Snapshot bookkeeping in the detection transactions, and the image job. */
export class SnapshotPipeline implements DetectionSnapshotHooks {
  constructor(
    private readonly storage: StorageRepository,
    private readonly disk: StorageDisk,
    private readonly queue: JobQueue,
    private readonly outbox: Outbox,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Inside the accept transaction: register the original (no event yet). */
  accepted(p: DetectionJobPayload & { snapshot: SnapshotRef }): void {
    const s = p.snapshot;
    this.storage.upsert({ kind: 'original', path: s.path, bytes: s.bytes, width: s.width, height: s.height, mime: s.mime, branch_id: p.branch_id, event_log_id: null, created_at: p.received_at });
  }

  /** Inside the detection job's transaction: link the original to the event and enqueue its image job. */
  applied(p: DetectionJobPayload & { snapshot: SnapshotRef }, eventLogId: number): void {
    this.storage.linkToEvent(p.snapshot.path, eventLogId);
    const job: ImageJobPayload = { event_log_id: eventLogId, branch_id: p.branch_id, original: p.snapshot.path };
    this.queue.enqueue(JOB_TYPES.image, job);
  }

  /** The image job's handler (register on JOB_TYPES.image). */
  readonly imageJob: AsyncJobHandler = { kind: 'async', run: (payload, _job, signal) => this.process(payload as ImageJobPayload, signal) };

  /**
   * Render and write the processed image and thumbnail; resolve with the database effects.
   * @throws Error when the event or the original is gone, or sharp cannot decode it (the job retries 10/30/60 s, then fails)
   */
  async process(p: ImageJobPayload, signal: AbortSignal): Promise<() => void> {
    const event = this.storage.event(p.event_log_id);
    if (!event) throw new Error(`event ${p.event_log_id} no longer exists`);
    const original = await this.disk.read(p.original);
    signal.throwIfAborted();
    const out = await renderSnapshot(original, stampOf(event));
    signal.throwIfAborted();
    const paths = derivedPaths(p.original);
    await this.disk.writeAtomic(paths.image, out.image.data);
    await this.disk.writeAtomic(paths.thumbnail, out.thumbnail.data);
    signal.throwIfAborted();
    return () => {
      const created_at = new Date(this.now()).toISOString();
      const base = { branch_id: event.branch_id, event_log_id: event.id, mime: 'image/jpeg', created_at };
      this.storage.upsert({ ...base, kind: 'image', path: paths.image, bytes: out.image.data.length, width: out.image.width, height: out.image.height });
      this.storage.upsert({ ...base, kind: 'thumbnail', path: paths.thumbnail, bytes: out.thumbnail.data.length, width: out.thumbnail.width, height: out.thumbnail.height });
      this.storage.setEventImage(event.id, paths.image);
      this.outbox.append('snapshot_ready', event.branch_id, { event_log_id: event.id, branch_id: event.branch_id }, this.now());
      this.logger.debug({ event_log_id: event.id, image: paths.image }, 'snapshot ready');
    };
  }

  /**
   * The files of an event's snapshot, as absolute paths (for sending the image with a
   * WhatsApp alert: use `image`, falling back to `original` while the image job has not run).
   * Reads the registry only; the files may since have been removed by retention.
   */
  filesOf(eventLogId: number): EventSnapshotFiles {
    const out: EventSnapshotFiles = { original: null, image: null, thumbnail: null };
    for (const f of this.storage.filesOfEvent(eventLogId)) out[f.kind] = this.disk.resolve(f.path);
    return out;
  }

  /** Absolute path of the best image of an event (processed, else the original), or null. */
  imagePathOf(eventLogId: number): string | null {
    const f = this.filesOf(eventLogId);
    return f.image ?? f.original;
  }
}
