/**
 * The API request log (S7): every key-authenticated request appended as one JSON line to
 * `<dataDir>/logs/api_requests/YYYY-MM-DD.log` (the site's local day), off the request path:
 * lines are buffered and written at most every {@link FLUSH_MS} or {@link FLUSH_BYTES}.
 */
import fs from 'node:fs';
import path from 'node:path';
import { siteDay } from '../services/site-time.js';

/** One request as logged. */
export interface ApiRequestLogEntry {
  /** ISO-8601 time the request arrived. */
  time: string;
  credential_id: number | null;
  api_key: string | null;
  method: string;
  /** The route pattern, e.g. `/api/v1/detection/log`. */
  route: string;
  status: number;
  response_ms: number;
  /** Response body size, bytes. */
  bytes: number;
}

const FLUSH_MS = 1000;
const FLUSH_BYTES = 64 * 1024;

/** Buffered appender of daily JSON Lines files. */
export class DailyJsonLog {
  private buffer: Array<{ date: string; line: string }> = [];
  private bytes = 0;
  private readonly timer: NodeJS.Timeout;

  /**
   * @param dir e.g. `<dataDir>/logs/api_requests`
   * @param timeZone the site time zone that decides which day a line belongs to
   */
  constructor(
    readonly dir: string,
    private readonly timeZone: string,
  ) {
    fs.mkdirSync(dir, { recursive: true });
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  /** Path of one day's file. */
  fileFor(date: string): string {
    return path.join(this.dir, `${date}.log`);
  }

  /** Queue one record (an object with an ISO `time`). */
  append<T extends { time: string }>(entry: T): void {
    const line = JSON.stringify(entry) + '\n';
    this.buffer.push({ date: siteDay(entry.time, this.timeZone), line });
    this.bytes += line.length;
    if (this.bytes >= FLUSH_BYTES) this.flush();
  }

  /** Write what is buffered (synchronously: appends of a few KB). */
  flush(): void {
    if (this.buffer.length === 0) return;
    const byDate = new Map<string, string>();
    for (const b of this.buffer) byDate.set(b.date, (byDate.get(b.date) ?? '') + b.line);
    this.buffer = [];
    this.bytes = 0;
    for (const [date, text] of byDate) fs.appendFileSync(this.fileFor(date), text);
  }

  /** Flush and stop the timer. */
  close(): void {
    clearInterval(this.timer);
    this.flush();
  }
}
