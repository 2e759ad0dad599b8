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
import { derivedPaths, type StorageDisk } from '../repositories/storage-disk.js';
import type { StorageRepository, SnapshotEvent } from '../repositories/storage-repository.js';
import type { JobQueue } from '../repositories/job-queue.js';
import type { DomainEvents } from '../domain/domain-events.js';
import { defineJob } from '../queue/job-definition.js';
import type { DetectionJobPayload, ImageJobPayload, SnapshotRef } from '../queue/job-payloads.js';
import { renderSnapshot, type Stamp } from './snapshot-image.js';

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
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'shortOffset',
  }).formatToParts(new Date(iso));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')} ${get('timeZoneName')}`;
}

/** The stamp of an event: its time (branch time zone), branch and camera. */
export function stampOf(e: Pick<SnapshotEvent, 'event_timestamp' | 'timezone' | 'branch_name' | 'device_name'>): Stamp {
  return { time: stampTime(e.event_timestamp, e.timezone), place: `${e.branch_name} · ${e.device_name}` };
}

/** Snapshot bookkeeping in the detection transactions, and the image job. */
export class SnapshotPipeline {
  /**
   * The image job: stamp and thumbnail one event's original (sharp), outside any transaction;
   * the rows commit with the job's removal. Retries after 10, 30 and 60 s (DESIGN S3); one
   * attempt may take 60 s.
   */
  readonly job = defineJob({
    type: 'image.process',
    kind: 'async',
    queue: 'images',
    retryDelaysMs: [10_000, 30_000, 60_000],
    timeoutMs: 60_000,
    run: (payload, _job, signal) => this.process(payload, signal),
  });

  constructor(
    private readonly storage: StorageRepository,
    private readonly disk: StorageDisk,
    private readonly queue: JobQueue,
    private readonly events: DomainEvents,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Follow the detections: register a posted original when its detection is accepted, and link
   * it to its event (and queue its image job) when the detection is applied, each in that
   * detection's transaction. Call before the real-time publisher subscribes, so the feed's
   * first frame of the event already says its snapshot is pending.
   */
  follow(): void {
    this.events.on('detection.accepted', ({ payload }) => {
      if (payload.snapshot) this.accepted({ ...payload, snapshot: payload.snapshot });
    });
    this.events.on('detection.applied', ({ payload, event_log_id }) => {
      if (payload.snapshot) this.applied({ ...payload, snapshot: payload.snapshot }, event_log_id);
    });
  }

  /** Inside the accept transaction: register the original (no event yet). */
  private accepted(p: DetectionJobPayload & { snapshot: SnapshotRef }): void {
    const s = p.snapshot;
    this.storage.upsert({
      kind: 'original',
      path: s.path,
      bytes: s.bytes,
      width: s.width,
      height: s.height,
      mime: s.mime,
      branch_id: p.branch_id,
      event_log_id: null,
      created_at: p.received_at,
    });
  }

  /** Inside the detection job's transaction: link the original to the event and enqueue its image job. */
  private applied(p: DetectionJobPayload & { snapshot: SnapshotRef }, eventLogId: number): void {
    this.storage.linkToEvent(p.snapshot.path, eventLogId);
    this.queue.enqueue('image.process', {
      event_log_id: eventLogId,
      branch_id: p.branch_id,
      original: p.snapshot.path,
    });
  }

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
      this.storage.upsert({
        ...base,
        kind: 'image',
        path: paths.image,
        bytes: out.image.data.length,
        width: out.image.width,
        height: out.image.height,
      });
      this.storage.upsert({
        ...base,
        kind: 'thumbnail',
        path: paths.thumbnail,
        bytes: out.thumbnail.data.length,
        width: out.thumbnail.width,
        height: out.thumbnail.height,
      });
      this.storage.setEventImage(event.id, paths.image);
      this.events.emit('snapshot.ready', { event_log_id: event.id, branch_id: event.branch_id });
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
