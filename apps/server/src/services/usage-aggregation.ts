/**
 * Folds a day of the API request log (JSON Lines) into api_usage_summary: count, successes,
 * errors, average/min/max response time and bytes per credential × route × method (S7).
 * Idempotent: re-running a day replaces its rows, in one transaction.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import type { SyncExecutor } from '../db/sync-executor.js';
import type { ApiRequestLogEntry, DailyJsonLog } from '../repositories/request-log.js';
import type { UsageRepository } from '../repositories/usage-repository.js';
import { nowIso } from '../db/database.js';

interface Acc {
  credential_id: number | null;
  route: string;
  method: string;
  n: number;
  ok: number;
  err: number;
  sum: number;
  min: number;
  max: number;
  bytes: number;
}

/** Daily aggregation of the request log. */
export class UsageAggregation {
  constructor(
    private readonly repo: UsageRepository,
    private readonly exec: SyncExecutor,
    private readonly log: DailyJsonLog,
  ) {}

  /**
   * Aggregate one site-local day.
   * @param date YYYY-MM-DD
   * @returns rows written and lines read (unreadable lines are skipped and counted)
   */
  async aggregate(date: string): Promise<{ rows: number; lines: number; skipped: number }> {
    this.log.flush();
    const file = this.log.fileFor(date);
    const acc = new Map<string, Acc>();
    let lines = 0;
    let skipped = 0;
    if (fs.existsSync(file)) {
      const rl = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
      for await (const line of rl) {
        if (!line.trim()) continue;
        lines++;
        let e: ApiRequestLogEntry;
        try {
          e = JSON.parse(line) as ApiRequestLogEntry;
        } catch {
          skipped++;
          continue;
        }
        const key = `${e.credential_id}|${e.method}|${e.route}`;
        let a = acc.get(key);
        if (!a)
          acc.set(
            key,
            (a = {
              credential_id: e.credential_id,
              route: e.route,
              method: e.method,
              n: 0,
              ok: 0,
              err: 0,
              sum: 0,
              min: Infinity,
              max: 0,
              bytes: 0,
            }),
          );
        a.n++;
        if (e.status < 400) a.ok++;
        else a.err++;
        a.sum += e.response_ms;
        a.min = Math.min(a.min, e.response_ms);
        a.max = Math.max(a.max, e.response_ms);
        a.bytes += e.bytes;
      }
    }
    const created = nowIso();
    const rows = [...acc.values()].map((a) => ({
      date,
      credential_id: a.credential_id,
      route: a.route,
      method: a.method,
      request_count: a.n,
      success_count: a.ok,
      error_count: a.err,
      avg_response_ms: Math.round((a.sum / a.n) * 100) / 100,
      min_response_ms: a.min,
      max_response_ms: a.max,
      bytes: a.bytes,
      created_at: created,
    }));
    // one transaction: a re-run replaces the day whole, never half
    this.exec.tx(() => this.repo.replaceDay(date, rows));
    return { rows: acc.size, lines, skipped };
  }

  /**
   * Whether a site-local day has been aggregated (has summary rows); the scheduler's catch-up
   * skips those days.
   * @param date YYYY-MM-DD
   */
  isAggregated(date: string): boolean {
    return this.repo.hasDay(date);
  }
}
