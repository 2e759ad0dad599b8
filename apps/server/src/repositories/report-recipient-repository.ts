/**
 * Report recipients (migration 017): who receives a branch's or a group's daily counting report
 * on WhatsApp, and the report-side marks of its delivery (`counting_reports.deliver`,
 * `delivered_at`).
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database, ReportRecipientsTable } from '../db/schema.js';
import type { SyncExecutor } from '../db/sync-executor.js';

/** A stored recipients row, with its scope's name now. */
export type ReportRecipientsRow = Selectable<ReportRecipientsTable> & { scope_name: string | null };

/** Reads and writes of report recipients. */
export class ReportRecipientRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: SyncExecutor,
  ) {}

  private rows() {
    return this.db
      .selectFrom('report_recipients as r')
      .leftJoin('company_branches as b', 'b.id', 'r.branch_id')
      .leftJoin('company_groups as g', 'g.id', 'r.group_id')
      .selectAll('r')
      .select((eb) => eb.fn.coalesce('b.branch_name', 'g.group_name').as('scope_name'));
  }

  /** Every row, branches first, then groups, by name. */
  list(): ReportRecipientsRow[] {
    // branch rows (no group) first on both engines, as SQLite orders nulls
    return this.exec.all(
      this.rows()
        .orderBy('r.group_id', (o) => o.asc().nullsFirst())
        .orderBy('scope_name')
        .orderBy('r.id'),
    );
  }

  byId(id: number): ReportRecipientsRow | undefined {
    return this.exec.first(this.rows().where('r.id', '=', id));
  }

  /** The row of one branch or one group. */
  forScope(scope: { branch_id: number | null; group_id: number | null }): ReportRecipientsRow | undefined {
    return this.exec.first(
      scope.branch_id !== null
        ? this.rows().where('r.branch_id', '=', scope.branch_id)
        : this.rows().where('r.group_id', '=', scope.group_id ?? -1),
    );
  }

  /**
   * Create or replace the row of one branch or group.
   * @returns its id
   */
  upsert(v: {
    branch_id: number | null;
    group_id: number | null;
    phones: readonly string[];
    language: 'en' | 'id';
    enabled: boolean;
    now: string;
  }): number {
    const cur = this.forScope(v);
    const values = { phones: JSON.stringify(v.phones), language: v.language, enabled: v.enabled ? 1 : 0 };
    if (cur) {
      this.exec.run(
        this.db
          .updateTable('report_recipients')
          .set({ ...values, updated_at: v.now })
          .where('id', '=', cur.id),
      );
      return cur.id;
    }
    return this.exec.run(
      this.db.insertInto('report_recipients').values({
        ...values,
        branch_id: v.branch_id,
        group_id: v.group_id,
        created_at: v.now,
        updated_at: v.now,
      }),
    ).lastInsertRowid;
  }

  delete(id: number): void {
    this.exec.run(this.db.deleteFrom('report_recipients').where('id', '=', id));
  }

  /** Record that a report's deliveries were queued. */
  markDelivered(reportId: number, now: string): void {
    this.exec.run(this.db.updateTable('counting_reports').set({ delivered_at: now }).where('id', '=', reportId));
  }
}
