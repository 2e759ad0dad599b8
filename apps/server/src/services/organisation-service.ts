/**
 * Organisation rules (S1, first version): unique codes, references that must exist,
 * stream passwords encrypted at rest, and every change broadcast through the outbox in the
 * same transaction as the change.
 */
import {
  PantauError,
  type Branch,
  type BranchCreate,
  type Device,
  type DeviceCreate,
  type Group,
  type GroupCreate,
  type Stream,
  type StreamCreate,
} from '@pantau/shared';
import { isUniqueViolation, type SyncExecutor } from '../db/sync-executor.js';
import { stripCredentials, toStream, type OrganisationRepository, type StreamRow } from '../repositories/organisation-repository.js';
import type { Outbox } from '../realtime/outbox.js';
import { decryptSecret, encryptSecret } from '../security/keys.js';
import type { AuthUser } from './auth-service.js';

/** Creates and lists groups, branches, devices and streams. */
export class OrganisationService {
  constructor(
    private readonly repo: OrganisationRepository,
    private readonly exec: SyncExecutor,
    private readonly outbox: Outbox,
    private readonly streamKey: Buffer,
    /** Called after a commit that appended events. */
    private readonly onEvents: () => void,
  ) {}

  listGroups(): Group[] {
    return this.repo.listGroups();
  }

  /** @throws PantauError CONFLICT (province_code taken) */
  createGroup(input: GroupCreate): Group {
    const g = this.write(() => {
      const row = this.repo.insertGroup(input);
      this.outbox.append('group_updated', null, { group_id: row.id, action: 'created' });
      return row;
    }, { field: 'province_code', what: `province_code ${input.province_code}` });
    return g;
  }

  listBranches(user: AuthUser, groupId?: number): Branch[] {
    return this.repo.listBranches({ group_id: groupId, scope: user.branchScope });
  }

  /** @throws PantauError NOT_FOUND (group_id), CONFLICT (branch_code taken) */
  createBranch(input: BranchCreate & { timezone: string }): Branch {
    return this.write(() => {
      if (!this.repo.groupExists(input.group_id)) throw new PantauError('NOT_FOUND', `group ${input.group_id} does not exist`, { field: 'group_id' });
      const row = this.repo.insertBranch(input);
      this.outbox.append('branch_updated', row.id, { branch_id: row.id, action: 'created' });
      return row;
    }, { field: 'branch_code', what: `branch_code ${input.branch_code}` });
  }

  listDevices(user: AuthUser, branchId?: number): Device[] {
    return this.repo.listDevices({ branch_id: branchId, scope: user.branchScope });
  }

  /** @throws PantauError NOT_FOUND (branch_id, parent_device_id), VALIDATION_ERROR (parent not an NVR of the branch), CONFLICT (device_id taken) */
  createDevice(input: DeviceCreate): Device {
    return this.write(() => {
      if (!this.repo.findBranch(input.branch_id)) throw new PantauError('NOT_FOUND', `branch ${input.branch_id} does not exist`, { field: 'branch_id' });
      if (input.parent_device_id !== undefined) {
        const parent = this.repo.findDevice(input.parent_device_id);
        if (!parent) throw new PantauError('NOT_FOUND', `parent device ${input.parent_device_id} does not exist`, { field: 'parent_device_id' });
        if (parent.device_type !== 'nvr' || parent.branch_id !== input.branch_id) {
          throw new PantauError('VALIDATION_ERROR', 'parent_device_id must be an NVR of the same branch', { field: 'parent_device_id' });
        }
      }
      const row = this.repo.insertDevice(input);
      this.outbox.append('device_updated', row.branch_id, { device_id: row.device_id, branch_id: row.branch_id, action: 'created' });
      return row;
    }, { field: 'device_id', what: `device_id ${input.device_id}` });
  }

  listStreams(user: AuthUser, branchId?: number): Stream[] {
    return this.repo.listStreams({ branch_id: branchId, scope: user.branchScope }).map(toStream);
  }

  /**
   * Create a stream. Credentials given inside the URL (`rtsp://user:pw@host/…`) are moved to
   * username/password; the password is stored only encrypted (AES-256-GCM).
   * @throws PantauError NOT_FOUND (branch_id, device_id), DEVICE_BRANCH_MISMATCH
   */
  createStream(input: StreamCreate): Stream {
    const main = splitCredentials(input.main_url);
    const sub = input.sub_url ? splitCredentials(input.sub_url) : null;
    const username = input.username ?? main.username ?? sub?.username ?? null;
    const password = input.password ?? main.password ?? sub?.password ?? null;
    return this.write(() => {
      if (!this.repo.findBranch(input.branch_id)) throw new PantauError('NOT_FOUND', `branch ${input.branch_id} does not exist`, { field: 'branch_id' });
      const device = this.repo.findDevice(input.device_id);
      if (!device) throw new PantauError('NOT_FOUND', `device ${input.device_id} does not exist`, { field: 'device_id' });
      if (device.branch_id !== input.branch_id) {
        throw new PantauError('DEVICE_BRANCH_MISMATCH', `device ${input.device_id} belongs to branch ${device.branch_id}`, { field: 'device_id' });
      }
      const row = this.repo.insertStream({
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
      });
      this.outbox.append('device_updated', row.branch_id, { device_id: row.device_id, branch_id: row.branch_id, action: 'updated' });
      return toStream(row);
    }, { field: 'stream_name', what: 'stream' });
  }

  /**
   * The URL to pull a stream from, WITH its credentials: only for the gateway's ffmpeg.
   * @returns null when the stream does not exist or the user may not see its branch
   */
  sourceUrl(streamId: number, quality: 'main' | 'sub', scope: readonly number[] | null): { url: string; protocol: string; row: StreamRow } | null {
    const row = this.repo.findStream(streamId);
    if (!row || (scope !== null && !scope.includes(row.branch_id))) return null;
    const base = quality === 'sub' && row.sub_url ? row.sub_url : row.main_url;
    const u = new URL(base);
    if (row.username) u.username = encodeURIComponent(row.username);
    if (row.password_enc) u.password = encodeURIComponent(decryptSecret(this.streamKey, row.password_enc));
    return { url: u.toString(), protocol: row.protocol, row };
  }

  /** Run a write in a transaction, turning UNIQUE violations into 409, and pump events after commit. */
  private write<T>(fn: () => T, conflict: { field: string; what: string }): T {
    try {
      const r = this.exec.tx(fn);
      this.onEvents();
      return r;
    } catch (err) {
      if (isUniqueViolation(err)) throw new PantauError('CONFLICT', `${conflict.what} already exists`, { field: conflict.field });
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
