/**
 * The HTTP thread's side of the detection thread (queue/detection-thread.ts): starts it, wakes
 * it when detection jobs are enqueued, pumps the real-time hub when its commits wrote frames,
 * tells the HTTP thread's worker when it queued image or WhatsApp jobs, keeps its counts for
 * `/health`, and stops it with the server. A thread that dies is started again after a second:
 * its jobs are durable, and the new thread's worker recovers those it left running.
 */
import { Worker as Thread } from 'node:worker_threads';
import type { Logger } from 'pino';
import { PantauError, type DetectionAccepted } from '@pantau/shared';
import type { RemoteDetectionStore } from '../services/detection-service.js';
import type { DetectionJobPayload } from './job-payloads.js';
import type { DetectionThreadData, HostMessage, ThreadMessage } from './detection-thread.js';

export interface DetectionThreadOptions {
  /** The thread's compiled entry (dist/queue/detection-thread.js). */
  file: URL;
  /** What the thread starts with (read at each start: the job specs are complete by then). */
  data: () => DetectionThreadData;
  logger: Logger;
  /** Its commit wrote outbox rows: pump the hub. */
  onFrames(): void;
  /** It queued jobs on a queue the HTTP thread works. */
  onEnqueued(queue: string): void;
}

/** How long an accept waits for a thread that is (re)starting, ms. */
const READY_WAIT_MS = 5_000;

/** One detection thread, restarted if it dies; also where the accept transaction runs. */
export class DetectionThreadHost implements RemoteDetectionStore {
  /** Detection jobs the thread completed (across restarts). */
  processed = 0;
  /** Attempts that failed. */
  failures = 0;
  private thread: Thread | null = null;
  private base = { processed: 0, failures: 0 };
  private stopping = false;
  private woken = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private nextAccept = 1;
  /** Accepts sent and not answered yet: id → settle. */
  private readonly accepts = new Map<
    number,
    { resolve: (o: Array<DetectionAccepted | PantauError>) => void; reject: (e: unknown) => void; count: number }
  >();
  /** Detections handed over whose commit is not answered yet (the back-pressure gauge). */
  inFlight = 0;
  private readyWaiters: Array<() => void> = [];

  constructor(private readonly opts: DetectionThreadOptions) {}

  /** Whether the thread is up and has said it is ready. */
  running = false;

  /**
   * Start the thread; resolves when it is ready.
   * @throws Error when it fails to start
   */
  start(): Promise<void> {
    this.stopping = false;
    return new Promise((resolve, reject) => {
      const t = new Thread(this.opts.file, { workerData: { detectionThread: this.opts.data() } });
      this.thread = t;
      let ready = false;
      t.on('message', (m: ThreadMessage) => {
        switch (m.type) {
          case 'ready':
            ready = true;
            this.running = true;
            for (const w of this.readyWaiters.splice(0)) w();
            resolve();
            return;
          case 'accepted':
            this.takeAccept(m.id)?.resolve(
              m.outcomes.map((o) =>
                'error' in o ? new PantauError(o.error.code, o.error.message, o.error.details) : o,
              ),
            );
            return;
          case 'accept_failed':
            this.takeAccept(m.id)?.reject(new Error(`accept transaction failed in the detection thread: ${m.message}`));
            return;
          case 'frames':
            this.opts.onFrames();
            return;
          case 'enqueued':
            this.opts.onEnqueued(m.queue);
            return;
          case 'counts':
            this.processed = this.base.processed + m.processed;
            this.failures = this.base.failures + m.failures;
            return;
          case 'stopped':
            return;
          case 'failed':
            this.opts.logger.error({ err: m.message }, 'detection thread failed');
            if (!ready) reject(new Error(`detection thread failed to start: ${m.message}`));
            return;
          default: {
            const never: never = m;
            return never;
          }
        }
      });
      t.on('error', (err) => {
        this.opts.logger.error({ err }, 'detection thread crashed');
        if (!ready) reject(err);
      });
      t.on('exit', (code) => {
        this.running = false;
        this.thread = null;
        this.base = { processed: this.processed, failures: this.failures };
        // answers lost with the thread: whether they committed is unknown, so the devices resend
        // (their event_id makes a committed one a duplicate)
        for (const id of [...this.accepts.keys()])
          this.takeAccept(id)?.reject(
            new PantauError('UNAVAILABLE', 'the detection pipeline restarted: send it again', { retry_after_s: 1 }),
          );
        if (this.stopping) return;
        this.opts.logger.error({ code }, 'detection thread exited: starting it again in 1 s');
        this.restartTimer = setTimeout(() => {
          this.restartTimer = null;
          this.start().catch((err: unknown) => this.opts.logger.error({ err }, 'detection thread restart failed'));
        }, 1000);
        this.restartTimer.unref();
      });
    });
  }

  /**
   * Run the accept transaction for a group of detections in the thread (one commit).
   * @returns one outcome per payload, in order
   * @throws PantauError UNAVAILABLE when the thread is not up within {@link READY_WAIT_MS} or dies before answering
   */
  async store(payloads: readonly DetectionJobPayload[]): Promise<Array<DetectionAccepted | PantauError>> {
    if (!this.running) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new PantauError('UNAVAILABLE', 'the detection pipeline is starting', { retry_after_s: 1 })),
          READY_WAIT_MS,
        );
        this.readyWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const id = this.nextAccept++;
    this.inFlight += payloads.length;
    return new Promise((resolve, reject) => {
      this.accepts.set(id, { resolve, reject, count: payloads.length });
      this.send({ type: 'accept', id, payloads: [...payloads] });
    });
  }

  /** The pending accept `id`, no longer pending (its detections no longer in flight); undefined if unknown. */
  private takeAccept(id: number) {
    const a = this.accepts.get(id);
    if (!a) return undefined;
    this.accepts.delete(id);
    this.inFlight -= a.count;
    return a;
  }

  /** Detection jobs were enqueued: tell the thread (once per turn of the event loop). */
  wake(): void {
    if (this.woken || !this.thread) return;
    this.woken = true;
    setImmediate(() => {
      this.woken = false;
      this.send({ type: 'wake' });
    });
  }

  /** Stop the thread after its current batch; resolves when it has exited. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const t = this.thread;
    if (!t) return;
    const exited = new Promise<void>((r) => t.once('exit', () => r()));
    const stopped = new Promise<void>((r) =>
      t.on('message', (m: ThreadMessage) => {
        if (m.type === 'stopped') r();
      }),
    );
    this.send({ type: 'stop' });
    await Promise.race([stopped, exited, new Promise((r) => setTimeout(r, 10_000))]);
    await t.terminate();
    await exited;
  }

  private send(m: HostMessage): void {
    this.thread?.postMessage(m);
  }
}
