/**
 * The time zone each branch is in (DESIGN 1), for the scheduler's per-zone plan. Two columns
 * of company_branches (hundreds of rows): cheap enough to read every minute.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { SyncExecutor } from '../db/sync-executor.js';

/** Reads the branches' time zones. */
export class BranchZoneRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: SyncExecutor,
  ) {}

  /** Every branch's id and IANA time zone (any status: old deliveries still need their days). */
  branchZones(): Array<{ id: number; timezone: string }> {
    return this.exec.all(this.db.selectFrom('company_branches').select(['id', 'timezone']));
  }
}
