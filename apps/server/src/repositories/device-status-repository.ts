/**
 * The SQL of device status (S11): the status columns of `device_masters` and the
 * `device_status_history` log. Synchronous (Kysely-built, run by the SyncExecutor) so every
 * call runs inside the service's transaction; the rules (timeouts, the NVR cascade, what is
 * broadcast) are in services/device-status-service.ts.
 */
import type { Insertable, Kysely, Updateable } from 'kysely';
import type { Database, DeviceMastersTable, DeviceStatusHistoryTable } from '../db/schema.js';
import type { SyncExecutor } from '../db/sync-executor.js';
import type { DeviceRow } from './organisation-repository.js';

/** The status columns a heartbeat or a timeout changes (ISO-8601 UTC times). */
export type DeviceStatusChanges = Pick<Updateable<DeviceMastersTable>, 'status' | 'last_seen_at' | 'updated_at'>;
/** One status change to record. */
export type NewDeviceStatusChange = Insertable<DeviceStatusHistoryTable>;

/** Reads and writes device status and its history. */
export class DeviceStatusRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: SyncExecutor,
  ) {}

  /** A device by its string id (`device_masters.device_id`), or undefined. */
  byDeviceId(deviceId: string): DeviceRow | undefined {
    return this.exec.first(this.db.selectFrom('device_masters').selectAll().where('device_id', '=', deviceId));
  }

  /**
   * Online devices last seen before `cutoff` (or never seen).
   * @param cutoff ISO-8601 UTC
   */
  onlineSilentSince(cutoff: string): DeviceRow[] {
    return this.exec.all(
      this.db
        .selectFrom('device_masters')
        .selectAll()
        .where('status', '=', 'online')
        .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', cutoff)])),
    );
  }

  /** The online devices whose parent is this NVR (its cameras). */
  onlineChildrenOf(parentDeviceId: string): DeviceRow[] {
    return this.exec.all(
      this.db
        .selectFrom('device_masters')
        .selectAll()
        .where('parent_device_id', '=', parentDeviceId)
        .where('status', '=', 'online'),
    );
  }

  /** Change the status columns of one device (by row id). */
  update(id: number, changes: DeviceStatusChanges): void {
    this.exec.run(this.db.updateTable('device_masters').set(changes).where('id', '=', id));
  }

  /** Append one change to device_status_history. */
  recordChange(change: NewDeviceStatusChange): void {
    this.exec.run(this.db.insertInto('device_status_history').values(change));
  }

  /** A branch's devices counted by type and status (only the pairs that occur). */
  countsByTypeAndStatus(
    branchId: number,
  ): Array<{ device_type: DeviceRow['device_type']; status: DeviceRow['status']; n: number }> {
    return this.exec.all(
      this.db
        .selectFrom('device_masters')
        .select(['device_type', 'status'])
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('branch_id', '=', branchId)
        .groupBy(['device_type', 'status']),
    );
  }
}
