/**
 * Sign-in, sessions and scopes (S12): argon2id password hashes; random bearer tokens stored
 * only as SHA-256; sessions that expire, end on logout and can be revoked; failed sign-ins
 * limited per account and per address; the first admin from a setup that works only while
 * no user exists.
 */
import crypto from 'node:crypto';
import argon2 from 'argon2';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { PantauError, type LoginResult, type Role, type User } from '@pantau/shared';
import { toUser, type UserRepository } from '../repositories/user-repository.js';
import type { AuditRepository } from '../repositories/audit-repository.js';
import type { Actor, AuthUser } from '../domain/caller.js';
import type { SyncExecutor } from '../db/sync-executor.js';
import type { UserRow } from '../db/schema.js';
import { isUniqueViolation } from '../db/sync-executor.js';
import { sha256Hex } from '../security/keys.js';
import { nowIso } from '../db/database.js';

/** Failed sign-ins allowed per account, and per address, within {@link LOGIN_WINDOW_S}. */
export const LOGIN_FAILURES_PER_ACCOUNT = 5;
export const LOGIN_FAILURES_PER_ADDRESS = 20;
/** Window of the failed sign-in limits, seconds (15 min, OWASP's usual lockout period). */
export const LOGIN_WINDOW_S = 15 * 60;

/** Users, passwords, sessions and scopes. */
export class AuthService {
  // A real hash to verify against when the email is unknown, so both paths take as long.
  private readonly dummyHash = argon2.hash('pantau-timing-equaliser');
  private readonly perAccount = new RateLimiterMemory({ points: LOGIN_FAILURES_PER_ACCOUNT, duration: LOGIN_WINDOW_S });
  private readonly perAddress = new RateLimiterMemory({ points: LOGIN_FAILURES_PER_ADDRESS, duration: LOGIN_WINDOW_S });

  constructor(
    private readonly users: UserRepository,
    private readonly exec: SyncExecutor,
    private readonly audit: AuditRepository,
    private readonly sessionTtlMs: number,
  ) {}

  /** argon2id hash of a password. */
  hashPassword(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id });
  }

  /**
   * Create a user (CLI, setup, the users screen).
   * @throws PantauError VALIDATION_ERROR (weak password, unknown scope ids), CONFLICT (email exists)
   */
  async createUser(
    input: {
      email: string;
      password: string;
      role: Role;
      name?: string | undefined;
      scope_all?: boolean;
      scope_group_ids?: number[];
      scope_branch_ids?: number[];
    },
    actor: Actor | null = null,
    /** First-run setup: refuse if any user exists by the time of the insert (two setups racing). */
    requireNoUsers = false,
  ): Promise<User> {
    if (input.password.length < 8)
      throw new PantauError('VALIDATION_ERROR', 'password must have at least 8 characters', { field: 'password' });
    const scope = {
      scope_all: input.scope_all ?? (input.scope_group_ids === undefined && input.scope_branch_ids === undefined),
      scope_group_ids: input.scope_group_ids ?? [],
      scope_branch_ids: input.scope_branch_ids ?? [],
    };
    this.checkScopeIds(scope.scope_group_ids, scope.scope_branch_ids);
    const password_hash = await this.hashPassword(input.password);
    try {
      return this.exec.tx(() => {
        if (requireNoUsers && this.users.count() > 0)
          throw new PantauError('CONFLICT', 'setup is done: a user exists already');
        const row = this.users.insert({
          email: input.email,
          name: input.name ?? input.email.split('@')[0]!,
          password_hash,
          role: input.role,
          ...scope,
        });
        const user = toUser(row);
        this.audit.record(actor ?? SYSTEM, 'create', 'user', row.id, null, user);
        return user;
      });
    } catch (err) {
      if (isUniqueViolation(err))
        throw new PantauError('CONFLICT', `a user with email ${input.email.toLowerCase()} exists`, { field: 'email' });
      throw err;
    }
  }

  /** @throws PantauError VALIDATION_ERROR naming the first unknown group or branch id */
  checkScopeIds(groupIds: readonly number[], branchIds: readonly number[]): void {
    const g = this.users.missingIds('company_groups', groupIds);
    if (g.length) throw new PantauError('VALIDATION_ERROR', `unknown group ${g[0]}`, { field: 'scope_group_ids' });
    const b = this.users.missingIds('company_branches', branchIds);
    if (b.length) throw new PantauError('VALIDATION_ERROR', `unknown branch ${b[0]}`, { field: 'scope_branch_ids' });
  }

  /**
   * Check a password and open a session.
   * @throws PantauError RATE_LIMITED (too many failures for the account or the address; `details.retry_after_s`),
   *   INVALID_CREDENTIALS (unknown email, wrong password or disabled user: one answer for all)
   */
  async login(email: string, password: string, ip: string | null, userAgent: string | null): Promise<LoginResult> {
    const accountKey = email.toLowerCase();
    const addressKey = ip ?? 'unknown';
    for (const [limiter, key, points] of [
      [this.perAccount, accountKey, LOGIN_FAILURES_PER_ACCOUNT],
      [this.perAddress, addressKey, LOGIN_FAILURES_PER_ADDRESS],
    ] as const) {
      const r = await limiter.get(key);
      if (r && r.consumedPoints >= points) {
        const retry = Math.max(1, Math.ceil(r.msBeforeNext / 1000));
        throw new PantauError('RATE_LIMITED', `too many failed sign-ins; try again in ${retry} s`, {
          retry_after_s: retry,
        });
      }
    }
    const row = this.users.findByEmail(email);
    const ok = row
      ? await argon2.verify(row.password_hash, password)
      : (await argon2.verify(await this.dummyHash, password), false);
    if (!row || !ok || row.status !== 'active') {
      await Promise.all([this.perAccount.penalty(accountKey, 1), this.perAddress.penalty(addressKey, 1)]);
      throw new PantauError('INVALID_CREDENTIALS', 'wrong email or password');
    }
    await this.perAccount.delete(accountKey);
    const token = crypto.randomBytes(32).toString('base64url');
    const expires_at = nowIso(Date.now() + this.sessionTtlMs);
    this.exec.tx(() => {
      this.users.insertSession({
        token_hash: sha256Hex(token),
        user_id: row.id,
        expires_at,
        ip,
        user_agent: userAgent?.slice(0, 256) ?? null,
      });
      this.users.touchLogin(row.id);
    });
    return { token, expires_at, user: toUser(this.users.findById(row.id)!) };
  }

  /** The user of a bearer token with their resolved scope, or null when unknown, expired or revoked. */
  async authenticate(token: string): Promise<AuthUser | null> {
    const r = this.users.findSession(sha256Hex(token), nowIso());
    return r ? this.resolve(r, r.session_id, r.session_expires_at) : null;
  }

  /** A user's scope as branch and group ids (groups expand to their branches, present and future). */
  resolve(r: UserRow, sessionId: number, expiresAt: string): AuthUser {
    const base = { id: r.id, email: r.email, role: r.role, sessionId, expiresAt };
    if (r.scope_all === 1) return { ...base, scopeAll: true, branchScope: null, groupScope: null };
    const groups = JSON.parse(r.scope_group_ids) as number[];
    const explicit = JSON.parse(r.scope_branch_ids) as number[];
    const branches = [...new Set([...this.users.branchesOfGroups(groups), ...explicit])];
    const allGroups = [...new Set([...groups, ...this.users.groupsOfBranches(explicit)])];
    return { ...base, scopeAll: false, branchScope: branches, groupScope: allGroups };
  }

  /** Branch ids a user may see now (null = every branch; [] for an unknown or disabled user). */
  branchScopeOf(userId: number): number[] | null {
    const r = this.users.findById(userId);
    if (!r || r.status !== 'active') return [];
    return this.resolve(r, 0, '').branchScope;
  }

  /** The user record. @throws PantauError NOT_FOUND */
  me(id: number): User {
    const r = this.users.findById(id);
    if (!r) throw new PantauError('NOT_FOUND', 'user not found');
    return toUser(r);
  }

  /** End the session of a token. */
  logout(token: string): void {
    this.users.revokeSession(sha256Hex(token));
  }

  /**
   * Change one's own password; every other session of the user ends.
   * @throws PantauError INVALID_CREDENTIALS (current password wrong), VALIDATION_ERROR (new equals current)
   */
  async changePassword(user: AuthUser, current: string, next: string, actor: Actor): Promise<void> {
    const row = this.users.findById(user.id);
    if (!row || !(await argon2.verify(row.password_hash, current))) {
      throw new PantauError('INVALID_CREDENTIALS', 'the current password is wrong', { field: 'current_password' });
    }
    if (current === next)
      throw new PantauError('VALIDATION_ERROR', 'the new password must differ from the current one', {
        field: 'new_password',
      });
    const password_hash = await this.hashPassword(next);
    this.exec.tx(() => {
      this.users.update(user.id, { password_hash });
      this.users.revokeUserSessions(user.id, user.sessionId);
      this.audit.record(actor, 'change_password', 'user', user.id, null, null);
    });
  }

  /** Whether no user exists yet (the first-run setup screen). */
  needsSetup(): boolean {
    return this.users.count() === 0;
  }

  /**
   * Create the first admin (scope: every branch) and sign in as them.
   * @throws PantauError CONFLICT once any user exists
   */
  async setup(
    input: { email: string; name: string; password: string },
    ip: string | null,
    userAgent: string | null,
  ): Promise<LoginResult> {
    if (!this.needsSetup()) throw new PantauError('CONFLICT', 'setup is done: a user exists already');
    await this.createUser({ ...input, role: 'admin', scope_all: true }, { id: null, email: null, ip, userAgent }, true);
    return this.login(input.email, input.password, ip, userAgent);
  }
}

/** The actor of changes made from the command line or by the system itself. */
export const SYSTEM: Actor = { id: null, email: 'system', ip: null, userAgent: null };
