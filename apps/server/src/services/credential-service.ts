/**
 * API credentials for devices and integrators (S7): create, list, edit, suspend and resume
 * (`inactive` ⇄ `active`), revoke (final), rotate with a grace period, delete; and the check of
 * `X-API-Key` + `X-API-Secret` on every device request.
 *
 * Keys look like `pantau_live_<24 hex>` (public, unique); secrets are 32 CSPRNG bytes,
 * shown once and stored only as SHA-256. SHA-256 rather than argon2 is deliberate: the
 * secret is 256 random bits (nothing to brute-force), and ingestion must check ≥ 5 000
 * requests/s (DESIGN §7). Comparison is constant-time. Rows are cached for
 * {@link CREDENTIAL_CACHE_MS}; a change made through this process drops the cached row at
 * once, so a revoked, suspended or expired key is refused at once here and within that time
 * anywhere (scale mode), and a resumed one accepted likewise. `last_used_at` is written in
 * batches off the request path.
 */
import crypto from 'node:crypto';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import {
  DEFAULT_CREDENTIAL_PERMISSIONS,
  PantauError,
  type Credential,
  type CredentialCreated,
  type CredentialPermission,
  type CredentialSettableStatus,
  type CredentialStatus,
  type CredentialUpdate,
  type PageMeta,
} from '@pantau/shared';
import type { SyncExecutor } from '../db/sync-executor.js';
import type { CredentialChanges, CredentialRepository, CredentialRow } from '../repositories/credential-repository.js';
import type { AuditRepository } from '../repositories/audit-repository.js';
import type { Actor } from '../domain/caller.js';
import { nowIso } from '../db/database.js';
import { digestsEqual, sha256Hex } from '../security/keys.js';
import { HourlyRateLimiter, type RateState } from '../security/hourly-rate-limiter.js';

/** How long a credential row is trusted from memory, ms. */
export const CREDENTIAL_CACHE_MS = 5_000;

/** How often each process adds its request counts to the shared hourly windows (scale mode), ms. */
export const SHARE_COUNTS_MS = 1_000;
/** Failed key checks allowed per address within {@link FAILED_AUTH_WINDOW_S}. */
export const FAILED_AUTH_PER_ADDRESS = 30;
export const FAILED_AUTH_WINDOW_S = 300;

/** Create, manage and verify API credentials. */
export class CredentialService {
  private readonly cache = new Map<string, { row: CredentialRow | null; at: number }>();
  private readonly used = new Set<number>();
  private readonly flushTimer: NodeJS.Timeout;
  private readonly dummyHash = sha256Hex(crypto.randomBytes(32).toString('hex'));
  private readonly failures = new RateLimiterMemory({
    points: FAILED_AUTH_PER_ADDRESS,
    duration: FAILED_AUTH_WINDOW_S,
  });
  /** Per-credential hourly request limits. */
  readonly limiter: HourlyRateLimiter;

  constructor(
    private readonly repo: CredentialRepository,
    private readonly exec: SyncExecutor,
    private readonly audit: AuditRepository,
    private readonly now: () => number = Date.now,
  ) {
    // scale mode: a credential's first request of the hour here starts from what the others counted
    this.limiter = new HourlyRateLimiter(
      now,
      exec.conn.engine === 'postgres' ? (key, window) => this.sharedCount(key, window) : null,
    );
    this.flushTimer = setInterval(() => this.flushLastUsed(), 5_000);
    this.flushTimer.unref();
    // scale mode: the hourly limits are shared by the processes, summed every second
    if (exec.conn.engine === 'postgres') {
      this.shareTimer = setInterval(() => this.shareRequestCounts(), SHARE_COUNTS_MS);
      this.shareTimer.unref();
    }
  }

  private shareTimer: NodeJS.Timeout | null = null;
  /** the window whose predecessors were last pruned from the shared counts */
  private prunedWindow = -1;

  /** The shared count of a credential's window (0 when the database cannot say now). */
  private sharedCount(key: number, window: number): number {
    try {
      return this.repo.requestCount(key, window);
    } catch {
      return 0;
    }
  }

  /**
   * Add this process's request counts to the shared hourly windows and take the totals back
   * (PostgreSQL: every {@link SHARE_COUNTS_MS}); windows of past hours are forgotten.
   */
  shareRequestCounts(): void {
    try {
      this.exec.tx(() => {
        this.limiter.sync((deltas) => this.repo.addRequestCounts(deltas));
        // once an hour per process, when the window turns: the past windows' rows go
        const window = Math.floor(this.now() / 3_600_000);
        if (window !== this.prunedWindow) {
          this.repo.pruneRequestCounts(window - 1);
          this.prunedWindow = window;
        }
      });
    } catch {
      // the database is away: the counts stay here and are added at the next sync
    }
  }

  /**
   * Create a credential; the secret is in the answer and nowhere else. `status` (default
   * `active`) may be `inactive` to create it suspended. Audited as `create`.
   * @throws PantauError VALIDATION_ERROR (expiry in the past), NOT_FOUND (branch_id, device_id), DEVICE_BRANCH_MISMATCH
   */
  create(
    input: {
      credential_name: string;
      expires_at?: string | undefined;
      branch_id?: number | undefined;
      device_id?: string | undefined;
      permissions?: CredentialPermission[] | undefined;
      rate_limit_per_hour?: number | undefined;
      status?: CredentialSettableStatus | undefined;
    },
    actor: Actor,
    createdBy: number | null = null,
  ): CredentialCreated {
    const expires = this.checkExpiry(input.expires_at);
    const apiKey = `pantau_live_${crypto.randomBytes(12).toString('hex')}`;
    const secret = crypto.randomBytes(32).toString('base64url');
    const ts = nowIso(this.now());
    return this.exec.tx(() => {
      this.checkScope(input.branch_id ?? null, input.device_id ?? null);
      const id = this.repo.insert({
        credential_name: input.credential_name,
        api_key: apiKey,
        secret_hash: sha256Hex(secret),
        branch_id: input.branch_id ?? null,
        device_id: input.device_id ?? null,
        permissions: JSON.stringify(input.permissions ?? DEFAULT_CREDENTIAL_PERMISSIONS),
        rate_limit_per_hour: input.rate_limit_per_hour ?? 10_000,
        expires_at: expires,
        status: input.status ?? 'active',
        created_by: createdBy,
        created_at: ts,
        updated_at: ts,
      });
      this.audit.record(actor, 'create', 'credential', id, null, this.get(id));
      return { id, credential_name: input.credential_name, api_key: apiKey, api_secret: secret, expires_at: expires };
    });
  }

  /** One page of credentials, newest first, by name/key text, status and branch. */
  page(q: {
    page: number;
    per_page: number;
    q?: string | undefined;
    status?: CredentialStatus | undefined;
    branch_id?: number | undefined;
  }): { items: Credential[]; meta: PageMeta } {
    const { rows, total } = this.repo.page(q);
    return { items: rows.map((r) => this.toCredential(r)), meta: { page: q.page, per_page: q.per_page, total } };
  }

  /** @throws PantauError NOT_FOUND */
  get(id: number): Credential {
    return this.toCredential(this.row(id));
  }

  /**
   * Edit any subset of a credential. `status` suspends (`inactive`) or resumes (`active`) it:
   * audited as `disable` / `enable` (the words of a user account's status change), anything
   * else as `update`. The cached row is dropped, so the change holds at once in this process.
   * @throws PantauError NOT_FOUND, VALIDATION_ERROR (expiry in the past), NOT_FOUND / DEVICE_BRANCH_MISMATCH (scope),
   *   CONFLICT (`status` given for a revoked credential: revocation is final; nothing is changed)
   */
  update(id: number, patch: CredentialUpdate, actor: Actor): Credential {
    const expires =
      patch.expires_at === undefined
        ? undefined
        : patch.expires_at === null
          ? null
          : this.checkExpiry(patch.expires_at);
    const action = (before: CredentialRow) =>
      patch.status === undefined || patch.status === before.status
        ? 'update'
        : patch.status === 'inactive'
          ? 'disable'
          : 'enable';
    return this.change(id, actor, action, (before) => {
      if (patch.status !== undefined && before.status === 'revoked') {
        throw new PantauError(
          'CONFLICT',
          `credential ${id} is revoked, which is final: it cannot be made ${patch.status}; create a new credential instead`,
          { field: 'status' },
        );
      }
      const set: CredentialChanges = {};
      if (patch.status !== undefined) set.status = patch.status;
      if (patch.credential_name !== undefined) set.credential_name = patch.credential_name;
      if (expires !== undefined) set.expires_at = expires;
      if (patch.branch_id !== undefined) set.branch_id = patch.branch_id;
      if (patch.device_id !== undefined) set.device_id = patch.device_id;
      if (patch.permissions !== undefined) set.permissions = JSON.stringify(patch.permissions);
      if (patch.rate_limit_per_hour !== undefined) set.rate_limit_per_hour = patch.rate_limit_per_hour;
      this.checkScope(set.branch_id ?? before.branch_id, set.device_id ?? before.device_id);
      return set;
    });
  }

  /** Refuse the key from now on, for good (active or inactive alike). @throws PantauError NOT_FOUND */
  revoke(id: number, actor: Actor): Credential {
    return this.change(id, actor, 'revoke', () => ({
      status: 'revoked',
      previous_secret_hash: null,
      previous_secret_expires_at: null,
    }));
  }

  /**
   * Issue a new secret; the old one keeps working for `graceSeconds`.
   * @throws PantauError NOT_FOUND, CONFLICT (revoked)
   */
  rotate(id: number, graceSeconds: number, actor: Actor): CredentialCreated {
    const secret = crypto.randomBytes(32).toString('base64url');
    const c = this.change(id, actor, 'rotate', (before) => {
      if (before.status === 'revoked')
        throw new PantauError('CONFLICT', 'a revoked credential cannot be rotated', { field: 'id' });
      return graceSeconds > 0
        ? {
            secret_hash: sha256Hex(secret),
            previous_secret_hash: before.secret_hash,
            previous_secret_expires_at: nowIso(this.now() + graceSeconds * 1000),
          }
        : { secret_hash: sha256Hex(secret), previous_secret_hash: null, previous_secret_expires_at: null };
    });
    return { id, credential_name: c.credential_name, api_key: c.api_key, api_secret: secret, expires_at: c.expires_at };
  }

  /** @throws PantauError NOT_FOUND */
  delete(id: number, actor: Actor): void {
    this.exec.tx(() => {
      const before = this.get(id);
      this.repo.delete(id);
      this.audit.record(actor, 'delete', 'credential', id, before, null);
      this.cache.delete(before.api_key);
    });
  }

  /**
   * Check a key and secret (constant time), and the address's failed attempts.
   * @param ip caller's address, for the failed-attempt limit
   * @returns the credential row
   * @throws PantauError UNAUTHENTICATED (missing), INVALID_CREDENTIALS (unknown key, wrong secret, revoked; or
   *   suspended: `details.reason: 'inactive'`, told only to a caller holding the right secret), CREDENTIAL_EXPIRED,
   *   RATE_LIMITED (too many failures from this address: `details.retry_after_s`)
   */
  async verify(apiKey: string | undefined, secret: string | undefined, ip: string): Promise<CredentialRow> {
    const blocked = await this.failures.get(ip);
    if (blocked && blocked.consumedPoints >= FAILED_AUTH_PER_ADDRESS) {
      const retry = Math.max(1, Math.ceil(blocked.msBeforeNext / 1000));
      throw new PantauError('RATE_LIMITED', `too many failed authentications from this address; retry in ${retry} s`, {
        retry_after_s: retry,
      });
    }
    try {
      return this.check(apiKey, secret);
    } catch (err) {
      await this.failures.penalty(ip, 1);
      throw err;
    }
  }

  private check(apiKey: string | undefined, secret: string | undefined): CredentialRow {
    if (!apiKey || !secret)
      throw new PantauError('UNAUTHENTICATED', 'X-API-Key and X-API-Secret headers are required', {
        field: !apiKey ? 'X-API-Key' : 'X-API-Secret',
      });
    const row = this.lookup(apiKey);
    const given = sha256Hex(secret);
    const now = this.now();
    let ok = digestsEqual(given, row?.secret_hash ?? this.dummyHash);
    if (
      !ok &&
      row?.previous_secret_hash &&
      row.previous_secret_expires_at &&
      Date.parse(row.previous_secret_expires_at) > now
    ) {
      ok = digestsEqual(given, row.previous_secret_hash);
    }
    const refused = 'unknown API key, wrong secret or revoked credential';
    if (!row || !ok) throw new PantauError('INVALID_CREDENTIALS', refused);
    // the secret is right, so saying why is safe: a suspended device's operator learns what to ask for
    if (row.status === 'inactive')
      throw new PantauError(
        'INVALID_CREDENTIALS',
        'API credential is inactive (suspended); an administrator can make it active again',
        { reason: 'inactive' },
      );
    if (row.status !== 'active') throw new PantauError('INVALID_CREDENTIALS', refused);
    if (row.expires_at !== null && Date.parse(row.expires_at) <= now)
      throw new PantauError('CREDENTIAL_EXPIRED', 'API credential expired');
    this.used.add(row.id);
    return row;
  }

  /** @throws PantauError FORBIDDEN when the credential lacks the permission */
  requirePermission(row: CredentialRow, permission: CredentialPermission): void {
    if (!(JSON.parse(row.permissions) as string[]).includes(permission)) {
      throw new PantauError('FORBIDDEN', `this API credential lacks the ${permission} permission`);
    }
  }

  /** Count a request against the credential's hourly limit. @returns the state for the X-RateLimit-* headers */
  consume(row: CredentialRow): RateState {
    return this.limiter.consume(row.id, row.rate_limit_per_hour);
  }

  private lookup(apiKey: string): CredentialRow | null {
    const now = this.now();
    const hit = this.cache.get(apiKey);
    if (hit && now - hit.at < CREDENTIAL_CACHE_MS) return hit.row;
    if (apiKey.length > 128) return null;
    const row = this.repo.byApiKey(apiKey) ?? null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(apiKey, { row, at: now });
    return row;
  }

  private row(id: number): CredentialRow {
    const r = this.repo.byId(id);
    if (!r) throw new PantauError('NOT_FOUND', `credential ${id} not found`, { field: 'id' });
    return r;
  }

  /** Apply `patch` to one row in a transaction, audit it as `action` (or what it names for the row before) and drop the cached row. */
  private change(
    id: number,
    actor: Actor,
    action: string | ((before: CredentialRow) => string),
    patch: (before: CredentialRow) => CredentialChanges,
  ): Credential {
    return this.exec.tx(() => {
      const before = this.row(id);
      this.repo.update(id, { ...patch(before), updated_at: nowIso(this.now()) });
      const after = this.get(id);
      this.audit.record(
        actor,
        typeof action === 'string' ? action : action(before),
        'credential',
        id,
        this.toCredential(before),
        after,
      );
      this.cache.delete(before.api_key);
      return after;
    });
  }

  private checkExpiry(iso: string | undefined): string | null {
    if (iso === undefined) return null;
    const t = Date.parse(iso);
    if (t <= this.now())
      throw new PantauError('VALIDATION_ERROR', 'expires_at is in the past', { field: 'expires_at' });
    return new Date(t).toISOString();
  }

  private checkScope(branchId: number | null, deviceId: string | null): void {
    if (branchId !== null && !this.repo.branchExists(branchId)) {
      throw new PantauError('NOT_FOUND', `branch ${branchId} does not exist`, { field: 'branch_id' });
    }
    if (deviceId !== null) {
      const deviceBranch = this.repo.deviceBranchId(deviceId);
      if (deviceBranch === undefined)
        throw new PantauError('NOT_FOUND', `device ${deviceId} does not exist`, { field: 'device_id' });
      if (branchId !== null && deviceBranch !== branchId)
        throw new PantauError('DEVICE_BRANCH_MISMATCH', `device ${deviceId} is not in branch ${branchId}`, {
          field: 'device_id',
        });
    }
  }

  private toCredential(r: CredentialRow): Credential {
    return {
      id: r.id,
      credential_name: r.credential_name,
      api_key: r.api_key,
      branch_id: r.branch_id,
      device_id: r.device_id,
      permissions: JSON.parse(r.permissions) as CredentialPermission[],
      rate_limit_per_hour: r.rate_limit_per_hour,
      expires_at: r.expires_at,
      last_used_at: r.last_used_at,
      status: r.status,
      previous_secret_expires_at: r.previous_secret_expires_at,
      requests_this_hour: this.limiter.peek(r.id),
      created_by: r.created_by,
      created_at: r.created_at,
      updated_at: r.updated_at,
    };
  }

  /** Write `last_used_at` for the credentials used since the last flush. */
  flushLastUsed(): void {
    if (this.used.size === 0) return;
    const ids = [...this.used];
    this.used.clear();
    this.repo.touchLastUsed(ids, nowIso(this.now()));
  }

  /** Stop the flush timer (after a final flush). */
  close(): void {
    clearInterval(this.flushTimer);
    if (this.shareTimer) {
      clearInterval(this.shareTimer);
      this.shareRequestCounts();
    }
    try {
      this.flushLastUsed();
    } catch {
      /* database already closed */
    }
  }
}
