/**
 * The HTTP thread's side of the report thread (report-figures-thread.ts): a {@link FiguresReader}
 * that starts the thread on the first report, hands each report's inputs over, and ends the
 * thread after {@link IDLE_EXIT_MS} without work (a server that makes its reports at 01:00 does
 * not keep a connection and a V8 isolate, ~30 MiB, for them all day). A thread that dies fails
 * the reports it had (their jobs retry on their schedule) and the next report starts a new one.
 */
import { Worker as Thread } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { FiguresReader, ReportFigures } from './report-figures.js';
import type { ReportHostMessage, ReportThreadData, ReportThreadMessage } from './report-figures-thread.js';

/** A thread without a report to read for this long ends, ms. */
export const IDLE_EXIT_MS = 60_000;

/** Where the thread's module is and what it opens. */
export interface ReportFiguresHostOptions {
  /** The built report-figures-thread.js. */
  file: URL;
  data: ReportThreadData;
  logger: Pick<Logger, 'error' | 'warn'>;
  /** Idle time before the thread ends, ms (default {@link IDLE_EXIT_MS}). */
  idleExitMs?: number;
}

/** One report thread at a time, started on demand; see the module comment. */
export class ReportFiguresHost {
  private thread: Thread | null = null;
  private ready: Promise<Thread> | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (f: ReportFigures) => void; reject: (e: Error) => void }>();
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: ReportFiguresHostOptions) {}

  /** Whether a thread is running now (for /health and tests). */
  get running(): boolean {
    return this.thread !== null;
  }

  /** The {@link FiguresReader} that reads in the thread. */
  readonly read: FiguresReader = async (input, signal, previous) => {
    if (signal.aborted) throw new Error('report generation aborted');
    const thread = await this.start();
    if (signal.aborted) {
      // while the thread started: nothing of it is used now
      if (this.pending.size === 0) this.armIdle();
      throw new Error('report generation aborted');
    }
    const id = this.nextId++;
    this.clearIdle();
    return new Promise<ReportFigures>((resolve, reject) => {
      // the job stops waiting at once; the thread stops reading at its next pause
      const onAbort = () => {
        thread.postMessage({ type: 'cancel', id } satisfies ReportHostMessage);
        this.pending.get(id)?.reject(new Error('report generation aborted'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const settle = () => {
        signal.removeEventListener('abort', onAbort);
        this.pending.delete(id);
        if (this.pending.size === 0) this.armIdle();
      };
      this.pending.set(id, {
        resolve: (f) => {
          settle();
          resolve(f);
        },
        reject: (e) => {
          settle();
          reject(e);
        },
      });
      thread.postMessage({ type: 'figures', id, ...input, previous } satisfies ReportHostMessage);
    });
  };

  /** Ends the thread (at shutdown); reports still being read fail. Idempotent. */
  async stop(): Promise<void> {
    this.clearIdle();
    const t = this.thread;
    this.thread = null;
    this.ready = null;
    if (t) await t.terminate();
  }

  private start(): Promise<Thread> {
    if (this.ready) return this.ready;
    this.ready = new Promise<Thread>((resolve, reject) => {
      const t = new Thread(this.opts.file, { workerData: { reportThread: this.opts.data } });
      this.thread = t;
      let started = false;
      t.on('message', (m: ReportThreadMessage) => {
        if (m.type === 'ready') {
          started = true;
          resolve(t);
          return;
        }
        const p = this.pending.get(m.id);
        if (!p) return;
        if (m.type === 'figures') p.resolve(m.figures);
        else p.reject(new Error(m.message));
      });
      t.on('error', (err) => {
        this.opts.logger.error({ err }, 'report thread crashed');
        if (!started) reject(err);
      });
      t.on('exit', (code) => {
        if (this.thread === t) {
          this.thread = null;
          this.ready = null;
        }
        if (!started) reject(new Error(`report thread exited with code ${code} before it was ready`));
        for (const [id, p] of [...this.pending]) {
          this.pending.delete(id);
          p.reject(new Error(`the report thread stopped (exit code ${code}) while reading this report`));
        }
      });
    });
    // a thread that failed to start is forgotten, so the next report tries again
    this.ready.catch(() => {
      this.ready = null;
      this.thread = null;
    });
    return this.ready;
  }

  private armIdle(): void {
    this.clearIdle();
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.pending.size === 0) void this.stop();
    }, this.opts.idleExitMs ?? IDLE_EXIT_MS);
    this.idleTimer.unref();
  }

  private clearIdle(): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}
