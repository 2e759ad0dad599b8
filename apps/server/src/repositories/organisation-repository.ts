/**
 * Groups, branches, devices and streams (S1): paged lists with search, filters and counts;
 * reads by id; inserts, updates and deletes. Synchronous, for use inside the service's
 * transactions. Scope (`null` = every branch/group) limits every read.
 */
import { likeOperator } from '../db/sql-fragments.js';
import { sql, type Kysely, type Selectable } from 'kysely';
import { StreamMedia, type Branch, type Device, type Group, type PageMeta, type Stream } from '@pantau/shared';
import { storedJson } from './stored-json.js';
import type {
  CctvStreamsTable,
  CompanyBranchesTable,
  CompanyGroupsTable,
  Database,
  DeviceMastersTable,
} from '../db/schema.js';
import type { SyncExecutor } from '../db/sync-executor.js';
import { nowIso } from '../db/database.js';

export type GroupRow = Selectable<CompanyGroupsTable>;
export type BranchRow = Selectable<CompanyBranchesTable>;
export type DeviceRow = Selectable<DeviceMastersTable>;
export type StreamRow = Selectable<CctvStreamsTable>;

/** Paging input shared by every list. */
export interface Paging {
  page: number;
  per_page: number;
  q?: string | undefined;
}

/** Branch and group scope of the caller (null = all). */
export interface Scope {
  branches: readonly number[] | null;
  groups: readonly number[] | null;
}

const inList = (ids: readonly number[]) => (ids.length ? [...ids] : [-1]);
const like = (q: string) => `%${q.replace(/[%_]/g, (c) => `\\${c}`)}%`;

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
    transport: r.transport,
    resolution: r.resolution,
    fps: r.fps,
    status: r.status,
    problem: r.problem,
    media: { main: mediaOf(r.main_media), sub: r.sub_url === null ? null : mediaOf(r.sub_media) },
    last_checked_at: r.last_checked_at,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

/** A stored `StreamMedia` column, or null (none, or not of that shape). */
export function mediaOf(text: string | null): StreamMedia | null {
  return text === null ? null : (storedJson(text, StreamMedia) ?? null);
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

  private paged<T>(count: () => number, rows: () => T[], p: Paging): { items: T[]; meta: PageMeta } {
    return { items: rows(), meta: { page: p.page, per_page: p.per_page, total: count() } };
  }

  // ---- groups -------------------------------------------------------------

  private groupsQuery(scope: Scope, f: { q?: string | undefined; status?: string | undefined }) {
    let q = this.db.selectFrom('company_groups as g');
    if (scope.groups !== null) q = q.where('g.id', 'in', inList(scope.groups));
    if (f.q)
      q = q.where((eb) =>
        eb.or([
          eb('g.group_name', likeOperator(this.exec.conn.engine), like(f.q!)),
          eb('g.province_code', likeOperator(this.exec.conn.engine), like(f.q!)),
          eb('g.province_name', likeOperator(this.exec.conn.engine), like(f.q!)),
        ]),
      );
    if (f.status) q = q.where('g.status', '=', f.status as GroupRow['status']);
    return q;
  }

  private groupColumns(scope: Scope) {
    const branchCount =
      scope.branches === null
        ? sql<number>`(SELECT COUNT(*) FROM company_branches b WHERE b.group_id = g.id)`
        : sql<number>`(SELECT COUNT(*) FROM company_branches b WHERE b.group_id = g.id AND b.id IN (${sql.join(inList(scope.branches))}))`;
    return [branchCount.as('branch_count')] as const;
  }

  /** Groups in scope, with the number of their branches the caller may see. */
  pageGroups(scope: Scope, f: Paging & { status?: string | undefined }): { items: Group[]; meta: PageMeta } {
    const base = this.groupsQuery(scope, f);
    return this.paged(
      () => Number(this.exec.first(base.select((eb) => eb.fn.countAll<number>().as('n')))!.n),
      () =>
        this.exec.all(
          base
            .selectAll('g')
            .select(this.groupColumns(scope))
            .orderBy('g.group_name')
            .orderBy('g.id')
            .limit(f.per_page)
            .offset((f.page - 1) * f.per_page),
        ) as Group[],
      f,
    );
  }

  getGroup(id: number, scope: Scope): Group | undefined {
    return this.exec.first(
      this.groupsQuery(scope, {}).selectAll('g').select(this.groupColumns(scope)).where('g.id', '=', id),
    ) as Group | undefined;
  }

  insertGroup(g: {
    province_code: string;
    province_name: string;
    group_name: string;
    address?: string | undefined;
    phone?: string | undefined;
    email?: string | undefined;
  }): number {
    const now = nowIso();
    return this.exec.run(
      this.db.insertInto('company_groups').values({
        province_code: g.province_code,
        province_name: g.province_name,
        group_name: g.group_name,
        address: g.address ?? null,
        phone: g.phone ?? null,
        email: g.email ?? null,
        created_at: now,
        updated_at: now,
      }),
    ).lastInsertRowid;
  }

  updateGroup(id: number, patch: Record<string, unknown>): void {
    this.exec.run(
      this.db
        .updateTable('company_groups')
        .set({ ...patch, updated_at: nowIso() })
        .where('id', '=', id),
    );
  }

  deleteGroup(id: number): void {
    this.exec.run(this.db.deleteFrom('company_groups').where('id', '=', id));
  }

  /** Up to `limit` branches of a group (for "cannot delete: it still has …"). */
  branchesOfGroup(groupId: number, limit: number): Array<{ id: number; branch_code: string; branch_name: string }> {
    return this.exec.all(
      this.db
        .selectFrom('company_branches')
        .select(['id', 'branch_code', 'branch_name'])
        .where('group_id', '=', groupId)
        .orderBy('id')
        .limit(limit),
    );
  }

  // ---- branches -----------------------------------------------------------

  private branchesQuery(
    scope: Scope,
    f: { q?: string | undefined; status?: string | undefined; group_id?: number | undefined },
  ) {
    let q = this.db.selectFrom('company_branches as b');
    if (scope.branches !== null) q = q.where('b.id', 'in', inList(scope.branches));
    if (f.group_id !== undefined) q = q.where('b.group_id', '=', f.group_id);
    if (f.status) q = q.where('b.status', '=', f.status as BranchRow['status']);
    if (f.q)
      q = q.where((eb) =>
        eb.or([
          eb('b.branch_name', likeOperator(this.exec.conn.engine), like(f.q!)),
          eb('b.branch_code', likeOperator(this.exec.conn.engine), like(f.q!)),
          eb('b.city', likeOperator(this.exec.conn.engine), like(f.q!)),
        ]),
      );
    return q;
  }

  private static readonly branchColumns = [
    sql<number>`(SELECT COUNT(*) FROM device_masters d WHERE d.branch_id = b.id)`.as('device_count'),
    sql<number>`(SELECT COUNT(*) FROM device_masters d WHERE d.branch_id = b.id AND d.device_type = 'camera')`.as(
      'camera_count',
    ),
    sql<number>`(SELECT COUNT(*) FROM device_masters d WHERE d.branch_id = b.id AND d.device_type = 'camera' AND d.status = 'online')`.as(
      'cameras_online',
    ),
  ] as const;

  pageBranches(
    scope: Scope,
    f: Paging & { status?: string | undefined; group_id?: number | undefined },
  ): { items: Branch[]; meta: PageMeta } {
    const base = this.branchesQuery(scope, f);
    return this.paged(
      () => Number(this.exec.first(base.select((eb) => eb.fn.countAll<number>().as('n')))!.n),
      () =>
        this.exec.all(
          base
            .selectAll('b')
            .select(OrganisationRepository.branchColumns)
            .orderBy('b.branch_name')
            .orderBy('b.id')
            .limit(f.per_page)
            .offset((f.page - 1) * f.per_page),
        ) as Branch[],
      f,
    );
  }

  getBranch(id: number, scope: Scope): Branch | undefined {
    return this.exec.first(
      this.branchesQuery(scope, {}).selectAll('b').select(OrganisationRepository.branchColumns).where('b.id', '=', id),
    ) as Branch | undefined;
  }

  /** A branch row regardless of scope (for reference checks). */
  findBranch(id: number): BranchRow | undefined {
    return this.exec.first(this.db.selectFrom('company_branches').selectAll().where('id', '=', id));
  }

  groupExists(id: number): boolean {
    return this.exec.first(this.db.selectFrom('company_groups').select('id').where('id', '=', id)) !== undefined;
  }

  insertBranch(b: {
    group_id: number;
    branch_code: string;
    branch_name: string;
    city: string;
    timezone: string;
    address?: string | undefined;
    latitude?: number | undefined;
    longitude?: number | undefined;
  }): number {
    const now = nowIso();
    return this.exec.run(
      this.db.insertInto('company_branches').values({
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
      }),
    ).lastInsertRowid;
  }

  updateBranch(id: number, patch: Record<string, unknown>): void {
    this.exec.run(
      this.db
        .updateTable('company_branches')
        .set({ ...patch, updated_at: nowIso() })
        .where('id', '=', id),
    );
  }

  deleteBranch(id: number): void {
    this.exec.run(this.db.deleteFrom('company_branches').where('id', '=', id));
  }

  devicesOfBranch(branchId: number, limit: number): Array<{ id: number; device_id: string; device_name: string }> {
    return this.exec.all(
      this.db
        .selectFrom('device_masters')
        .select(['id', 'device_id', 'device_name'])
        .where('branch_id', '=', branchId)
        .orderBy('id')
        .limit(limit),
    );
  }

  // ---- devices ------------------------------------------------------------

  private devicesQuery(
    scope: Scope,
    f: {
      q?: string | undefined;
      status?: string | undefined;
      branch_id?: number | undefined;
      group_id?: number | undefined;
      device_type?: string | undefined;
      parent_device_id?: string | undefined;
    },
  ) {
    let q = this.db.selectFrom('device_masters as d');
    if (scope.branches !== null) q = q.where('d.branch_id', 'in', inList(scope.branches));
    if (f.branch_id !== undefined) q = q.where('d.branch_id', '=', f.branch_id);
    if (f.group_id !== undefined)
      q = q.where(
        'd.branch_id',
        'in',
        this.db.selectFrom('company_branches').select('id').where('group_id', '=', f.group_id),
      );
    if (f.device_type) q = q.where('d.device_type', '=', f.device_type as DeviceRow['device_type']);
    if (f.status) q = q.where('d.status', '=', f.status as DeviceRow['status']);
    if (f.parent_device_id) q = q.where('d.parent_device_id', '=', f.parent_device_id);
    if (f.q)
      q = q.where((eb) =>
        eb.or([
          eb('d.device_name', likeOperator(this.exec.conn.engine), like(f.q!)),
          eb('d.device_id', likeOperator(this.exec.conn.engine), like(f.q!)),
        ]),
      );
    return q;
  }

  private static readonly deviceColumns = [
    sql<number>`(SELECT COUNT(*) FROM device_masters c WHERE c.parent_device_id = d.device_id)`.as('child_count'),
  ] as const;

  pageDevices(
    scope: Scope,
    f: Paging & {
      status?: string | undefined;
      branch_id?: number | undefined;
      group_id?: number | undefined;
      device_type?: string | undefined;
      parent_device_id?: string | undefined;
    },
  ): { items: Device[]; meta: PageMeta } {
    const base = this.devicesQuery(scope, f);
    return this.paged(
      () => Number(this.exec.first(base.select((eb) => eb.fn.countAll<number>().as('n')))!.n),
      () =>
        this.exec.all(
          base
            .selectAll('d')
            .select(OrganisationRepository.deviceColumns)
            .orderBy('d.device_name')
            .orderBy('d.id')
            .limit(f.per_page)
            .offset((f.page - 1) * f.per_page),
        ) as Device[],
      f,
    );
  }

  getDevice(id: number, scope: Scope): Device | undefined {
    return this.exec.first(
      this.devicesQuery(scope, {}).selectAll('d').select(OrganisationRepository.deviceColumns).where('d.id', '=', id),
    ) as Device | undefined;
  }

  /** A device by its own string id, regardless of scope. */
  findDevice(deviceId: string): DeviceRow | undefined {
    return this.exec.first(this.db.selectFrom('device_masters').selectAll().where('device_id', '=', deviceId));
  }

  insertDevice(d: {
    device_id: string;
    device_name: string;
    device_type: DeviceRow['device_type'];
    branch_id: number;
    parent_device_id?: string | undefined;
  }): number {
    const now = nowIso();
    return this.exec.run(
      this.db.insertInto('device_masters').values({
        device_id: d.device_id,
        device_name: d.device_name,
        device_type: d.device_type,
        branch_id: d.branch_id,
        parent_device_id: d.parent_device_id ?? null,
        created_at: now,
        updated_at: now,
      }),
    ).lastInsertRowid;
  }

  updateDevice(id: number, patch: Record<string, unknown>): void {
    this.exec.run(
      this.db
        .updateTable('device_masters')
        .set({ ...patch, updated_at: nowIso() })
        .where('id', '=', id),
    );
  }

  /** Move a device's streams along with it to another branch. */
  moveStreams(deviceId: string, branchId: number): void {
    this.exec.run(
      this.db
        .updateTable('cctv_streams')
        .set({ branch_id: branchId, updated_at: nowIso() })
        .where('device_id', '=', deviceId),
    );
  }

  deleteDevice(id: number): void {
    this.exec.run(this.db.deleteFrom('device_masters').where('id', '=', id));
  }

  childrenOf(deviceId: string, limit: number): Array<{ id: number; device_id: string; device_name: string }> {
    return this.exec.all(
      this.db
        .selectFrom('device_masters')
        .select(['id', 'device_id', 'device_name'])
        .where('parent_device_id', '=', deviceId)
        .orderBy('id')
        .limit(limit),
    );
  }

  // ---- streams ------------------------------------------------------------

  private streamsQuery(
    scope: Scope,
    f: {
      q?: string | undefined;
      status?: string | undefined;
      branch_id?: number | undefined;
      device_id?: string | undefined;
    },
  ) {
    let q = this.db.selectFrom('cctv_streams as s');
    if (scope.branches !== null) q = q.where('s.branch_id', 'in', inList(scope.branches));
    if (f.branch_id !== undefined) q = q.where('s.branch_id', '=', f.branch_id);
    if (f.device_id) q = q.where('s.device_id', '=', f.device_id);
    if (f.status) q = q.where('s.status', '=', f.status as StreamRow['status']);
    if (f.q)
      q = q.where((eb) =>
        eb.or([
          eb('s.stream_name', likeOperator(this.exec.conn.engine), like(f.q!)),
          eb('s.device_id', likeOperator(this.exec.conn.engine), like(f.q!)),
        ]),
      );
    return q;
  }

  pageStreams(
    scope: Scope,
    f: Paging & { status?: string | undefined; branch_id?: number | undefined; device_id?: string | undefined },
  ): { items: StreamRow[]; meta: PageMeta } {
    const base = this.streamsQuery(scope, f);
    return this.paged(
      () => Number(this.exec.first(base.select((eb) => eb.fn.countAll<number>().as('n')))!.n),
      () =>
        this.exec.all(
          base
            .selectAll('s')
            .orderBy('s.stream_name')
            .orderBy('s.id')
            .limit(f.per_page)
            .offset((f.page - 1) * f.per_page),
        ),
      f,
    );
  }

  getStream(id: number, scope: Scope): StreamRow | undefined {
    return this.exec.first(this.streamsQuery(scope, {}).selectAll('s').where('s.id', '=', id));
  }

  insertStream(
    s: Omit<
      StreamRow,
      'id' | 'status' | 'last_checked_at' | 'created_at' | 'updated_at' | 'problem' | 'main_media' | 'sub_media'
    >,
  ): number {
    const now = nowIso();
    return this.exec.run(this.db.insertInto('cctv_streams').values({ ...s, created_at: now, updated_at: now }))
      .lastInsertRowid;
  }

  updateStream(id: number, patch: Record<string, unknown>): void {
    this.exec.run(
      this.db
        .updateTable('cctv_streams')
        .set({ ...patch, updated_at: nowIso() })
        .where('id', '=', id),
    );
  }

  deleteStream(id: number): void {
    this.exec.run(this.db.deleteFrom('cctv_streams').where('id', '=', id));
  }

  // ---- tree ---------------------------------------------------------------

  /** Everything the camera tree needs, in scope, in one pass per table. */
  treeRows(scope: Scope): { groups: GroupRow[]; branches: BranchRow[]; devices: DeviceRow[]; streams: StreamRow[] } {
    return {
      groups: this.exec.all(this.groupsQuery(scope, {}).selectAll('g').orderBy('g.group_name')),
      branches: this.exec.all(this.branchesQuery(scope, {}).selectAll('b').orderBy('b.branch_name')),
      devices: this.exec.all(this.devicesQuery(scope, {}).selectAll('d').orderBy('d.device_name')),
      streams: this.exec.all(this.streamsQuery(scope, {}).selectAll('s').orderBy('s.stream_name')),
    };
  }
}
