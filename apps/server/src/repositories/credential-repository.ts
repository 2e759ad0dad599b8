/**
 * The SQL of API credentials (S7): the `api_credentials` table, and the two look-ups of the
 * organisation a credential may be bound to (a branch, a device). Synchronous (Kysely-built,
 * run by the SyncExecutor) so every call can run inside the service's transaction; the rules
 * (secrets, scope, status changes, audit, caching) are in services/credential-service.ts.
 */
import { likeOperator } from '../db/sql-fragments.js';
import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { CredentialStatus } from '@pantau/shared';
import type { ApiCredentialsTable, Database } from '../db/schema.js';
import type { SyncExecutor } from '../db/sync-executor.js';

/** A row of api_credentials (secret hashes included: never send it as it is). */
export type CredentialRow = Selectable<ApiCredentialsTable>;
/** The columns of a new credential. */
export type NewCredential = Insertable<ApiCredentialsTable>;
/** Columns to change on a credential (any subset). */
export type CredentialChanges = Updateable<ApiCredentialsTable>;

/** Reads and writes api_credentials. */
export class CredentialRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: SyncExecutor,
  ) {}

  /**
   * Add requests counted by this process to credentials' shared hourly windows (scale mode;
   * migration 021) and read the totals back. Call inside a transaction.
   * @param deltas (credential id, window in hours since the epoch, requests to add; 0 reads only)
   * @returns credential id → the window's total after
   */
  addRequestCounts(deltas: ReadonlyArray<{ key: number; window: number; delta: number }>): Map<number, number> {
    const totals = new Map<number, number>();
    for (const d of deltas) {
      const row = this.exec.first(
        this.db
          .insertInto('api_rate_windows')
          .values({ credential_id: d.key, window_start: d.window, count: d.delta })
          .onConflict((oc) =>
            oc.columns(['credential_id', 'window_start']).doUpdateSet((eb) => ({
              count: eb('api_rate_windows.count', '+', eb.ref('excluded.count')),
            })),
          )
          .returning('count'),
      );
      if (row) totals.set(d.key, row.count);
    }
    return totals;
  }

  /** Requests all processes counted for a credential in a window (hours since the epoch); 0 when none. */
  requestCount(credentialId: number, window: number): number {
    return (
      this.exec.first(
        this.db
          .selectFrom('api_rate_windows')
          .select('count')
          .where('credential_id', '=', credentialId)
          .where('window_start', '=', window),
      )?.count ?? 0
    );
  }

  /** Forget the shared windows before `window` (hours since the epoch). @returns rows removed */
  pruneRequestCounts(window: number): number {
    return this.exec.run(this.db.deleteFrom('api_rate_windows').where('window_start', '<', window)).changes;
  }

  /** Insert a credential. @returns its id @throws SqliteError SQLITE_CONSTRAINT_UNIQUE (api_key taken) */
  insert(values: NewCredential): number {
    return this.exec.run(this.db.insertInto('api_credentials').values(values)).lastInsertRowid;
  }

  /**
   * One page of credentials, newest (highest id) first, and how many match.
   * @param q.q text contained in the name or the key (SQL LIKE; `%` and `_` are wildcards)
   * @param q.page 1-based; `per_page` rows per page
   */
  page(q: {
    page: number;
    per_page: number;
    q?: string | undefined;
    status?: CredentialStatus | undefined;
    branch_id?: number | undefined;
  }): { rows: CredentialRow[]; total: number } {
    let base = this.db.selectFrom('api_credentials');
    if (q.q)
      base = base.where((eb) =>
        eb.or([
          eb('credential_name', likeOperator(this.exec.conn.engine), `%${q.q}%`),
          eb('api_key', likeOperator(this.exec.conn.engine), `%${q.q}%`),
        ]),
      );
    if (q.status) base = base.where('status', '=', q.status);
    if (q.branch_id !== undefined) base = base.where('branch_id', '=', q.branch_id);
    const total = Number(this.exec.first(base.select((eb) => eb.fn.countAll<number>().as('n')))!.n);
    const rows = this.exec.all(
      base
        .selectAll()
        .orderBy('id', 'desc')
        .limit(q.per_page)
        .offset((q.page - 1) * q.per_page),
    );
    return { rows, total };
  }

  /** The credential with this id, or undefined. */
  byId(id: number): CredentialRow | undefined {
    return this.exec.first(this.db.selectFrom('api_credentials').selectAll().where('id', '=', id));
  }

  /** The credential with this public key (`pantau_live_…`), or undefined. */
  byApiKey(apiKey: string): CredentialRow | undefined {
    return this.exec.first(this.db.selectFrom('api_credentials').selectAll().where('api_key', '=', apiKey));
  }

  /** Change columns of one credential (no row: nothing happens). */
  update(id: number, changes: CredentialChanges): void {
    this.exec.run(this.db.updateTable('api_credentials').set(changes).where('id', '=', id));
  }

  /** Delete one credential (no row: nothing happens). */
  delete(id: number): void {
    this.exec.run(this.db.deleteFrom('api_credentials').where('id', '=', id));
  }

  /**
   * Set `last_used_at` of the given credentials.
   * @param at ISO-8601 UTC
   */
  touchLastUsed(ids: readonly number[], at: string): void {
    this.exec.run(
      this.db
        .updateTable('api_credentials')
        .set({ last_used_at: at })
        .where('id', 'in', [...ids]),
    );
  }

  /** Whether a branch (company_branches.id) exists, whatever its status. */
  branchExists(branchId: number): boolean {
    return !!this.exec.first(this.db.selectFrom('company_branches').select('id').where('id', '=', branchId));
  }

  /** The branch of a device (by its string `device_id`), or undefined when there is no such device. */
  deviceBranchId(deviceId: string): number | undefined {
    return this.exec.first(this.db.selectFrom('device_masters').select(['branch_id']).where('device_id', '=', deviceId))
      ?.branch_id;
  }
}
