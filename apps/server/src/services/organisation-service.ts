/**
 * Organisation rules (S1): unique codes, references that must exist and be in the caller's
 * scope, no orphans (a group with branches, a branch with devices or an NVR with cameras is
 * not deleted: 409 naming what blocks it), stream passwords encrypted at rest. Every change is
 * audited and said (`group.changed`, `branch.changed`, `device.changed`: domain events, which the
 * real-time publisher sends to the consoles) in the same transaction as the change.
 *
 * Who may change what (routes check the role, this checks the scope): groups, and creating,
 * moving or deleting branches, need an admin whose scope is every branch; branch details,
 * devices and streams need an admin whose scope holds the branch. Out of scope = 404.
 *
 * A camera moved to another branch loses its own WhatsApp alert settings (overrides) held under
 * any other branch, in the move's transaction; it then follows its new branch's branch-wide
 * setting (see `updateDevice`).
 */
import {
  PantauError,
  type Branch,
  type BranchCreate,
  type BranchUpdate,
  type CameraTreeGroup,
  type Device,
  type DeviceCreate,
  type DeviceUpdate,
  type Group,
  type GroupCreate,
  type GroupUpdate,
  type PageMeta,
  type Stream,
  type StreamCreate,
  type StreamQuality,
  type StreamUpdate,
} from '@pantau/shared';
import { isUniqueViolation, type SyncExecutor } from '../db/sync-executor.js';
import {
  stripCredentials,
  toStream,
  type OrganisationRepository,
  type Scope,
  type StreamRow,
} from '../repositories/organisation-repository.js';
import type { AuditRepository } from '../repositories/audit-repository.js';
import type { AuthUser, Caller } from '../domain/caller.js';
import type { DomainEvents } from '../domain/domain-events.js';
import { decryptSecret, encryptSecret } from '../security/keys.js';
import { buildCameraTree } from './camera-tree.js';
import type { AlertSettingsService } from './notifications/alert-settings-service.js';

const scopeOf = (u: AuthUser): Scope => ({ branches: u.branchScope, groups: u.groupScope });
/** How many blocking rows a 409 lists. */
const BLOCKERS_SHOWN = 20;

/** Lists, reads and changes groups, branches, devices and streams. */
export class OrganisationService {
  constructor(
    private readonly repo: OrganisationRepository,
    private readonly exec: SyncExecutor,
    private readonly events: DomainEvents,
    private readonly audit: AuditRepository,
    private readonly streamKey: Buffer,
    /** Drops a moved camera's alert overrides (in the move's transaction). */
    private readonly alertSettings: Pick<AlertSettingsService, 'removeOverridesOnMove'>,
  ) {}

  // ---- groups -------------------------------------------------------------

  pageGroups(
    user: AuthUser,
    f: { page: number; per_page: number; q?: string | undefined; status?: string | undefined },
  ): { items: Group[]; meta: PageMeta } {
    return this.repo.pageGroups(scopeOf(user), f);
  }

  /** @throws PantauError NOT_FOUND (unknown or out of scope) */
  getGroup(user: AuthUser, id: number): Group {
    const g = this.repo.getGroup(id, scopeOf(user));
    if (!g) throw new PantauError('NOT_FOUND', `group ${id} not found`, { field: 'id' });
    return g;
  }

  /** @throws PantauError CONFLICT (province_code taken) */
  createGroup(c: Caller, input: GroupCreate): Group {
    return this.write(
      () => {
        const id = this.repo.insertGroup(input);
        const g = this.getGroup(c.user, id);
        this.audit.record(c.actor, 'create', 'group', id, null, g);
        this.events.emit('group.changed', { group_id: id, action: 'created' });
        return g;
      },
      { field: 'province_code', what: `province_code ${input.province_code}` },
    );
  }

  /** @throws PantauError NOT_FOUND, CONFLICT (province_code taken) */
  updateGroup(c: Caller, id: number, patch: GroupUpdate): Group {
    return this.write(
      () => {
        const before = this.getGroup(c.user, id);
        this.repo.updateGroup(id, patch);
        const after = this.getGroup(c.user, id);
        this.audit.record(c.actor, 'update', 'group', id, before, after);
        this.events.emit('group.changed', { group_id: id, action: 'updated' });
        return after;
      },
      { field: 'province_code', what: `province_code ${patch.province_code ?? ''}` },
    );
  }

  /** @throws PantauError NOT_FOUND, CONFLICT (the group still has branches: `details.branches`) */
  deleteGroup(c: Caller, id: number): void {
    this.write(
      () => {
        const before = this.getGroup(c.user, id);
        const branches = this.repo.branchesOfGroup(id, BLOCKERS_SHOWN);
        if (branches.length > 0) {
          throw new PantauError(
            'CONFLICT',
            `group ${before.group_name} still has ${before.branch_count} branch(es): move or delete them first`,
            { field: 'id', branches },
          );
        }
        this.repo.deleteGroup(id);
        this.audit.record(c.actor, 'delete', 'group', id, before, null);
        this.events.emit('group.changed', { group_id: id, action: 'deleted' });
      },
      { field: 'id', what: 'group' },
    );
  }

  // ---- branches -----------------------------------------------------------

  pageBranches(
    user: AuthUser,
    f: {
      page: number;
      per_page: number;
      q?: string | undefined;
      status?: string | undefined;
      group_id?: number | undefined;
    },
  ): { items: Branch[]; meta: PageMeta } {
    return this.repo.pageBranches(scopeOf(user), f);
  }

  /** @throws PantauError NOT_FOUND */
  getBranch(user: AuthUser, id: number): Branch {
    const b = this.repo.getBranch(id, scopeOf(user));
    if (!b) throw new PantauError('NOT_FOUND', `branch ${id} not found`, { field: 'id' });
    return b;
  }

  /** @throws PantauError FORBIDDEN (scope not every branch), NOT_FOUND (group_id), CONFLICT (branch_code taken) */
  createBranch(c: Caller, input: BranchCreate & { timezone: string }): Branch {
    this.requireFullScope(c.user, 'create branches');
    return this.write(
      () => {
        if (!this.repo.groupExists(input.group_id))
          throw new PantauError('NOT_FOUND', `group ${input.group_id} does not exist`, { field: 'group_id' });
        const id = this.repo.insertBranch(input);
        const b = this.getBranch(c.user, id);
        this.audit.record(c.actor, 'create', 'branch', id, null, b);
        this.events.emit('branch.changed', { branch_id: id, group_id: b.group_id, action: 'created' });
        return b;
      },
      { field: 'branch_code', what: `branch_code ${input.branch_code}` },
    );
  }

  /** @throws PantauError NOT_FOUND, FORBIDDEN (moving needs every branch in scope), CONFLICT (branch_code taken) */
  updateBranch(c: Caller, id: number, patch: BranchUpdate): Branch {
    return this.write(
      () => {
        const before = this.getBranch(c.user, id);
        if (patch.group_id !== undefined && patch.group_id !== before.group_id) {
          this.requireFullScope(c.user, 'move branches between groups');
          if (!this.repo.groupExists(patch.group_id))
            throw new PantauError('NOT_FOUND', `group ${patch.group_id} does not exist`, { field: 'group_id' });
        }
        this.repo.updateBranch(id, patch);
        const after = this.getBranch(c.user, id);
        this.audit.record(c.actor, before.group_id !== after.group_id ? 'move' : 'update', 'branch', id, before, after);
        this.events.emit('branch.changed', {
          branch_id: id,
          group_id: after.group_id,
          action: 'updated',
          ...(before.group_id !== after.group_id ? { previous_group_id: before.group_id } : {}),
        });
        return after;
      },
      { field: 'branch_code', what: `branch_code ${patch.branch_code ?? ''}` },
    );
  }

  /** @throws PantauError NOT_FOUND, FORBIDDEN, CONFLICT (the branch still has devices: `details.devices`) */
  deleteBranch(c: Caller, id: number): void {
    this.requireFullScope(c.user, 'delete branches');
    this.write(
      () => {
        const before = this.getBranch(c.user, id);
        const devices = this.repo.devicesOfBranch(id, BLOCKERS_SHOWN);
        if (devices.length > 0) {
          throw new PantauError(
            'CONFLICT',
            `branch ${before.branch_name} still has ${before.device_count} device(s): move or delete them first`,
            { field: 'id', devices },
          );
        }
        this.repo.deleteBranch(id);
        this.audit.record(c.actor, 'delete', 'branch', id, before, null);
        this.events.emit('branch.changed', { branch_id: id, group_id: before.group_id, action: 'deleted' });
      },
      { field: 'id', what: 'branch' },
    );
  }

  // ---- devices ------------------------------------------------------------

  pageDevices(
    user: AuthUser,
    f: {
      page: number;
      per_page: number;
      q?: string | undefined;
      status?: string | undefined;
      branch_id?: number | undefined;
      group_id?: number | undefined;
      device_type?: string | undefined;
      parent_device_id?: string | undefined;
    },
  ): { items: Device[]; meta: PageMeta } {
    return this.repo.pageDevices(scopeOf(user), f);
  }

  /** @throws PantauError NOT_FOUND */
  getDevice(user: AuthUser, id: number): Device {
    const d = this.repo.getDevice(id, scopeOf(user));
    if (!d) throw new PantauError('NOT_FOUND', `device ${id} not found`, { field: 'id' });
    return d;
  }

  /** @throws PantauError NOT_FOUND (branch_id, parent_device_id), VALIDATION_ERROR (parent not an NVR of the branch), CONFLICT (device_id taken) */
  createDevice(c: Caller, input: DeviceCreate): Device {
    return this.write(
      () => {
        this.requireBranchInScope(c.user, input.branch_id, 'branch_id');
        this.checkParent(input.parent_device_id, input.branch_id, input.device_id);
        const id = this.repo.insertDevice(input);
        const d = this.getDevice(c.user, id);
        this.audit.record(c.actor, 'create', 'device', id, null, d);
        this.events.emit('device.changed', {
          device_id: d.device_id,
          branch_id: d.branch_id,
          action: 'created',
        });
        return d;
      },
      { field: 'device_id', what: `device_id ${input.device_id}` },
    );
  }

  /**
   * Change a device; moving it to another branch moves its streams too, and deletes its own
   * WhatsApp alert settings (override rows of `branch_event_settings`) held under any branch
   * but the new one: they would no longer apply and name the old branch's people, so the camera
   * follows the new branch's branch-wide setting. All in one transaction: a refused change
   * (unknown branch, out of scope, a conflict) deletes nothing. Each deleted override is audited
   * as `delete` of `alert_setting`; the device's `move` entry lists their ids in
   * `after.alert_overrides_removed` (only when there were any). A device that keeps its branch
   * keeps its overrides.
   * @throws PantauError NOT_FOUND, VALIDATION_ERROR (parent, status), CONFLICT (an NVR with cameras cannot stop being an NVR or move alone)
   */
  updateDevice(c: Caller, id: number, patch: DeviceUpdate): Device {
    return this.write(
      () => {
        const before = this.getDevice(c.user, id);
        const branchId = patch.branch_id ?? before.branch_id;
        if (patch.branch_id !== undefined) this.requireBranchInScope(c.user, patch.branch_id, 'branch_id');
        if (patch.status === 'online' || patch.status === 'offline') {
          throw new PantauError(
            'VALIDATION_ERROR',
            'only maintenance can be set by hand; online and offline come from heartbeats',
            { field: 'status' },
          );
        }
        if (
          before.child_count > 0 &&
          ((patch.device_type && patch.device_type !== 'nvr') || branchId !== before.branch_id)
        ) {
          throw new PantauError(
            'CONFLICT',
            `${before.device_name} has ${before.child_count} camera(s) under it: move them first`,
            {
              field: patch.device_type ? 'device_type' : 'branch_id',
              devices: this.repo.childrenOf(before.device_id, BLOCKERS_SHOWN),
            },
          );
        }
        const parent =
          patch.parent_device_id === undefined
            ? branchId !== before.branch_id
              ? null
              : before.parent_device_id
            : patch.parent_device_id;
        if (parent !== null) this.checkParent(parent, branchId, before.device_id);
        const set: Record<string, unknown> = { ...patch, parent_device_id: parent };
        if (patch.status === undefined) delete set.status;
        this.repo.updateDevice(id, set);
        const moved = branchId !== before.branch_id;
        if (moved) this.repo.moveStreams(before.device_id, branchId);
        const removed = moved ? this.alertSettings.removeOverridesOnMove(c, before.device_id, branchId) : [];
        const after = this.getDevice(c.user, id);
        this.audit.record(
          c.actor,
          moved ? 'move' : 'update',
          'device',
          id,
          before,
          removed.length > 0 ? { ...after, alert_overrides_removed: removed.map((r) => r.id) } : after,
        );
        this.events.emit('device.changed', {
          device_id: after.device_id,
          branch_id: after.branch_id,
          action: 'updated',
          ...(moved ? { previous_branch_id: before.branch_id } : {}),
        });
        return after;
      },
      { field: 'device_id', what: 'device' },
    );
  }

  /** Delete a device and its streams. @throws PantauError NOT_FOUND, CONFLICT (an NVR with cameras: `details.devices`) */
  deleteDevice(c: Caller, id: number): void {
    this.write(
      () => {
        const before = this.getDevice(c.user, id);
        const children = this.repo.childrenOf(before.device_id, BLOCKERS_SHOWN);
        if (children.length > 0)
          throw new PantauError(
            'CONFLICT',
            `${before.device_name} has ${before.child_count} camera(s) under it: move or delete them first`,
            { field: 'id', devices: children },
          );
        this.repo.deleteDevice(id);
        this.audit.record(c.actor, 'delete', 'device', id, before, null);
        this.events.emit('device.changed', {
          device_id: before.device_id,
          branch_id: before.branch_id,
          action: 'deleted',
        });
      },
      { field: 'id', what: 'device' },
    );
  }

  // ---- streams ------------------------------------------------------------

  pageStreams(
    user: AuthUser,
    f: {
      page: number;
      per_page: number;
      q?: string | undefined;
      status?: string | undefined;
      branch_id?: number | undefined;
      device_id?: string | undefined;
    },
  ): { items: Stream[]; meta: PageMeta } {
    const r = this.repo.pageStreams(scopeOf(user), f);
    return { items: r.items.map(toStream), meta: r.meta };
  }

  /** @throws PantauError NOT_FOUND */
  getStream(user: AuthUser, id: number): Stream {
    return toStream(this.streamRow(user, id));
  }

  private streamRow(user: AuthUser, id: number): StreamRow {
    const s = this.repo.getStream(id, scopeOf(user));
    if (!s) throw new PantauError('NOT_FOUND', `stream ${id} not found`, { field: 'id' });
    return s;
  }

  /**
   * Create a stream. Credentials inside a URL (`rtsp://user:pw@host/…`) move to
   * username/password; the password is stored only encrypted (AES-256-GCM).
   * @throws PantauError NOT_FOUND (branch_id, device_id), DEVICE_BRANCH_MISMATCH
   */
  createStream(c: Caller, input: StreamCreate): Stream {
    const main = splitCredentials(input.main_url);
    const sub = input.sub_url ? splitCredentials(input.sub_url) : null;
    const username = input.username ?? main.username ?? sub?.username ?? null;
    const password = input.password ?? main.password ?? sub?.password ?? null;
    return this.write(
      () => {
        this.requireBranchInScope(c.user, input.branch_id, 'branch_id');
        const device = this.repo.findDevice(input.device_id);
        if (!device)
          throw new PantauError('NOT_FOUND', `device ${input.device_id} does not exist`, { field: 'device_id' });
        if (device.branch_id !== input.branch_id) {
          throw new PantauError(
            'DEVICE_BRANCH_MISMATCH',
            `device ${input.device_id} belongs to branch ${device.branch_id}`,
            { field: 'device_id' },
          );
        }
        const id = this.repo.insertStream({
          branch_id: input.branch_id,
          device_id: input.device_id,
          stream_name: input.stream_name,
          protocol: input.protocol ?? 'rtsp',
          main_url: main.url,
          sub_url: sub?.url ?? null,
          username,
          password_enc: password === null ? null : encryptSecret(this.streamKey, password),
          resolution: input.resolution ?? null,
          fps: input.fps ?? null,
          transport: input.transport ?? 'tcp',
        });
        const row = this.streamRow(c.user, id);
        this.audit.record(c.actor, 'create', 'stream', id, null, row);
        this.events.emit('device.changed', {
          device_id: row.device_id,
          branch_id: row.branch_id,
          action: 'updated',
          stream_id: id,
        });
        return toStream(row);
      },
      { field: 'stream_name', what: 'stream' },
    );
  }

  /** Change a stream; `password: null` clears it. @throws PantauError NOT_FOUND */
  updateStream(c: Caller, id: number, patch: StreamUpdate): Stream {
    return this.write(
      () => {
        const before = this.streamRow(c.user, id);
        const set: Record<string, unknown> = {};
        for (const k of ['stream_name', 'protocol', 'resolution', 'fps', 'username', 'transport'] as const)
          if (patch[k] !== undefined) set[k] = patch[k];
        if (patch.main_url !== undefined) {
          const m = splitCredentials(patch.main_url);
          set.main_url = m.url;
          if (m.username && patch.username === undefined) set.username = m.username;
          if (m.password && patch.password === undefined) set.password_enc = encryptSecret(this.streamKey, m.password);
        }
        if (patch.sub_url !== undefined)
          set.sub_url = patch.sub_url === null ? null : splitCredentials(patch.sub_url).url;
        if (patch.password !== undefined)
          set.password_enc = patch.password === null ? null : encryptSecret(this.streamKey, patch.password);
        this.repo.updateStream(id, set);
        const after = this.streamRow(c.user, id);
        this.audit.record(c.actor, 'update', 'stream', id, before, after);
        this.events.emit('device.changed', {
          device_id: after.device_id,
          branch_id: after.branch_id,
          action: 'updated',
          stream_id: id,
        });
        return toStream(after);
      },
      { field: 'stream_name', what: 'stream' },
    );
  }

  /** Delete a stream (and the wall positions showing it). @throws PantauError NOT_FOUND */
  deleteStream(c: Caller, id: number): void {
    this.write(
      () => {
        const before = this.streamRow(c.user, id);
        this.repo.deleteStream(id);
        this.audit.record(c.actor, 'delete', 'stream', id, before, null);
        this.events.emit('device.changed', {
          device_id: before.device_id,
          branch_id: before.branch_id,
          action: 'updated',
          stream_id: id,
        });
      },
      { field: 'id', what: 'stream' },
    );
  }

  /**
   * The URL to pull a stream from, WITH its credentials: only for the gateway's ffmpeg.
   * @returns null when the stream does not exist or the scope does not hold its branch
   */
  sourceUrl(
    streamId: number,
    quality: StreamQuality,
    scope: readonly number[] | null,
  ): { url: string; protocol: string; transport: 'tcp' | 'udp'; row: StreamRow } | null {
    const row = this.repo.getStream(streamId, { branches: scope, groups: null });
    if (!row) return null;
    const base = quality === 'sub' && row.sub_url ? row.sub_url : row.main_url;
    const u = new URL(base);
    if (row.username) u.username = encodeURIComponent(row.username);
    if (row.password_enc) u.password = encodeURIComponent(decryptSecret(this.streamKey, row.password_enc));
    return { url: u.toString(), protocol: row.protocol, transport: row.transport, row };
  }

  /** The branch of a device (by its own id), or undefined. */
  branchOfDevice(deviceId: string): number | undefined {
    return this.repo.findDevice(deviceId)?.branch_id;
  }

  // ---- camera tree ---------------------------------------------------------

  /** Group › branch › NVR › camera, with statuses and streams, in the user's scope. */
  cameraTree(user: AuthUser): CameraTreeGroup[] {
    return buildCameraTree(this.repo.treeRows(scopeOf(user)));
  }

  // ---- helpers ------------------------------------------------------------

  private requireFullScope(user: AuthUser, what: string): void {
    if (!user.scopeAll) throw new PantauError('FORBIDDEN', `only an admin whose scope is every branch may ${what}`);
  }

  private requireBranchInScope(user: AuthUser, branchId: number, field: string): void {
    if (!this.repo.findBranch(branchId) || (user.branchScope !== null && !user.branchScope.includes(branchId))) {
      throw new PantauError('NOT_FOUND', `branch ${branchId} does not exist`, { field });
    }
  }

  private checkParent(parentId: string | undefined | null, branchId: number, selfId: string): void {
    if (parentId === undefined || parentId === null) return;
    if (parentId === selfId)
      throw new PantauError('VALIDATION_ERROR', 'a device cannot be its own parent', { field: 'parent_device_id' });
    const parent = this.repo.findDevice(parentId);
    if (!parent)
      throw new PantauError('NOT_FOUND', `parent device ${parentId} does not exist`, { field: 'parent_device_id' });
    if (parent.device_type !== 'nvr' || parent.branch_id !== branchId) {
      throw new PantauError('VALIDATION_ERROR', 'parent_device_id must be an NVR of the same branch', {
        field: 'parent_device_id',
      });
    }
  }

  /** Run a write in a transaction, turning UNIQUE violations into 409. */
  private write<T>(fn: () => T, conflict: { field: string; what: string }): T {
    try {
      return this.exec.tx(fn);
    } catch (err) {
      if (isUniqueViolation(err))
        throw new PantauError('CONFLICT', `${conflict.what} already exists`, { field: conflict.field });
      throw err;
    }
  }
}

function splitCredentials(url: string): { url: string; username: string | null; password: string | null } {
  const u = new URL(url);
  return {
    url: stripCredentials(url),
    username: u.username ? decodeURIComponent(u.username) : null,
    password: u.password ? decodeURIComponent(u.password) : null,
  };
}
