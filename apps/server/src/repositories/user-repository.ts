/**
 * Users and sessions (S12).
 */
import type { Kysely } from 'kysely';
import type { User } from '@pantau/shared';
import type { Database, UserRow } from '../db/schema.js';
import { nowIso } from '../db/database.js';

/** A user row as the API shows it (no password hash). */
export function toUser(r: UserRow): User {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role,
    branch_scope: r.branch_scope === null ? null : (JSON.parse(r.branch_scope) as number[]),
    status: r.status,
    created_at: r.created_at,
  };
}

/** Data access for users and sessions. */
export class UserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  findByEmail(email: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
  }

  findById(id: number): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  count(): Promise<number> {
    return this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n));
  }

  /** @throws SqliteError SQLITE_CONSTRAINT_UNIQUE when the email exists */
  async insert(u: { email: string; name: string; password_hash: string; role: UserRow['role']; branch_scope: number[] | null }): Promise<UserRow> {
    return this.db
      .insertInto('users')
      .values({
        email: u.email.toLowerCase(),
        name: u.name,
        password_hash: u.password_hash,
        role: u.role,
        branch_scope: u.branch_scope === null ? null : JSON.stringify(u.branch_scope),
        updated_at: nowIso(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async insertSession(s: { token_hash: string; user_id: number; expires_at: string; ip: string | null }): Promise<void> {
    await this.db.insertInto('sessions').values(s).execute();
  }

  /** The active (not expired, not revoked) session for a token hash, with its user. */
  findSession(tokenHash: string, now: string): Promise<(UserRow & { session_id: number; expires_at: string }) | undefined> {
    return this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .selectAll('users')
      .select(['sessions.id as session_id', 'sessions.expires_at'])
      .where('sessions.token_hash', '=', tokenHash)
      .where('sessions.revoked_at', 'is', null)
      .where('sessions.expires_at', '>', now)
      .where('users.status', '=', 'active')
      .executeTakeFirst();
  }

  async revokeSession(tokenHash: string): Promise<void> {
    await this.db.updateTable('sessions').set({ revoked_at: nowIso() }).where('token_hash', '=', tokenHash).execute();
  }
}
