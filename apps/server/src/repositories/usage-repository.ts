/**
 * The SQL of API usage (S7): `api_usage_summary`, one row per site-local day × credential ×
 * route × method, written by the daily fold of the request log (services/usage-aggregation.ts).
 * Synchronous; the caller owns the transaction.
 */
import type { Kysely, Selectable } from 'kysely';
import type { ApiUsageSummaryTable, Database } from '../db/schema.js';
import type { SyncExecutor } from '../db/sync-executor.js';

/** A summary row as written (response times in ms, bytes of response bodies). */
export type UsageSummaryRow = Omit<Selectable<ApiUsageSummaryTable>, 'id'>;

/** Reads and replaces days of api_usage_summary. */
export class UsageRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: SyncExecutor,
  ) {}

  /**
   * Replace one day's rows with `rows` (call inside a transaction, so a re-run never leaves the
   * day half written).
   * @param date site-local day, YYYY-MM-DD
   */
  replaceDay(date: string, rows: readonly UsageSummaryRow[]): void {
    this.exec.run(this.db.deleteFrom('api_usage_summary').where('date', '=', date));
    for (const r of rows) this.exec.run(this.db.insertInto('api_usage_summary').values(r));
  }

  /** Whether a day has any summary row (it was aggregated). @param date YYYY-MM-DD */
  hasDay(date: string): boolean {
    return !!this.exec.first(this.db.selectFrom('api_usage_summary').select('id').where('date', '=', date).limit(1));
  }
}
