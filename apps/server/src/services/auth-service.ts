/**
 * Sign-in and sessions (S12, first version): argon2id password hashes, random bearer
 * tokens stored only as SHA-256, sessions that expire and end on logout.
 */
import crypto from 'node:crypto';
import argon2 from 'argon2';
import { PantauError, type LoginResult, type Role, type User } from '@pantau/shared';
import { toUser, type UserRepository } from '../repositories/user-repository.js';
import { sha256Hex } from '../security/keys.js';
import { nowIso } from '../db/database.js';

/** The signed-in user as routes and sockets see it. */
export interface AuthUser {
  id: number;
  email: string;
  role: Role;
  /** null = every branch. */
  branchScope: number[] | null;
}

// A real hash to verify against when the email is unknown, so both paths take as long.
const DUMMY_HASH = argon2.hash('pantau-timing-equaliser');

/** Users, passwords and sessions. */
export class AuthService {
  constructor(
    private readonly users: UserRepository,
    private readonly sessionTtlMs: number,
  ) {}

  /**
   * Create a user with an argon2id password hash.
   * @throws PantauError VALIDATION_ERROR (weak password), CONFLICT (email exists)
   */
  async createUser(input: { email: string; password: string; role: Role; name?: string; branch_scope?: number[] | null }): Promise<User> {
    if (input.password.length < 8) throw new PantauError('VALIDATION_ERROR', 'password must have at least 8 characters', { field: 'password' });
    if (await this.users.findByEmail(input.email)) throw new PantauError('CONFLICT', `a user with email ${input.email} exists`, { field: 'email' });
    const row = await this.users.insert({
      email: input.email,
      name: input.name ?? input.email.split('@')[0]!,
      password_hash: await argon2.hash(input.password, { type: argon2.argon2id }),
      role: input.role,
      branch_scope: input.branch_scope ?? null,
    });
    return toUser(row);
  }

  /**
   * Check a password and open a session.
   * @throws PantauError INVALID_CREDENTIALS (unknown email, wrong password or disabled user: one answer for all)
   */
  async login(email: string, password: string, ip: string | null): Promise<LoginResult> {
    const row = await this.users.findByEmail(email);
    const ok = row ? await argon2.verify(row.password_hash, password) : (await argon2.verify(await DUMMY_HASH, password), false);
    if (!row || !ok || row.status !== 'active') throw new PantauError('INVALID_CREDENTIALS', 'wrong email or password');
    const token = crypto.randomBytes(32).toString('base64url');
    const expires_at = nowIso(Date.now() + this.sessionTtlMs);
    await this.users.insertSession({ token_hash: sha256Hex(token), user_id: row.id, expires_at, ip });
    return { token, expires_at, user: toUser(row) };
  }

  /** The user of a bearer token, or null when unknown, expired or revoked. */
  async authenticate(token: string): Promise<AuthUser | null> {
    const r = await this.users.findSession(sha256Hex(token), nowIso());
    if (!r) return null;
    return { id: r.id, email: r.email, role: r.role, branchScope: r.branch_scope === null ? null : (JSON.parse(r.branch_scope) as number[]) };
  }

  /** The full user record. @throws PantauError NOT_FOUND */
  async me(id: number): Promise<User> {
    const r = await this.users.findById(id);
    if (!r) throw new PantauError('NOT_FOUND', 'user not found');
    return toUser(r);
  }

  /** End the session of a token. */
  logout(token: string): Promise<void> {
    return this.users.revokeSession(sha256Hex(token));
  }
}
