/**
 * Sign-in, sessions and scopes (S12): argon2id password hashes; random bearer tokens stored
 * only as SHA-256; sessions that expire, end on logout and can be revoked; failed sign-ins
 * slowed per account (a progressive delay) and limited per client address; the first admin from a setup that works only while
 * no user exists.
 */
import crypto from 'node:crypto';
import argon2 from 'argon2';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { memoryLoginLimits, type LoginLimitStore } from '../repositories/login-limit-store.js';
import { PantauError, type LoginResult, type Role, type User } from '@pantau/shared';
import { toUser, type UserRepository } from '../repositories/user-repository.js';
import type { AuditRepository } from '../repositories/audit-repository.js';
import type { Actor, AuthUser } from '../domain/caller.js';
import type { SyncExecutor } from '../db/sync-executor.js';
import type { UserRow } from '../db/schema.js';
import { isUniqueViolation } from '../db/sync-executor.js';
import { sha256Hex } from '../security/keys.js';
import { nowIso } from '../db/database.js';

/**
 * Failed sign-ins an account takes within {@link LOGIN_WINDOW_S} before its progressive delay
 * starts (see {@link accountDelayS}).
 */
export const LOGIN_FREE_FAILURES_PER_ACCOUNT = 5;
/** Failed sign-ins allowed per client address within {@link LOGIN_WINDOW_S}; past them the address is refused. */
export const LOGIN_FAILURES_PER_ADDRESS = 20;
/** Window of the failed sign-in counts, seconds (15 min, OWASP's usual lockout period). */
export const LOGIN_WINDOW_S = 15 * 60;
/** Longest wait between two sign-in attempts on one account, seconds. */
export const LOGIN_DELAY_MAX_S = 30;
/** How long an address that signed in to an account is remembered as the account's own, ms (30 days). */
export const KNOWN_ADDRESS_TTL_MS = 30 * 24 * 3600_000;
/** Addresses remembered per account (the oldest is forgotten first). */
export const KNOWN_ADDRESSES_PER_ACCOUNT = 20;

/**
 * The wait, seconds, before the next sign-in attempt on an account that has had `failures`
 * failed attempts within the window: none for the first {@link LOGIN_FREE_FAILURES_PER_ACCOUNT} − 1,
 * then 1 s after the 5th failure, doubling with each further failure (2, 4, 8, 16 s) up to
 * {@link LOGIN_DELAY_MAX_S}. The schedule is AWS Cognito's (1 s after 5 failures, doubling;
 * cited by the OWASP Web Security Testing Guide, "Testing for Weak Lock Out Mechanism") with a
 * lower cap, and it is the "wait following a failed attempt that increases" of NIST SP 800-63B
 * §5.2.2.
 */
export function accountDelayS(failures: number): number {
  if (failures < LOGIN_FREE_FAILURES_PER_ACCOUNT) return 0;
  return Math.min(LOGIN_DELAY_MAX_S, 2 ** (failures - LOGIN_FREE_FAILURES_PER_ACCOUNT));
}

/**
 * Users, passwords, sessions and scopes.
 *
 * Failed sign-ins are limited two ways (issue 16, item 4):
 *
 * - **Per client address, a hard limit**: {@link LOGIN_FAILURES_PER_ADDRESS} failures within
 *   {@link LOGIN_WINDOW_S} and every sign-in from that address is refused (`RATE_LIMITED`,
 *   `details.reason: 'address'`) until the window ends. The address is `request.ip`: the client's
 *   own address behind a reverse proxy listed in `config.trustedProxies`, the socket's peer
 *   otherwise (a forged `X-Forwarded-For` from anyone else changes nothing).
 * - **Per account, a progressive delay, not a lockout**: after {@link LOGIN_FREE_FAILURES_PER_ACCOUNT}
 *   failures the next attempt is allowed only {@link accountDelayS} seconds after the last one
 *   (1, 2, 4 … 30 s). An attempt before that is refused with `RATE_LIMITED`,
 *   `details.reason: 'account'` and `retry_after_s` **without checking the password** and without
 *   counting as a failure, so refusals neither tell a guesser anything nor make the wait longer.
 *   The slot is taken before the (slow) password check, so parallel attempts get one check per
 *   slot, not one each. A correct password after the wait signs in and clears the account's count.
 *
 * Why refuse rather than sleep before answering: a sleeping server still checks every guess that
 * arrives in parallel (a guesser opens 100 connections and waits once), and it holds a connection
 * and its memory per waiting attempt, which is itself a denial of service; a refusal costs
 * nothing and caps guesses at one per slot from all addresses together. OWASP's Authentication
 * Cheat Sheet (account lockout: count per account, not per address; an exponential lockout that
 * starts at about a second) and NIST SP 800-63B §5.2.2 (rate limiting that must not let an
 * attacker lock the subscriber out; an increasing wait; trusting addresses the subscriber has
 * signed in from before) point the same way.
 *
 * The cost of a shared per-account slot is that anyone can keep a known account waiting by
 * spending one wrong guess per slot, and could race its owner for each slot. So an address from
 * which the account signed in successfully within {@link KNOWN_ADDRESS_TTL_MS} skips the account
 * delay (NIST §5.2.2's list of addresses the subscriber authenticated from); its failures still
 * count, and it stays under the per-address limit. The owner at their usual console is never kept
 * waiting; a new address waits at most {@link LOGIN_DELAY_MAX_S} s per attempt.
 *
 * At the cap a guesser gets about 120 checks an hour on one account from all the addresses that
 * are not the account's own, which is above NIST's "no more than 100 consecutive failed
 * attempts" over a long attack: a deliberate trade (the issue asks that a known account is never
 * locked out), mitigated by the per-address limit (80 an hour from one address). The counts live
 * in memory (a restart forgets them), or in scale mode in PostgreSQL, shared by the processes.
 */
export class AuthService {
  // A real hash to verify against when the email is unknown, so both paths take as long.
  private readonly dummyHash = argon2.hash('pantau-timing-equaliser');
  /** Failed sign-ins per account (lower-cased email, known or not) in the window. */
  private readonly accountFailures: RateLimiterAbstract;
  /** Blocked while an account waits for its next attempt ({@link accountDelayS}). */
  private readonly accountGate: RateLimiterAbstract;
  private readonly perAddress: RateLimiterAbstract;
  /** Account → (address → when it last signed in there, ms). */
  private readonly knownAddresses = new Map<string, Map<string, number>>();

  /**
   * @param limits where the sign-in counters live: memory (one process), or PostgreSQL (scale
   *   mode: every process counts the same failures; repositories/login-limit-store.ts)
   */
  constructor(
    private readonly users: UserRepository,
    private readonly exec: SyncExecutor,
    private readonly audit: AuditRepository,
    private readonly sessionTtlMs: number,
    limits: LoginLimitStore = memoryLoginLimits,
  ) {
    this.accountFailures = limits.limiter('login_account', LOGIN_FREE_FAILURES_PER_ACCOUNT, LOGIN_WINDOW_S);
    this.accountGate = limits.limiter('login_gate', 1, LOGIN_DELAY_MAX_S);
    this.perAddress = limits.limiter('login_address', LOGIN_FAILURES_PER_ADDRESS, LOGIN_WINDOW_S);
    this.sharedAddresses = limits.shared;
  }

  /** Whether other processes sign users in too: an address is also known by its stored sessions. */
  private readonly sharedAddresses: boolean;

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
   * Check a password and open a session. The limits on failed attempts are described on the class.
   * @param ip the client's address (`request.ip`: trusted-proxy aware); null when there is none
   * @throws PantauError RATE_LIMITED (`details.retry_after_s`, seconds; `details.reason`: `'address'` for too
   *   many failures from the address, `'account'` while the account waits for its next attempt),
   *   INVALID_CREDENTIALS (unknown email, wrong password or disabled user: one answer for all)
   */
  async login(email: string, password: string, ip: string | null, userAgent: string | null): Promise<LoginResult> {
    const accountKey = email.toLowerCase();
    const addressKey = ip ?? 'unknown';
    const address = await this.perAddress.get(addressKey);
    if (address && address.consumedPoints >= LOGIN_FAILURES_PER_ADDRESS)
      throw rateLimited('address', address.msBeforeNext);
    const knownAddress = ip !== null && this.isKnownAddress(accountKey, ip);
    if (!knownAddress) {
      const gate = await this.accountGate.get(accountKey);
      if (gate && gate.consumedPoints > 1 && gate.msBeforeNext > 0) throw rateLimited('account', gate.msBeforeNext);
    }
    // Take the next slot before the slow check, atomically (`consume` is one statement in the
    // shared store: attempts at the same moment, on this process or another, get one slot between
    // them); attempts arriving while this one is checked find the gate closed.
    const failures = (await this.accountFailures.get(accountKey))?.consumedPoints ?? 0;
    const delay = accountDelayS(failures + 1);
    if (delay > 0) {
      if (!knownAddress) {
        const taken = await this.accountGate.consume(accountKey).then(
          () => null,
          (r: unknown) => {
            if (r instanceof RateLimiterRes) return r;
            throw r;
          },
        );
        if (taken) throw rateLimited('account', taken.msBeforeNext);
      }
      await this.accountGate.block(accountKey, delay);
    }
    const row = this.users.findByEmail(email);
    const ok = row
      ? await argon2.verify(row.password_hash, password)
      : (await argon2.verify(await this.dummyHash, password), false);
    if (!row || !ok || row.status !== 'active') {
      await Promise.all([this.accountFailures.penalty(accountKey, 1), this.perAddress.penalty(addressKey, 1)]);
      throw new PantauError('INVALID_CREDENTIALS', 'wrong email or password');
    }
    await Promise.all([this.accountFailures.delete(accountKey), this.accountGate.delete(accountKey)]);
    if (ip !== null) this.rememberAddress(accountKey, ip);
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

  /**
   * Whether the account signed in from this address within {@link KNOWN_ADDRESS_TTL_MS}: here
   * (memory), or in scale mode through any process (a session opened from it).
   */
  private isKnownAddress(accountKey: string, ip: string): boolean {
    const at = this.knownAddresses.get(accountKey)?.get(ip);
    if (at !== undefined && Date.now() - at < KNOWN_ADDRESS_TTL_MS) return true;
    return this.sharedAddresses && this.users.signedInFrom(accountKey, ip, nowIso(Date.now() - KNOWN_ADDRESS_TTL_MS));
  }

  /** Remember a successful sign-in's address, keeping the newest {@link KNOWN_ADDRESSES_PER_ACCOUNT}. */
  private rememberAddress(accountKey: string, ip: string): void {
    const known = this.knownAddresses.get(accountKey) ?? new Map<string, number>();
    known.delete(ip); // re-inserted last: a Map keeps insertion order, so the first key is the oldest
    known.set(ip, Date.now());
    while (known.size > KNOWN_ADDRESSES_PER_ACCOUNT) known.delete(known.keys().next().value!);
    this.knownAddresses.set(accountKey, known);
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

/** The refusal of a sign-in that must wait `ms` (rounded up to whole seconds, at least 1). */
function rateLimited(reason: 'account' | 'address', ms: number): PantauError {
  const retry = Math.max(1, Math.ceil(ms / 1000));
  const message =
    reason === 'address'
      ? `too many failed sign-ins from this address; try again in ${retry} s`
      : `too many failed sign-ins for this account; try again in ${retry} s`;
  return new PantauError('RATE_LIMITED', message, { retry_after_s: retry, reason });
}

/** The actor of changes made from the command line or by the system itself. */
export const SYSTEM: Actor = { id: null, email: 'system', ip: null, userAgent: null };
