/**
 * SQL of the daily delivery summary (delivery-summary.ts): deliveries with their branch's time
 * zone, and whatsapp_delivery_summary rows replaced per branch. A scope selects the branches
 * of one zone (their zone read at query time), plus the deliveries without a branch when the
 * zone is the server's; `null` selects everything. Synchronous; the caller owns transactions.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database, WhatsappDeliverySummaryTable } from '../db/schema.js';
import type { SyncExecutor } from '../db/sync-executor.js';
import type { DeliveryRow } from './notification-repository.js';

/** The branches of one zone, and optionally the deliveries that have no branch. */
export interface SummaryScope {
  /** IANA name; branches whose `timezone` is this one. */
  zone: string;
  /** Also the rows with `branch_id` null (true for the server's own zone). */
  branchless: boolean;
}

/** What the fold reads of a delivery, with its branch's zone (null: no branch). */
export type SummaryDelivery = Pick<
  DeliveryRow,
  'branch_id' | 'provider' | 'status' | 'attempts' | 'queued_at' | 'sent_at'
> & { zone: string | null };

/** A summary row as written. */
export type SummaryRow = Omit<Selectable<WhatsappDeliverySummaryTable>, 'id'>;

/** Queries of the daily fold. */
export class DeliverySummaryRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: SyncExecutor,
  ) {}

  /**
   * Deliveries queued in `[fromIso, toIso)` within the scope, each with its branch's zone.
   * @param scope null: every delivery
   */
  deliveriesQueuedBetween(fromIso: string, toIso: string, scope: SummaryScope | null): SummaryDelivery[] {
    let q = this.db
      .selectFrom('notification_deliveries as d')
      .leftJoin('company_branches as b', 'b.id', 'd.branch_id')
      .select(['d.branch_id', 'd.provider', 'd.status', 'd.attempts', 'd.queued_at', 'd.sent_at', 'b.timezone as zone'])
      .where('d.queued_at', '>=', fromIso)
      .where('d.queued_at', '<', toIso);
    if (scope)
      q = q.where((eb) =>
        scope.branchless
          ? eb.or([eb('b.timezone', '=', scope.zone), eb('d.branch_id', 'is', null)])
          : eb('b.timezone', '=', scope.zone),
      );
    return this.exec.all(q);
  }

  /** Branch and queue time of the deliveries queued in `[fromIso, toIso)` within the scope (the catch-up's look). */
  queuedTimesBetween(
    fromIso: string,
    toIso: string,
    scope: SummaryScope,
  ): Array<{ branch_id: number | null; queued_at: string }> {
    return this.exec.all(
      this.db
        .selectFrom('notification_deliveries as d')
        .leftJoin('company_branches as b', 'b.id', 'd.branch_id')
        .select(['d.branch_id', 'd.queued_at'])
        .where('d.queued_at', '>=', fromIso)
        .where('d.queued_at', '<', toIso)
        .where((eb) =>
          scope.branchless
            ? eb.or([eb('b.timezone', '=', scope.zone), eb('d.branch_id', 'is', null)])
            : eb('b.timezone', '=', scope.zone),
        ),
    );
  }

  /** Which (day, branch) pairs of the scope have summary rows, days `fromDay..toDay` inclusive. */
  summaryKeysBetween(
    fromDay: string,
    toDay: string,
    scope: SummaryScope,
  ): Array<{ date: string; branch_id: number | null }> {
    return this.exec.all(
      this.db
        .selectFrom('whatsapp_delivery_summary')
        .select(['date', 'branch_id'])
        .distinct()
        .where('date', '>=', fromDay)
        .where('date', '<=', toDay)
        .where((eb) => {
          const inZone = eb(
            'branch_id',
            'in',
            eb.selectFrom('company_branches').select('id').where('timezone', '=', scope.zone),
          );
          return scope.branchless ? eb.or([inZone, eb('branch_id', 'is', null)]) : inZone;
        }),
    );
  }

  /**
   * Replace one day's summary rows of the scope's branches (call inside a transaction). Rows of
   * other branches for that day are left alone.
   * @param scope null: every row of the day
   */
  replaceDay(date: string, scope: SummaryScope | null, rows: SummaryRow[]): void {
    let del = this.db.deleteFrom('whatsapp_delivery_summary').where('date', '=', date);
    if (scope) {
      del = del.where((eb) => {
        const inZone = eb(
          'branch_id',
          'in',
          eb.selectFrom('company_branches').select('id').where('timezone', '=', scope.zone),
        );
        return scope.branchless ? eb.or([inZone, eb('branch_id', 'is', null)]) : inZone;
      });
    }
    this.exec.run(del);
    for (const r of rows) this.exec.run(this.db.insertInto('whatsapp_delivery_summary').values(r));
  }
}
