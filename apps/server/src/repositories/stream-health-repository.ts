/**
 * The SQL of stream health (S11): which streams to probe, and the probe's findings in the
 * status columns of `cctv_streams`. Synchronous (Kysely-built, run by the SyncExecutor) so the
 * service can read and write in one transaction; the schedule, the probe and what is
 * broadcast are in services/stream-health-service.ts.
 */
import type { Kysely, Updateable } from 'kysely';
import type { CctvStreamsTable, Database } from '../db/schema.js';
import type { SyncExecutor } from '../db/sync-executor.js';
import type { StreamRow } from './organisation-repository.js';

/** What a probe records: status and `last_checked_at` (ISO-8601 UTC), and when it read the video, `WxH` and fps. */
export type StreamProbeChanges = Pick<
  Updateable<CctvStreamsTable>,
  'status' | 'last_checked_at' | 'resolution' | 'fps' | 'problem' | 'main_media' | 'sub_media'
>;

/** Reads streams for probing and records what the probes found. */
export class StreamHealthRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: SyncExecutor,
  ) {}

  /** Every stream, by id (credentials included: the probe needs them). */
  all(): StreamRow[] {
    return this.exec.all(this.db.selectFrom('cctv_streams').selectAll().orderBy('id'));
  }

  /** One stream (credentials included), or undefined when it is gone. */
  get(id: number): StreamRow | undefined {
    return this.exec.first(this.db.selectFrom('cctv_streams').selectAll().where('id', '=', id));
  }

  /** A stream's current status, problem and branch, or undefined when it is gone. */
  statusOf(id: number): Pick<StreamRow, 'status' | 'problem' | 'branch_id'> | undefined {
    return this.exec.first(
      this.db.selectFrom('cctv_streams').select(['status', 'problem', 'branch_id']).where('id', '=', id),
    );
  }

  /** Store a probe's findings on one stream. */
  recordProbe(id: number, changes: StreamProbeChanges): void {
    this.exec.run(this.db.updateTable('cctv_streams').set(changes).where('id', '=', id));
  }
}
