/**
 * Detection ingestion (S2): validate against the organisation, then commit the job and the
 * idempotency key together, and only then answer 202. The detection job applies the detection
 * in the worker's transaction and says so (`detection.applied`) in that same transaction; the
 * real-time publisher, the snapshot pipeline and the WhatsApp alerts follow from there.
 */
import {
  BatchItem,
  PantauError,
  type DetectionAccepted,
  type DetectionBatchResult,
  type DetectionLogBody,
} from '@pantau/shared';
import { intakeLimitsFromEnv, type IntakeLimits } from '../config.js';
import type { SyncExecutor } from '../db/sync-executor.js';
import type { DetectionRepository } from '../repositories/detection-repository.js';
import type { JobQueue } from '../repositories/job-queue.js';
import type { CredentialRow } from '../repositories/credential-repository.js';
import type { DomainEvents } from '../domain/domain-events.js';
import { defineJob } from '../queue/job-definition.js';
import { countingZone } from './site-time.js';
import type { AlarmRuleMatcher } from './alarm-rule-matcher.js';
import type { DetectionJobPayload, SnapshotRef } from '../queue/job-payloads.js';

/** Detections timestamped further than this in the future are refused, ms (device clock skew allowance). */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

/** Runs the accept transaction elsewhere (the detection thread, queue/detection-thread-host.ts). */
export interface RemoteDetectionStore {
  /** Store a group of detections' jobs in one commit; one outcome per payload, in order. */
  store(payloads: readonly DetectionJobPayload[]): Promise<Array<DetectionAccepted | PantauError>>;
  /** Detections handed over and not answered yet. */
  readonly inFlight: number;
}

/** How long the backlog figure is reused before it is read again, ms (a read per request would cost more than it tells). */
const BACKLOG_READ_EVERY_MS = 250;

/** Optional collaborators of {@link DetectionService}. */
export interface DetectionServiceOptions {
  now?: () => number;
  /** Where the accept transaction runs when not on this connection (the detection thread). */
  remote?: RemoteDetectionStore | null;
  /** Back-pressure limits (default: {@link intakeLimitsFromEnv}). */
  limits?: IntakeLimits;
}

/** Accepts detections and applies them. */
export class DetectionService {
  /**
   * The detection job: applies one posted detection inside the completing transaction (batched
   * with others of the batch lane). Retries after 10, 30 and 60 s (DESIGN S3): a detection fails
   * only when its branch or device was deleted after it was accepted.
   */
  readonly job = defineJob({
    type: 'detection.process',
    kind: 'sync',
    queue: 'detections',
    retryDelaysMs: [10_000, 30_000, 60_000],
    handle: (payload) => this.process(payload),
  });

  /**
   * @param alarms decides which detections are alarms (the alarm rules, issue 14); one per
   *   connection, since it caches the rules it read there
   */
  constructor(
    private readonly repo: DetectionRepository,
    private readonly exec: SyncExecutor,
    private readonly queue: JobQueue,
    private readonly events: DomainEvents,
    private readonly alarms: AlarmRuleMatcher,
    opts: DetectionServiceOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.remote = opts.remote ?? null;
    this.limits = opts.limits ?? intakeLimitsFromEnv();
  }

  private readonly now: () => number;
  private readonly remote: RemoteDetectionStore | null;
  private readonly limits: IntakeLimits;
  private backlog = { n: 0, readAt: -Infinity };

  /**
   * Forget idempotency keys older than `days` (the window in which a resend is a duplicate), in
   * transactions of up to 10 000 keys so the write lock is never held for long.
   * @param days the window, days (config.idempotencyDays)
   * @returns keys forgotten
   */
  pruneIdempotency(days: number): number {
    const before = new Date(this.now() - days * 86_400_000).toISOString();
    let total = 0;
    for (;;) {
      const n = this.exec.tx(() => this.repo.forgetIdempotentBefore(before, 10_000));
      total += n;
      if (n < 10_000) return total;
    }
  }

  /**
   * Whether `n` more detections may be taken now: the UNAVAILABLE error to answer (503, with
   * `details.retry_after_s`, which the error handler sends as `Retry-After`) when the accept
   * transactions are behind by more than `maxInFlight` detections or the detection queue holds
   * more than `maxBacklog` jobs; null when they may. Nothing is stored for a refused detection,
   * so the device keeps it and sends it again.
   */
  overloaded(n = 1): PantauError | null {
    const inFlight = this.pending.length + (this.remote?.inFlight ?? 0);
    if (inFlight > 0 && inFlight + n > this.limits.maxInFlight)
      return new PantauError('UNAVAILABLE', 'the server is taking detections faster than it can store them', {
        retry_after_s: 1,
        reason: 'in_flight',
      });
    const now = this.now();
    if (now - this.backlog.readAt >= BACKLOG_READ_EVERY_MS)
      this.backlog = { n: this.queue.depth(this.job.queue), readAt: now };
    if (this.backlog.n + n > this.limits.maxBacklog)
      return new PantauError('UNAVAILABLE', 'the detection queue is full: send it again later', {
        retry_after_s: 10,
        reason: 'backlog',
      });
    return null;
  }

  /**
   * Accept one detection for processing. Resolves once its job (and idempotency key) is
   * committed: that is the promise a 202 makes.
   *
   * Group commit: the detections that arrive in the same turn of the event loop are
   * checked and stored in one transaction, each in its own savepoint, and answered after that
   * one commit. A commit costs far more than the inserts, so this is what lets ingestion
   * pass 5 000 detections/s (DESIGN §7) while every answer still follows a durable commit.
   * @param snapshot the posted image's original, already stored (multipart posts); registered in the same transaction as the job
   * @returns `{ status: 'processing', job_id }` (new) or `{ status: 'duplicate', job_id }` (event_id seen before for this device)
   * @param admitted the caller checked {@link overloaded} for this detection already (a batch checks once for all)
   * @throws PantauError UNKNOWN_BRANCH, UNKNOWN_DEVICE, DEVICE_BRANCH_MISMATCH, OUT_OF_SCOPE, VALIDATION_ERROR (timestamp in the future),
   *   UNAVAILABLE (overloaded: see {@link overloaded})
   */
  accept(
    body: DetectionLogBody,
    credential: Pick<CredentialRow, 'branch_id' | 'device_id'>,
    snapshot?: SnapshotRef,
    admitted = false,
  ): Promise<DetectionAccepted> {
    if (!admitted) {
      const busy = this.overloaded();
      if (busy) return Promise.reject(busy);
    }
    const now = this.now();
    if (credential.branch_id !== null && credential.branch_id !== body.branch_id) {
      return Promise.reject(
        new PantauError('OUT_OF_SCOPE', 'this API credential may not post for that branch', { field: 'branch_id' }),
      );
    }
    if (credential.device_id !== null && credential.device_id !== body.device_id) {
      return Promise.reject(
        new PantauError('OUT_OF_SCOPE', 'this API credential may not post for that device', { field: 'device_id' }),
      );
    }
    let ts = new Date(now).toISOString();
    if (body.detection_timestamp !== undefined) {
      const t = Date.parse(body.detection_timestamp);
      if (t > now + MAX_FUTURE_SKEW_MS)
        return Promise.reject(
          new PantauError('VALIDATION_ERROR', 'detection_timestamp is in the future', { field: 'detection_timestamp' }),
        );
      ts = new Date(t).toISOString();
    }
    const payload: DetectionJobPayload = {
      re_id: body.re_id,
      branch_id: body.branch_id,
      device_id: body.device_id,
      detected_count: body.detected_count,
      detection_timestamp: ts,
      detection_data: body.detection_data ?? null,
      event_id: body.event_id ?? null,
      received_at: new Date(now).toISOString(),
    };
    if (snapshot) payload.snapshot = snapshot;
    if (body.appearance_features) payload.appearance_features = body.appearance_features;
    return new Promise((resolve, reject) => {
      this.pending.push({ payload, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  /**
   * Accept a store-and-forward batch (`POST /detection/batch`). Items are checked one by one, so a
   * bad one is rejected with its field and the rest go through; the good ones are accepted in the
   * same turn of the event loop, so they share one group commit.
   * @param items the raw items (the batch schema checks only their number)
   * @returns one result per item, in order, with the counts
   * @throws PantauError UNAVAILABLE when the server is overloaded (the whole batch is refused and nothing stored)
   */
  async acceptBatch(
    items: readonly unknown[],
    credential: Pick<CredentialRow, 'branch_id' | 'device_id'>,
  ): Promise<DetectionBatchResult> {
    const busy = this.overloaded(items.length);
    if (busy) throw busy;
    const results = await Promise.all(
      items.map(async (raw, i): Promise<DetectionBatchResult['results'][number]> => {
        const parsed = BatchItem.safeParse(raw);
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          const field =
            issue.path.join('.') ||
            (issue.code === 'unrecognized_keys' ? String((issue as { keys?: string[] }).keys?.[0]) : 'detections');
          return {
            status: 'rejected',
            error: { code: 'VALIDATION_ERROR', message: `detections.${i}.${field}: ${issue.message}`, field },
          };
        }
        try {
          const a = await this.accept(parsed.data, credential, undefined, true);
          return { status: a.status === 'processing' ? 'accepted' : 'duplicate', job_id: a.job_id };
        } catch (err) {
          if (!(err instanceof PantauError)) throw err;
          const field = err.details?.field;
          return { status: 'rejected', error: { code: err.code, message: err.message, ...(field ? { field } : {}) } };
        }
      }),
    );
    const count = (st: string) => results.filter((x) => x.status === st).length;
    return { accepted: count('accepted'), duplicate: count('duplicate'), rejected: count('rejected'), results };
  }

  private pending: Array<{
    payload: DetectionJobPayload;
    resolve: (r: DetectionAccepted) => void;
    reject: (e: unknown) => void;
  }> = [];

  /**
   * Store every pending detection, then settle each one's promise: in this connection's
   * transaction, or through the detection thread when the container gave one (`remote`), so the
   * HTTP thread never waits for the database write lock on the ingestion path.
   */
  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    const payloads = batch.map((b) => b.payload);
    const settle = (outcomes: ReadonlyArray<DetectionAccepted | PantauError>) =>
      batch.forEach((item, i) => {
        const o = outcomes[i]!;
        if (o instanceof PantauError) item.reject(o);
        else item.resolve(o);
      });
    if (this.remote) {
      this.remote.store(payloads).then(settle, (err: unknown) => batch.forEach((item) => item.reject(err)));
      return;
    }
    let outcomes: Array<DetectionAccepted | PantauError>;
    try {
      outcomes = this.storeBatch(payloads);
    } catch (err) {
      for (const item of batch) item.reject(err);
      return;
    }
    settle(outcomes);
  }

  /**
   * Check and store detections' jobs in one transaction (one commit for all): a refused one
   * (unknown branch or device, wrong branch) is found before it writes anything, so it changes
   * nothing and the rest go through. This is the accept transaction, run here or in the detection thread.
   * @returns one outcome per payload, in order: accepted (or duplicate), or the PantauError that refused it
   * @throws whatever goes wrong while storing (the whole batch then fails: nothing was stored)
   */
  storeBatch(payloads: readonly DetectionJobPayload[]): Array<DetectionAccepted | PantauError> {
    const outcomes: Array<DetectionAccepted | PantauError> = [];
    this.exec.tx(() => {
      for (const p of payloads) {
        // every refusal is found by reads before anything is written, so a refused detection
        // needs no savepoint of its own: two statements less per detection on the hot path
        const refused = this.refusal(p);
        outcomes.push(refused ?? this.store(p));
      }
    });
    return outcomes;
  }

  /**
   * Why the organisation refuses a detection (unknown branch or device, a device of another
   * branch), or null when it may be stored. Reads only.
   */
  private refusal(p: DetectionJobPayload): PantauError | null {
    if (!this.repo.branch(p.branch_id))
      return new PantauError('UNKNOWN_BRANCH', `branch ${p.branch_id} does not exist`, { field: 'branch_id' });
    const device = this.repo.device(p.device_id);
    if (!device)
      return new PantauError('UNKNOWN_DEVICE', `device ${p.device_id} does not exist`, { field: 'device_id' });
    if (device.branch_id !== p.branch_id)
      return new PantauError(
        'DEVICE_BRANCH_MISMATCH',
        `device ${p.device_id} belongs to branch ${device.branch_id}, not ${p.branch_id}`,
        { field: 'device_id' },
      );
    return null;
  }

  /** Store a detection {@link refusal} let through: its job and idempotency key (inside a transaction), or its earlier job for a repeated event_id. */
  private store(p: DetectionJobPayload): DetectionAccepted {
    if (p.event_id !== null) {
      const seen = this.repo.findIdempotent(p.device_id, p.event_id);
      if (seen !== undefined) return { status: 'duplicate', job_id: seen };
    }
    const jobId = this.queue.enqueue('detection.process', p);
    if (p.event_id !== null) this.repo.rememberIdempotent(p.device_id, p.event_id, jobId, p.received_at);
    this.events.emit('detection.accepted', { payload: p });
    return { status: 'processing', job_id: jobId };
  }

  /**
   * Apply a detection (the detection job's handler) and say so: `detection.applied`. Runs inside
   * the worker's transaction, which also completes the job. The alarm rules decide whether its
   * event is an alarm (and which rule, priority and follow-ups) or a plain event.
   * @throws Error when the branch or device vanished since acceptance (the job then retries, then fails)
   */
  process(payload: DetectionJobPayload): void {
    const at = this.now();
    const branch = this.repo.branch(payload.branch_id);
    const device = this.repo.device(payload.device_id);
    if (!branch || !device)
      throw new Error(`branch ${payload.branch_id} or device ${payload.device_id} no longer exists`);
    // an unknown zone counts in DESIGN's default rather than failing the detection
    const zone = countingZone(branch.timezone);
    // the rules decide before the event row is written: its alarm columns are in the same insert
    const alarm = this.alarms.match(
      branch,
      zone,
      {
        device_id: payload.device_id,
        re_id: payload.re_id,
        detected_count: payload.detected_count,
        at: Date.parse(payload.detection_timestamp),
      },
      at,
    );
    const { eventId, person } = this.repo.apply(payload, new Date(at).toISOString(), zone, alarm);
    this.events.emit('detection.applied', {
      event_log_id: eventId,
      alarm: alarm && { rule_id: alarm.rule_id, priority: alarm.priority, notify_whatsapp: alarm.notify_whatsapp },
      payload,
      branch_name: branch.branch_name,
      device_name: device.device_name,
      person: {
        total_actual_count: person.total_actual_count,
        total_detection_branch_count: person.total_detection_branch_count,
      },
      at,
    });
  }
}
