/**
 * Detection ingestion (S2): validate against the organisation, then commit the job and the
 * idempotency key together, and only then answer 202. The job handler applies the detection
 * in the worker's transaction and reports it through the outbox in that same transaction.
 */
import { PantauError, type DetectionAccepted, type DetectionLogBody, type RealtimeEventMap } from '@pantau/shared';
import type { SyncExecutor } from '../db/sync-executor.js';
import type { DetectionJobPayload, DetectionRepository, SnapshotRef } from '../repositories/detection-repository.js';
import type { JobQueue } from '../queue/job-queue.js';
import { JOB_TYPES } from '../queue/job-specs.js';
import type { Outbox } from '../realtime/outbox.js';
import type { CredentialRow } from './credential-service.js';

/** Detections timestamped further than this in the future are refused, ms (device clock skew allowance). */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

/** Job type name of a detection. */
export const DETECTION_JOB = JOB_TYPES.detection;

/**
 * What the snapshot pipeline (services/snapshot-pipeline.ts) does inside the detection
 * transactions, so a snapshot's bookkeeping commits or rolls back with its detection.
 */
export interface DetectionSnapshotHooks {
  /** Inside the accept transaction, after the job is enqueued: register the stored original. */
  accepted(payload: DetectionJobPayload & { snapshot: SnapshotRef }): void;
  /** Inside the detection job's transaction: link the original to its event, enqueue the image job. */
  applied(payload: DetectionJobPayload & { snapshot: SnapshotRef }, eventLogId: number): void;
}

/** WhatsApp alerts (services/notifications): queues deliveries for a processed detection inside its transaction. */
export interface DetectionAlertHook {
  onDetection(
    d: { event_log_id: number; branch_id: number; branch_name: string; device_id: string; device_name: string; re_id: string; detected_count: number; event_timestamp: string },
    now: number,
  ): unknown;
}

/** Accepts detections and applies them. */
export class DetectionService {
  private snapshots: DetectionSnapshotHooks | null = null;

  constructor(
    private readonly repo: DetectionRepository,
    private readonly exec: SyncExecutor,
    private readonly queue: JobQueue,
    private readonly outbox: Outbox,
    private readonly now: () => number = Date.now,
  ) {}

  /** Wire the snapshot pipeline (container.ts). */
  useSnapshots(hooks: DetectionSnapshotHooks): void {
    this.snapshots = hooks;
  }

  private alerts: DetectionAlertHook | null = null;

  /** Wire the WhatsApp alerts (container.ts): called in the detection job's transaction, after the event and its snapshot are stored. */
  useAlerts(hook: DetectionAlertHook): void {
    this.alerts = hook;
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
   * @throws PantauError UNKNOWN_BRANCH, UNKNOWN_DEVICE, DEVICE_BRANCH_MISMATCH, OUT_OF_SCOPE, VALIDATION_ERROR (timestamp in the future)
   */
  accept(body: DetectionLogBody, credential: Pick<CredentialRow, 'branch_id' | 'device_id'>, snapshot?: SnapshotRef): Promise<DetectionAccepted> {
    const now = this.now();
    if (credential.branch_id !== null && credential.branch_id !== body.branch_id) {
      return Promise.reject(new PantauError('OUT_OF_SCOPE', 'this API credential may not post for that branch', { field: 'branch_id' }));
    }
    if (credential.device_id !== null && credential.device_id !== body.device_id) {
      return Promise.reject(new PantauError('OUT_OF_SCOPE', 'this API credential may not post for that device', { field: 'device_id' }));
    }
    let ts = new Date(now).toISOString();
    if (body.detection_timestamp !== undefined) {
      const t = Date.parse(body.detection_timestamp);
      if (t > now + MAX_FUTURE_SKEW_MS) return Promise.reject(new PantauError('VALIDATION_ERROR', 'detection_timestamp is in the future', { field: 'detection_timestamp' }));
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
    return new Promise((resolve, reject) => {
      this.pending.push({ payload, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private pending: Array<{ payload: DetectionJobPayload; resolve: (r: DetectionAccepted) => void; reject: (e: unknown) => void }> = [];

  /** Store every pending detection in one transaction, then settle each one's promise. */
  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    const outcomes: Array<DetectionAccepted | PantauError> = [];
    try {
      this.exec.tx(() => {
        for (const item of batch) {
          try {
            outcomes.push(this.exec.tx(() => this.store(item.payload)));
          } catch (err) {
            if (!(err instanceof PantauError)) throw err;
            outcomes.push(err);
          }
        }
      });
    } catch (err) {
      for (const item of batch) item.reject(err);
      return;
    }
    batch.forEach((item, i) => {
      const o = outcomes[i]!;
      if (o instanceof PantauError) item.reject(o);
      else item.resolve(o);
    });
  }

  /** Check one detection against the organisation and store its job (inside a transaction). */
  private store(p: DetectionJobPayload): DetectionAccepted {
    if (!this.repo.branch(p.branch_id)) throw new PantauError('UNKNOWN_BRANCH', `branch ${p.branch_id} does not exist`, { field: 'branch_id' });
    const device = this.repo.device(p.device_id);
    if (!device) throw new PantauError('UNKNOWN_DEVICE', `device ${p.device_id} does not exist`, { field: 'device_id' });
    if (device.branch_id !== p.branch_id) {
      throw new PantauError('DEVICE_BRANCH_MISMATCH', `device ${p.device_id} belongs to branch ${device.branch_id}, not ${p.branch_id}`, { field: 'device_id' });
    }
    if (p.event_id !== null) {
      const seen = this.repo.findIdempotent(p.device_id, p.event_id);
      if (seen !== undefined) return { status: 'duplicate', job_id: seen };
    }
    const jobId = this.queue.enqueue(DETECTION_JOB, p);
    if (p.event_id !== null) this.repo.rememberIdempotent(p.device_id, p.event_id, jobId, p.received_at);
    if (p.snapshot) this.snapshots?.accepted({ ...p, snapshot: p.snapshot });
    return { status: 'processing', job_id: jobId };
  }

  /**
   * Job handler: apply a detection and append its `detection_update` event. Runs inside the
   * worker's transaction, which also completes the job.
   * @throws Error when the branch or device vanished since acceptance (the job then retries, then fails)
   */
  process(payload: DetectionJobPayload): void {
    const now = new Date(this.now()).toISOString();
    const branch = this.repo.branch(payload.branch_id);
    const device = this.repo.device(payload.device_id);
    if (!branch || !device) throw new Error(`branch ${payload.branch_id} or device ${payload.device_id} no longer exists`);
    const { eventId, person } = this.repo.apply(payload, now);
    if (payload.snapshot) this.snapshots?.applied({ ...payload, snapshot: payload.snapshot }, eventId);
    const data: RealtimeEventMap['detection_update'] = {
      id: eventId,
      event_type: 'person_detected',
      branch_id: payload.branch_id,
      branch_name: branch.branch_name,
      device_id: payload.device_id,
      device_name: device.device_name,
      re_id: payload.re_id,
      detected_count: payload.detected_count,
      event_timestamp: payload.detection_timestamp,
      created_at: now,
      acknowledged_by: null,
      acknowledged_at: null,
      // every event is a new alarm (schemas/alarms.ts); alarm_updated carries its changes
      alarm_state: 'new',
      acknowledged_by_name: null,
      closed_by: null,
      closed_by_name: null,
      closed_at: null,
      escalated_at: null,
      person: { total_actual_count: person.total_actual_count, total_detection_branch_count: person.total_detection_branch_count },
    };
    if (payload.snapshot) data.snapshot = 'pending';
    this.outbox.append('detection_update', payload.branch_id, data, this.now());
    this.alerts?.onDetection({ event_log_id: eventId, branch_id: payload.branch_id, branch_name: branch.branch_name, device_id: payload.device_id, device_name: device.device_name, re_id: payload.re_id, detected_count: payload.detected_count, event_timestamp: payload.detection_timestamp }, this.now());
  }
}
