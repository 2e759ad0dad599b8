/**
 * The watchlist's SQL (issue 14): persons watched, with a reason and who added them, scoped for
 * users with a scope (the persons seen at their branches, and those they added). Synchronous
 * (Kysely-built, run by the SyncExecutor), for use inside the service's transactions.
 */
import { sql, type Kysely } from 'kysely';
import type { WatchlistEntry } from '@pantau/shared';
import type { Database } from '../db/schema.js';
import type { SyncExecutor } from '../db/sync-executor.js';
import { idList } from './id-list.js';

/** Reads and writes the watchlist. */
export class WatchlistRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: SyncExecutor,
  ) {}

  /**
   * The watchlist, newest first: every entry (scope null), or those of persons seen at a branch
   * in scope and those `userId` added.
   */
  watchlist(scope: readonly number[] | null, userId: number): WatchlistEntry[] {
    let s = this.watchlistRows().orderBy('w.added_at', 'desc').orderBy('w.re_id');
    const ids = scope === null ? null : idList(scope);
    if (ids !== null)
      s = s.where((eb) =>
        eb.or([
          eb('w.added_by', '=', userId),
          eb.exists(
            eb
              .selectFrom('person_branches as pb')
              .select('pb.re_id')
              .whereRef('pb.re_id', '=', 'w.re_id')
              .where('pb.branch_id', 'in', ids),
          ),
        ]),
      );
    return this.exec.all(s);
  }

  /** One watchlist entry, or undefined. */
  watched(reId: string): WatchlistEntry | undefined {
    return this.exec.first(this.watchlistRows().where('w.re_id', '=', reId));
  }

  private watchlistRows() {
    return this.db
      .selectFrom('watchlist as w')
      .leftJoin('users as u', 'u.id', 'w.added_by')
      .select(['w.re_id', 'w.reason', 'w.added_by', sql<string | null>`u.name`.as('added_by_name'), 'w.added_at']);
  }

  /** Put a person on the watchlist, or change the reason (who and when stay the first's). */
  watch(reId: string, reason: string, userId: number, at: string): void {
    this.exec.run(
      this.db
        .insertInto('watchlist')
        .values({ re_id: reId, reason, added_by: userId, added_at: at })
        .onConflict((oc) => oc.column('re_id').doUpdateSet({ reason })),
    );
  }

  /** @returns whether the person was on the watchlist */
  unwatch(reId: string): boolean {
    return this.exec.run(this.db.deleteFrom('watchlist').where('re_id', '=', reId)).changes === 1;
  }

  /** Which of these persons are on the watchlist. */
  watchedAmong(reIds: readonly string[]): Set<string> {
    const out = new Set<string>();
    for (let i = 0; i < reIds.length; i += 500)
      for (const r of this.exec.all(
        this.db
          .selectFrom('watchlist')
          .select('re_id')
          .where('re_id', 'in', reIds.slice(i, i + 500)),
      ))
        out.add(r.re_id);
    return out;
  }
}
