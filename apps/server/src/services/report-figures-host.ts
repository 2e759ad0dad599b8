/**
 * The HTTP thread's side of the report thread (report-figures-thread.ts): a {@link FiguresReader}
 * that starts the thread on the first report, hands each report's inputs over, and ends the
 * thread after {@link IDLE_EXIT_MS} without work (a server that makes its reports at 01:00 does
 * not keep a connection and a V8 isolate, ~30 MiB, for them all day). A thread that dies fails
 * the reports it had (their jobs retry on their schedule) and the next report starts a new one.
 *
 * Each thread has its own state (its reads, its idle timer): a thread being retired (idle, or
 * finishing a statement of an aborted read, which `terminate()` cannot interrupt) never touches
 * the reads of the thread started after it.
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

/** One read waiting for its thread's answer. */
interface PendingRead {
  resolve: (f: ReportFigures) => void;
  reject: (e: Error) => void;
}

/** One thread and what belongs to it. */
interface Run {
  thread: Thread;
  /** resolves when the thread said it is ready; rejects when it failed to start */
  ready: Promise<void>;
  /** resolves when the thread has exited */
  exited: Promise<void>;
  gone: boolean;
  pending: Map<number, PendingRead>;
  idle: NodeJS.Timeout | null;
}

const aborted = () => new Error('report generation aborted');

/** One report thread at a time, started on demand; see the module comment. */
export class ReportFiguresHost {
  /** The thread new reads go to (null: none, the next read starts one). */
  private current: Run | null = null;
  /** Threads being ended, until they have exited. */
  private readonly retiring = new Set<Run>();
  private nextId = 1;

  constructor(private readonly opts: ReportFiguresHostOptions) {}

  /** Whether a thread is running now (for /health and tests). */
  get running(): boolean {
    return this.current !== null;
  }

  /** The {@link FiguresReader} that reads in the thread. */
  readonly read: FiguresReader = async (input, signal, previous) => {
    if (signal.aborted) throw aborted();
    const run = this.current ?? this.spawn();
    this.clearIdle(run);
    await run.ready;
    if (run.gone) throw new Error('the report thread stopped before this report was read');
    if (signal.aborted) {
      // aborted while the thread started: nothing of it is used now
      if (run.pending.size === 0) this.armIdle(run);
      throw aborted();
    }
    const id = this.nextId++;
    return new Promise<ReportFigures>((resolve, reject) => {
      const settle = () => {
        signal.removeEventListener('abort', onAbort);
        run.pending.delete(id);
        if (run.pending.size === 0 && !run.gone) this.armIdle(run);
      };
      // the job stops waiting at once; the thread stops reading at its next pause
      const onAbort = () => {
        if (!run.gone) run.thread.postMessage({ type: 'cancel', id } satisfies ReportHostMessage);
        run.pending.get(id)?.reject(aborted());
      };
      run.pending.set(id, {
        resolve: (f) => {
          settle();
          resolve(f);
        },
        reject: (e) => {
          settle();
          reject(e);
        },
      });
      signal.addEventListener('abort', onAbort, { once: true });
      run.thread.postMessage({ type: 'figures', id, ...input, previous } satisfies ReportHostMessage);
    });
  };

  /** Ends every thread (at shutdown) and resolves when they have exited; reads still running fail. Idempotent. */
  async stop(): Promise<void> {
    if (this.current) this.retire(this.current);
    await Promise.all([...this.retiring].map((r) => r.exited));
  }

  private spawn(): Run {
    const thread = new Thread(this.opts.file, { workerData: { reportThread: this.opts.data } });
    let started = false;
    let markReady!: () => void;
    let failStart!: (e: Error) => void;
    let markExited!: () => void;
    const run: Run = {
      thread,
      ready: new Promise<void>((res, rej) => {
        markReady = res;
        failStart = rej;
      }),
      exited: new Promise<void>((res) => (markExited = res)),
      gone: false,
      pending: new Map(),
      idle: null,
    };
    // a thread that failed to start is forgotten, so the next report tries again
    run.ready.catch(() => {
      if (this.current === run) this.current = null;
    });
    this.current = run;
    thread.on('message', (m: ReportThreadMessage) => {
      if (m.type === 'ready') {
        started = true;
        markReady();
        return;
      }
      const p = run.pending.get(m.id);
      if (!p) return; // aborted meanwhile
      if (m.type === 'figures') p.resolve(m.figures);
      else p.reject(new Error(m.message));
    });
    thread.on('error', (err) => {
      this.opts.logger.error({ err }, 'report thread crashed');
      if (!started) failStart(err);
    });
    thread.on('exit', (code) => {
      run.gone = true;
      this.clearIdle(run);
      if (this.current === run) this.current = null;
      this.retiring.delete(run);
      if (!started) failStart(new Error(`report thread exited with code ${code} before it was ready`));
      for (const p of [...run.pending.values()])
        p.reject(new Error(`the report thread stopped (exit code ${code}) while reading this report`));
      markExited();
    });
    return run;
  }

  /** Takes a thread out of use and ends it; its own exit handler settles what it still had. */
  private retire(run: Run): void {
    if (this.current === run) this.current = null;
    this.clearIdle(run);
    if (run.gone) return;
    this.retiring.add(run);
    void run.thread.terminate();
  }

  private armIdle(run: Run): void {
    this.clearIdle(run);
    run.idle = setTimeout(() => {
      run.idle = null;
      if (run.pending.size === 0 && !run.gone) this.retire(run);
    }, this.opts.idleExitMs ?? IDLE_EXIT_MS);
    run.idle.unref();
  }

  private clearIdle(run: Run): void {
    if (run.idle !== null) clearTimeout(run.idle);
    run.idle = null;
  }
}
