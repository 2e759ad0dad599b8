/**
 * Device status (S11): heartbeats keep devices online; a device silent for longer than the
 * timeout (default 60 s) goes offline, and an offline NVR takes its cameras offline with it.
 * Every change is recorded in device_status_history and said in the same transaction
 * (`device.status_changed`, then the branch's `branch.stats_changed`; the real-time publisher
 * sends them as `nvr_online`, `nvr_offline`, `camera_status_update` and `stats_updated`).
 * The clock is injected so tests control time; `sweep()` runs on a timer in the server.
 */
import { PantauError, type HeartbeatBody, type HeartbeatResult, type RealtimeEventMap } from '@pantau/shared';
import type { SyncExecutor } from '../db/sync-executor.js';
import type { CredentialRow } from '../repositories/credential-repository.js';
import type { DeviceStatusChanges, DeviceStatusRepository } from '../repositories/device-status-repository.js';
import type { DeviceRow } from '../repositories/organisation-repository.js';
import type { DomainEvents } from '../domain/domain-events.js';

type Status = DeviceRow['status'];

/** Heartbeats, timeouts and the NVR cascade. */
export class DeviceStatusService {
  constructor(
    private readonly repo: DeviceStatusRepository,
    private readonly exec: SyncExecutor,
    private readonly events: DomainEvents,
    /** Silence after which a device is offline, ms. */
    readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Record a heartbeat (and an NVR's report on its cameras).
   * @throws PantauError UNKNOWN_DEVICE (device or camera), OUT_OF_SCOPE (credential), VALIDATION_ERROR (a reported camera is not in the device's branch)
   */
  heartbeat(body: HeartbeatBody, credential: Pick<CredentialRow, 'branch_id' | 'device_id'>): HeartbeatResult {
    let changed = false;
    const result = this.exec.tx(() => {
      const device = this.device(body.device_id, 'device_id');
      if (
        (credential.branch_id !== null && credential.branch_id !== device.branch_id) ||
        (credential.device_id !== null && credential.device_id !== device.device_id)
      ) {
        throw new PantauError('OUT_OF_SCOPE', 'this API credential may not report for that device', {
          field: 'device_id',
        });
      }
      const nowIso = new Date(this.now()).toISOString();
      const status: Status = body.status ?? 'online';
      changed = this.setStatus(device, status, 'heartbeat', nowIso, true);
      const cameras: HeartbeatResult['cameras'] = [];
      (body.cameras ?? []).forEach((c, i) => {
        const cam = this.device(c.device_id, `cameras.${i}.device_id`);
        if (cam.branch_id !== device.branch_id)
          throw new PantauError(
            'VALIDATION_ERROR',
            `camera ${c.device_id} is not in the branch of ${device.device_id}`,
            { field: `cameras.${i}.device_id` },
          );
        changed =
          this.setStatus(cam, c.status, `reported by ${device.device_id}`, nowIso, c.status === 'online') || changed;
        cameras.push({ device_id: cam.device_id, status: c.status });
      });
      // the branch's counts only move when a status did
      if (changed) this.stats(device.branch_id);
      return { device_id: device.device_id, status, timeout_s: Math.round(this.timeoutMs / 1000), cameras };
    });
    return result;
  }

  /**
   * Take offline every online device silent for longer than the timeout, and the cameras of
   * NVRs that went offline. @returns the device ids that went offline
   */
  sweep(): string[] {
    const now = this.now();
    const cutoff = new Date(now - this.timeoutMs).toISOString();
    const nowIso = new Date(now).toISOString();
    const gone = this.exec.tx(() => {
      const stale = this.repo.onlineSilentSince(cutoff);
      const off: string[] = [];
      const branches = new Set<number>();
      // NVRs first, so their cameras go offline with the NVR as the reason
      stale.sort((a, b) => Number(b.device_type === 'nvr') - Number(a.device_type === 'nvr'));
      for (const d of stale) {
        if (off.includes(d.device_id)) continue;
        this.setStatus(d, 'offline', 'heartbeat timeout', nowIso, false);
        off.push(d.device_id);
        branches.add(d.branch_id);
        if (d.device_type === 'nvr') {
          const cams = this.repo.onlineChildrenOf(d.device_id);
          for (const c of cams) {
            this.setStatus(c, 'offline', `NVR ${d.device_id} offline`, nowIso, false);
            off.push(c.device_id);
          }
        }
      }
      for (const b of branches) this.stats(b);
      return off;
    });
    return gone;
  }

  private device(deviceId: string, field: string): DeviceRow {
    const d = this.repo.byDeviceId(deviceId);
    if (!d) throw new PantauError('UNKNOWN_DEVICE', `device ${deviceId} does not exist`, { field });
    return d;
  }

  /**
   * Set a status (recording and broadcasting a change); `seen` also updates last_seen_at.
   * @returns whether the status changed
   */
  private setStatus(d: DeviceRow, to: Status, reason: string, nowIso: string, seen: boolean): boolean {
    const set: DeviceStatusChanges = { status: to };
    if (seen) set.last_seen_at = nowIso;
    if (d.status !== to) set.updated_at = nowIso;
    this.repo.update(d.id, set);
    if (d.status === to) return false;
    this.repo.recordChange({
      device_id: d.device_id,
      branch_id: d.branch_id,
      from_status: d.status,
      to_status: to,
      reason,
      changed_at: nowIso,
    });
    this.events.emit('device.status_changed', {
      device_id: d.device_id,
      branch_id: d.branch_id,
      device_type: d.device_type,
      from: d.status,
      to,
      at: this.now(),
    });
    return true;
  }

  /** Say a branch's device counts. */
  private stats(branchId: number): void {
    const rows = this.repo.countsByTypeAndStatus(branchId);
    const data: RealtimeEventMap['stats_updated'] = { branch_id: branchId };
    // keys as the event declares them (`cameras_online`, `nvrs_offline`, …; packages/shared/src/realtime.ts)
    for (const r of rows) (data as Record<string, number>)[`${r.device_type}s_${r.status}`] = Number(r.n);
    this.events.emit('branch.stats_changed', { branch_id: branchId, counters: data, at: this.now() });
  }
}
