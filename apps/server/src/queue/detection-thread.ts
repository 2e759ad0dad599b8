/**
 * The detection thread (a `worker_threads` thread of the server process): it runs the
 * detection job's batch lane on a database connection of its own, so ingestion (the HTTP
 * thread) and processing use both cores (issue 11). Everything else (the asynchronous jobs,
 * the real-time hub, the API) stays on the HTTP thread.
 *
 * It builds what a detection's transaction needs, and only that: the detection service, the
 * domain events with their followers in the same order as the container (the snapshot link,
 * the real-time publisher, the WhatsApp alerts), and a worker registering the detection job.
 * The two connections take turns through the process's write lock (db/write-lock.ts); SQLite
 * serialises their commits, so outbox ids still commit in order with no gap.
 *
 * It also runs the accept transaction of every posted detection (`accept`, answered with
 * `accepted`): the HTTP thread validates, then hands each turn's detections over and answers
 * 202 once this thread committed them, so on the ingestion path the HTTP thread never waits for
 * the write lock, and the writes of both halves of the pipeline come from one connection.
 *
 * Messages (see {@link ThreadMessage} and {@link HostMessage}): the host says `wake` when
 * detection jobs were enqueued elsewhere and `stop` at shutdown; the thread says `ready`, `frames` after
 * a commit that wrote outbox rows (the host pumps the hub), `enqueued` when its jobs queued work
 * for the host's queues (image, WhatsApp), `counts` after each batch, and `stopped`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import pino from 'pino';
import { PantauError, type ApiErrorBody, type DetectionAccepted } from '@pantau/shared';
import { openDatabase } from '../db/database.js';
import { SyncExecutor } from '../db/sync-executor.js';
import { WriteLock } from '../db/write-lock.js';
import { DomainEvents } from '../domain/domain-events.js';
import { DetectionRepository } from '../repositories/detection-repository.js';
import { AlarmMatchRepository } from '../repositories/alarm-match-repository.js';
import { EventRowRepository } from '../repositories/event-rows.js';
import { JobQueue, type JobSpec } from '../repositories/job-queue.js';
import { NotificationRepository } from '../repositories/notification-repository.js';
import { Outbox } from '../repositories/outbox-repository.js';
import { StorageDisk } from '../repositories/storage-disk.js';
import { StorageRepository } from '../repositories/storage-repository.js';
import { RealtimePublisher } from '../realtime/realtime-publisher.js';
import { loadKeys } from '../security/keys.js';
import { DetectionService } from '../services/detection-service.js';
import { AlarmRuleMatcher } from '../services/alarm-rule-matcher.js';
import { NotificationDispatcher } from '../services/notifications/notification-dispatcher.js';
import { notificationSecretsKey } from '../services/notifications/index.js';
import { ProviderSettingsStore } from '../services/notifications/provider-settings.js';
import { SnapshotPipeline } from '../services/snapshot-pipeline.js';
import { JOB_PAYLOADS, type DetectionJobPayload } from './job-payloads.js';
import { Worker } from './worker.js';

/** What the host hands the thread at start. */
export interface DetectionThreadData {
  dataDir: string;
  /** The process's write lock (db/write-lock.ts). */
  lock: SharedArrayBuffer;
  logLevel: string;
  /** The server's site time zone (a branch without one). */
  timezone: string;
  /** Every job type's settings, as the host's queue knows them (the thread enqueues image and WhatsApp jobs). */
  specs: Record<string, JobSpec>;
  /** Priority of each named queue. */
  queuePriority: Record<string, number>;
  /** Run the detection jobs (else the thread only runs accept transactions; tests observing the queue). */
  runWorker: boolean;
}

/** Host → thread. */
export type HostMessage =
  | { type: 'wake' }
  | { type: 'stop' }
  /** Run the accept transaction for these detections (the HTTP thread's group commit). */
  | { type: 'accept'; id: number; payloads: DetectionJobPayload[] };

/** One detection's accept outcome as it crosses threads (a PantauError as its body). */
export type AcceptOutcome = DetectionAccepted | { error: ApiErrorBody };

/** Thread → host. */
export type ThreadMessage =
  | { type: 'ready' }
  | { type: 'frames' }
  | { type: 'enqueued'; queue: string }
  | { type: 'counts'; processed: number; failures: number }
  | { type: 'accepted'; id: number; outcomes: AcceptOutcome[] }
  | { type: 'accept_failed'; id: number; message: string }
  | { type: 'stopped' }
  | { type: 'failed'; message: string };

/** The id of this thread's hold on the write lock (the HTTP thread is 1). */
export const DETECTION_THREAD_LOCK_ID = 2;

/**
 * Build the thread's object graph and run its worker until told to stop.
 * @param data what the host passed
 * @param post sends a message to the host
 * @returns a function to call with each host message
 */
export function runDetectionThread(
  data: DetectionThreadData,
  post: (m: ThreadMessage) => void,
): (m: HostMessage) => void {
  const logger = pino({ level: data.logLevel }).child({ thread: 'detections' });
  const db = openDatabase(data.dataDir);
  const exec = new SyncExecutor(db.conn, new WriteLock(data.lock, DETECTION_THREAD_LOCK_ID));
  exec.onListenerError = (err) => logger.error({ err }, 'commit listener failed');
  const keys = loadKeys(data.dataDir);
  const queue = new JobQueue(db.conn, data.specs, Date.now, data.queuePriority);
  const events = new DomainEvents(() => exec.inTransaction);
  const detections = new DetectionService(
    new DetectionRepository(db.conn),
    exec,
    queue,
    events,
    new AlarmRuleMatcher(new AlarmMatchRepository(db.conn)),
  );
  const storage = new StorageRepository(db.conn);
  const snapshots = new SnapshotPipeline(storage, new StorageDisk(data.dataDir), queue, events, logger);
  const notifications = new NotificationRepository(db.kysely, exec);
  const dispatcher = new NotificationDispatcher(
    notifications,
    queue,
    events,
    new ProviderSettingsStore(notifications, notificationSecretsKey(keys.streamSecrets)),
    (id) => notifications.branch(id)?.timezone ?? data.timezone,
    (id) => snapshots.imagePathOf(id),
  );
  // the container's order (services/container.ts, phase 4)
  snapshots.follow();
  const publisher = new RealtimePublisher(new Outbox(db.conn), new EventRowRepository(db.kysely, db.conn), events);
  dispatcher.follow();
  exec.onCommit(() => {
    if (publisher.takeAppended()) post({ type: 'frames' });
  });
  queue.onEnqueue((q) => {
    if (q !== detections.job.queue) post({ type: 'enqueued', queue: q });
  });

  const worker = new Worker({
    exec,
    queue,
    payloads: JOB_PAYLOADS,
    jobs: [detections.job],
    logger,
  });
  let reported = { processed: 0, failures: 0 };
  const counts = setInterval(() => {
    if (worker.processed === reported.processed && worker.failures === reported.failures) return;
    reported = { processed: worker.processed, failures: worker.failures };
    post({ type: 'counts', ...reported });
  }, 200);
  if (data.runWorker) worker.start();
  post({ type: 'ready' });

  return (m) => {
    switch (m.type) {
      case 'wake':
        worker.notify(detections.job.queue);
        return;
      case 'accept': {
        let outcomes: AcceptOutcome[];
        try {
          outcomes = detections
            .storeBatch(m.payloads)
            .map((o) => (o instanceof PantauError ? { error: o.toBody() } : o));
        } catch (err) {
          post({ type: 'accept_failed', id: m.id, message: (err as Error)?.message ?? String(err) });
          return;
        }
        post({ type: 'accepted', id: m.id, outcomes });
        // the jobs just stored are this thread's to run
        worker.notify(detections.job.queue);
        return;
      }
      case 'stop':
        clearInterval(counts);
        void worker
          .stop()
          .then(() => db.close())
          .then(() => post({ type: 'counts', processed: worker.processed, failures: worker.failures }))
          .then(() => post({ type: 'stopped' }))
          .catch((err: unknown) => post({ type: 'failed', message: String(err) }));
        return;
      default: {
        const never: never = m;
        return never;
      }
    }
  };
}

// started as a thread: wire it to the host
if (parentPort && (workerData as { detectionThread?: DetectionThreadData } | null)?.detectionThread) {
  const port = parentPort;
  try {
    const onMessage = runDetectionThread(
      (workerData as { detectionThread: DetectionThreadData }).detectionThread,
      (m) => port.postMessage(m),
    );
    port.on('message', (m: HostMessage) => onMessage(m));
  } catch (err) {
    port.postMessage({ type: 'failed', message: (err as Error)?.stack ?? String(err) } satisfies ThreadMessage);
  }
}
