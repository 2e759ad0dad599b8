/**
 * The report thread (a `worker_threads` thread of the server process, started when a report is
 * to be generated and ended when idle): it reads a counting report's figures
 * (report-figures.ts) on a database connection of its own, so a month of every branch (seconds
 * of reads at 10 M detections, bench/README.md) never holds the HTTP thread, the real-time hub
 * or the video gateway. It only reads; the job on the HTTP thread stores what it answers, with
 * the job's completion.
 *
 * Messages: host → thread `figures` (one report's inputs, with an id) and `cancel` (the job's
 * timeout or the server stopping); thread → host `figures` (the result) or `error` (its
 * message) with the same id, and `ready` once at start.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase, sqliteHandle } from '../db/database.js';
import { SyncExecutor } from '../db/sync-executor.js';
import { ReportRepository } from '../repositories/report-repository.js';
import { reportFigures, type PreviousUnique, type ReportFigures, type ReportFiguresInput } from './report-figures.js';

/** What the host hands the thread at start. */
export interface ReportThreadData {
  dataDir: string;
}

/** Host → thread. */
export type ReportHostMessage =
  | ({ type: 'figures'; id: number } & ReportFiguresInput & { previous?: PreviousUnique | undefined })
  | { type: 'cancel'; id: number };

/** Thread → host. */
export type ReportThreadMessage =
  | { type: 'ready' }
  | { type: 'figures'; id: number; figures: ReportFigures }
  | { type: 'error'; id: number; message: string };

/**
 * Open the thread's connection and answer the host's messages.
 * @param post sends a message to the host
 * @returns a function to call with each host message
 */
export function runReportThread(data: ReportThreadData, post: (m: ReportThreadMessage) => void) {
  const db = openDatabase(data.dataDir);
  // a reader only: no write lock (readers never wait for writers in WAL mode), and SQLite holds
  // it to that
  sqliteHandle(db).pragma('query_only = 1');
  const repo = new ReportRepository(db.kysely, new SyncExecutor(db.conn));
  const running = new Map<number, AbortController>();
  post({ type: 'ready' });
  return (m: ReportHostMessage): void => {
    if (m.type === 'cancel') {
      running.get(m.id)?.abort();
      return;
    }
    const ac = new AbortController();
    running.set(m.id, ac);
    reportFigures(repo, m.branches, m.period, ac.signal, m.previous)
      .then((figures) => post({ type: 'figures', id: m.id, figures }))
      .catch((err: unknown) =>
        post({ type: 'error', id: m.id, message: err instanceof Error ? err.message : String(err) }),
      )
      .finally(() => running.delete(m.id));
  };
}

if (parentPort && (workerData as { reportThread?: ReportThreadData } | null)?.reportThread) {
  const port = parentPort;
  const handle = runReportThread((workerData as { reportThread: ReportThreadData }).reportThread, (m) =>
    port.postMessage(m),
  );
  port.on('message', handle);
}
