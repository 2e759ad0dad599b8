/**
 * The gateway's transcode settings (issue 15): the most transcodes at once and the H.264 encoder.
 * Read by the gateway at each new transcode (so a change applies to the next one; running ones
 * keep theirs until they restart); changed by an admin whose scope is every branch (they are the
 * server's, not a branch's), audited as entity `gateway_settings`.
 */
import type { GatewaySettingsUpdate } from '@pantau/shared';
import type { Caller } from '../domain/caller.js';
import type { SyncExecutor } from '../db/sync-executor.js';
import type { AuditRepository } from '../repositories/audit-repository.js';
import type { GatewaySettingsRepository, GatewaySettingsRow } from '../repositories/gateway-settings-repository.js';

/** Reads and changes the settings. */
export class GatewaySettingsService {
  private cached: GatewaySettingsRow | null = null;

  constructor(
    private readonly repo: GatewaySettingsRepository,
    private readonly exec: SyncExecutor,
    private readonly audit: AuditRepository,
  ) {}

  /** The settings now (cached in this process; every change goes through {@link update}). */
  get(): GatewaySettingsRow {
    this.cached ??= this.exec.tx(() => this.repo.get());
    return this.cached;
  }

  /** Change some settings. @returns the settings after */
  update(c: Caller, patch: GatewaySettingsUpdate): GatewaySettingsRow {
    const after = this.exec.tx(() => {
      const before = this.repo.get();
      this.repo.update(patch, c.actor.id);
      const row = this.repo.get();
      this.audit.record(c.actor, 'update', 'gateway_settings', 1, before, row);
      return row;
    });
    this.cached = after;
    return after;
  }
}
