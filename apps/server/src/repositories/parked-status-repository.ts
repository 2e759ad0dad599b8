/**
 * The SQL of the webhook's park (migration 008, `notification_status_parked`): delivery
 * statuses whose provider message id no delivery carried when they arrived. Synchronous
 * (better-sqlite3 through the SyncExecutor) so every call runs inside the caller's
 * transaction; the caller (webhook-service.ts) owns the rules and the transactions.
 */
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, NotificationStatusParkedTable } from '../db/schema.js';
import type { SyncExecutor } from '../db/sync-executor.js';

export type ParkedStatusRow = Selectable<NotificationStatusParkedTable>;
export type NewParkedStatus = Omit<Insertable<NotificationStatusParkedTable>, 'id'>;

/** Parked statuses: park, take, sweep. */
export class ParkedStatusRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: SyncExecutor,
  ) {}

  /**
   * Park one status; a replay (same provider, id, status and status_ts) is not stored twice.
   * @returns whether a row was added
   */
  park(row: NewParkedStatus): boolean {
    return (
      this.exec.run(
        this.db
          .insertInto('notification_status_parked')
          .values(row)
          .onConflict((oc) => oc.doNothing()),
      ).changes > 0
    );
  }

  /** Whether a message id has parked statuses. */
  has(provider: string, providerMessageId: string): boolean {
    return (
      this.exec.first(
        this.db
          .selectFrom('notification_status_parked')
          .select('id')
          .where('provider', '=', provider)
          .where('provider_message_id', '=', providerMessageId)
          .limit(1),
      ) !== undefined
    );
  }

  /** How many distinct message ids are parked (every provider). */
  countIds(): number {
    const r = this.exec.first(
      this.db
        .selectFrom('notification_status_parked')
        .select((eb) => eb.fn.count<number>('provider_message_id').distinct().as('n')),
    );
    return Number(r?.n ?? 0);
  }

  /**
   * Remove and return a message id's parked statuses, in arrival order. Call inside the
   * transaction that applies them, so they are either applied or still parked.
   */
  take(provider: string, providerMessageId: string): ParkedStatusRow[] {
    const rows = this.exec.all(
      this.db
        .selectFrom('notification_status_parked')
        .selectAll()
        .where('provider', '=', provider)
        .where('provider_message_id', '=', providerMessageId)
        .orderBy('id'),
    );
    if (rows.length > 0)
      this.exec.run(
        this.db
          .deleteFrom('notification_status_parked')
          .where('provider', '=', provider)
          .where('provider_message_id', '=', providerMessageId),
      );
    return rows;
  }

  /** Parked message ids that a delivery of the same provider now carries (each once). */
  claimedIds(provider: string): string[] {
    const rows = this.exec.all(
      this.db
        .selectFrom('notification_status_parked as p')
        .innerJoin('notification_deliveries as d', (j) =>
          j.onRef('d.provider', '=', 'p.provider').onRef('d.provider_message_id', '=', 'p.provider_message_id'),
        )
        .where('p.provider', '=', provider)
        .select('p.provider_message_id')
        .distinct(),
    );
    return rows.map((r) => r.provider_message_id);
  }

  /** Parked message ids, ordered by their first status's arrival. */
  ids(): string[] {
    const rows = this.exec.all(
      this.db
        .selectFrom('notification_status_parked')
        .select('provider_message_id')
        .groupBy(['provider', 'provider_message_id'])
        .orderBy((eb) => eb.fn.min('id')),
    );
    return rows.map((r) => r.provider_message_id);
  }

  /**
   * Delete the statuses received before `cutoffIso` (ISO-8601 UTC).
   * @returns the deleted rows' provider, message id and status
   */
  dropReceivedBefore(cutoffIso: string): Array<Pick<ParkedStatusRow, 'provider' | 'provider_message_id' | 'status'>> {
    return this.exec.all(
      this.db
        .deleteFrom('notification_status_parked')
        .where('received_at', '<', cutoffIso)
        .returning(['provider', 'provider_message_id', 'status']),
    );
  }
}
