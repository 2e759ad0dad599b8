/**
 * Groups, branches, devices and streams (S1, first version: create and list).
 * Synchronous, for use inside the service's transactions.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Branch, BranchCreate, Device, DeviceCreate, Group, GroupCreate, Stream } from '@pantau/shared';
import type { CctvStreamsTable, CompanyBranchesTable, Database, DeviceMastersTable } from '../db/schema.js';
import type { SyncExecutor } from '../db/sync-executor.js';
import { nowIso } from '../db/database.js';

export type BranchRow = Selectable<CompanyBranchesTable>;
export type DeviceRow = Selectable<DeviceMastersTable>;
export type StreamRow = Selectable<CctvStreamsTable>;

/** A stream row as the API shows it: no password, credentials stripped from URLs. */
export function toStream(r: StreamRow): Stream {
  return {
    id: r.id,
    branch_id: r.branch_id,
    device_id: r.device_id,
    stream_name: r.stream_name,
    protocol: r.protocol,
    main_url: stripCredentials(r.main_url),
    sub_url: r.sub_url === null ? null : stripCredentials(r.sub_url),
    has_credentials: r.username !== null || r.password_enc !== null,
    resolution: r.resolution,
    fps: r.fps,
    status: r.status,
    last_checked_at: r.last_checked_at,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

/** `rtsp://user:pw@host/x` → `rtsp://host/x`. */
export function stripCredentials(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url;
  }
}

/** Data access for the organisation tables. */
export class OrganisationRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: SyncExecutor,
  ) {}

  listGroups(): Group[] {
    return this.exec.all(this.db.selectFrom('company_groups').selectAll().orderBy('id')) as Group[];
  }

  insertGroup(g: GroupCreate): Group {
    const now = nowIso();
    return this.exec.first(
      this.db
        .insertInto('company_groups')
        .values({ province_code: g.province_code, province_name: g.province_name, group_name: g.group_name, address: g.address ?? null, phone: g.phone ?? null, email: g.email ?? null, created_at: now, updated_at: now })
        .returningAll(),
    ) as Group;
  }

  groupExists(id: number): boolean {
    return this.exec.first(this.db.selectFrom('company_groups').select('id').where('id', '=', id)) !== undefined;
  }

  /** Branches, optionally of one group and within a scope (null = all). */
  listBranches(filter: { group_id?: number | undefined; scope: readonly number[] | null }): Branch[] {
    let q = this.db.selectFrom('company_branches').selectAll().orderBy('id');
    if (filter.group_id !== undefined) q = q.where('group_id', '=', filter.group_id);
    if (filter.scope !== null) q = q.where('id', 'in', filter.scope.length ? [...filter.scope] : [-1]);
    return this.exec.all(q) as Branch[];
  }

  findBranch(id: number): BranchRow | undefined {
    return this.exec.first(this.db.selectFrom('company_branches').selectAll().where('id', '=', id));
  }

  insertBranch(b: Required<Pick<BranchCreate, 'group_id' | 'branch_code' | 'branch_name' | 'city' | 'timezone'>> & BranchCreate): Branch {
    const now = nowIso();
    return this.exec.first(
      this.db
        .insertInto('company_branches')
        .values({
          group_id: b.group_id,
          branch_code: b.branch_code,
          branch_name: b.branch_name,
          city: b.city,
          timezone: b.timezone,
          address: b.address ?? null,
          latitude: b.latitude ?? null,
          longitude: b.longitude ?? null,
          created_at: now,
          updated_at: now,
        })
        .returningAll(),
    ) as Branch;
  }

  listDevices(filter: { branch_id?: number | undefined; scope: readonly number[] | null }): Device[] {
    let q = this.db.selectFrom('device_masters').selectAll().orderBy('id');
    if (filter.branch_id !== undefined) q = q.where('branch_id', '=', filter.branch_id);
    if (filter.scope !== null) q = q.where('branch_id', 'in', filter.scope.length ? [...filter.scope] : [-1]);
    return this.exec.all(q) as Device[];
  }

  /** A device by its own string id. */
  findDevice(deviceId: string): DeviceRow | undefined {
    return this.exec.first(this.db.selectFrom('device_masters').selectAll().where('device_id', '=', deviceId));
  }

  insertDevice(d: DeviceCreate): Device {
    const now = nowIso();
    return this.exec.first(
      this.db
        .insertInto('device_masters')
        .values({ device_id: d.device_id, device_name: d.device_name, device_type: d.device_type, branch_id: d.branch_id, parent_device_id: d.parent_device_id ?? null, created_at: now, updated_at: now })
        .returningAll(),
    ) as Device;
  }

  listStreams(filter: { branch_id?: number | undefined; scope: readonly number[] | null }): StreamRow[] {
    let q = this.db.selectFrom('cctv_streams').selectAll().orderBy('id');
    if (filter.branch_id !== undefined) q = q.where('branch_id', '=', filter.branch_id);
    if (filter.scope !== null) q = q.where('branch_id', 'in', filter.scope.length ? [...filter.scope] : [-1]);
    return this.exec.all(q);
  }

  findStream(id: number): StreamRow | undefined {
    return this.exec.first(this.db.selectFrom('cctv_streams').selectAll().where('id', '=', id));
  }

  insertStream(s: Omit<StreamRow, 'id' | 'status' | 'last_checked_at' | 'created_at' | 'updated_at'>): StreamRow {
    const now = nowIso();
    return this.exec.first(this.db.insertInto('cctv_streams').values({ ...s, created_at: now, updated_at: now }).returningAll())!;
  }
}
