/**
 * Users and sessions (S12). Synchronous (better-sqlite3 through Kysely-built queries) so
 * user changes and their audit records share one transaction.
 */
import { likeOperator } from '../db/sql-fragments.js';
import type { Kysely } from 'kysely';
import type { PageMeta, User, UserUpdate } from '@pantau/shared';
import type { Database, UserRow } from '../db/schema.js';
import type { SyncExecutor } from '../db/sync-executor.js';
import { nowIso } from '../db/database.js';

/** A user row as the API shows it (no password hash). */
export function toUser(r: UserRow): User {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role,
    scope_all: r.scope_all === 1,
    scope_group_ids: JSON.parse(r.scope_group_ids) as number[],
    scope_branch_ids: JSON.parse(r.scope_branch_ids) as number[],
    status: r.status,
    last_login_at: r.last_login_at,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

/** Data access for users and sessions. */
export class UserRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: SyncExecutor,
  ) {}

  findByEmail(email: string): UserRow | undefined {
    return this.exec.first(this.db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()));
  }

  /**
   * Whether the account (lower-cased email) opened a session from `ip` since `since` (ISO-8601
   * UTC): the sign-in limiter's known address, as every process of a cluster sees it.
   */
  signedInFrom(email: string, ip: string, since: string): boolean {
    return (
      this.exec.first(
        this.db
          .selectFrom('sessions as s')
          .innerJoin('users as u', 'u.id', 's.user_id')
          .select('s.id')
          .where('u.email', '=', email)
          .where('s.ip', '=', ip)
          .where('s.created_at', '>=', since)
          .limit(1),
      ) !== undefined
    );
  }

  findById(id: number): UserRow | undefined {
    return this.exec.first(this.db.selectFrom('users').selectAll().where('id', '=', id));
  }

  count(): number {
    return Number(this.exec.first(this.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')))!.n);
  }

  /** Active admins whose scope is every branch, other than `exceptId`. */
  countFullAdmins(exceptId: number): number {
    return Number(
      this.exec.first(
        this.db
          .selectFrom('users')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('role', '=', 'admin')
          .where('scope_all', '=', 1)
          .where('status', '=', 'active')
          .where('id', '!=', exceptId),
      )!.n,
    );
  }

  /** A page of users, newest first, searched by name or email. */
  page(q: {
    page: number;
    per_page: number;
    q?: string | undefined;
    role?: string | undefined;
    status?: string | undefined;
  }): { rows: UserRow[]; meta: PageMeta } {
    let base = this.db.selectFrom('users');
    if (q.q)
      base = base.where((eb) =>
        eb.or([
          eb('email', likeOperator(this.exec.conn.engine), `%${q.q}%`),
          eb('name', likeOperator(this.exec.conn.engine), `%${q.q}%`),
        ]),
      );
    if (q.role) base = base.where('role', '=', q.role as UserRow['role']);
    if (q.status) base = base.where('status', '=', q.status as UserRow['status']);
    const total = Number(this.exec.first(base.select((eb) => eb.fn.countAll<number>().as('n')))!.n);
    const rows = this.exec.all(
      base
        .selectAll()
        .orderBy('id')
        .limit(q.per_page)
        .offset((q.page - 1) * q.per_page),
    );
    return { rows, meta: { page: q.page, per_page: q.per_page, total } };
  }

  /** @throws SqliteError SQLITE_CONSTRAINT_UNIQUE when the email exists */
  insert(u: {
    email: string;
    name: string;
    password_hash: string;
    role: UserRow['role'];
    scope_all: boolean;
    scope_group_ids: number[];
    scope_branch_ids: number[];
  }): UserRow {
    const now = nowIso();
    return this.exec.first(
      this.db
        .insertInto('users')
        .values({
          email: u.email.toLowerCase(),
          name: u.name,
          password_hash: u.password_hash,
          role: u.role,
          scope_all: u.scope_all ? 1 : 0,
          scope_group_ids: JSON.stringify(u.scope_group_ids),
          scope_branch_ids: JSON.stringify(u.scope_branch_ids),
          created_at: now,
          updated_at: now,
        })
        .returningAll(),
    )!;
  }

  update(id: number, u: UserUpdate & { password_hash?: string }): UserRow {
    const set: Record<string, unknown> = { updated_at: nowIso() };
    if (u.name !== undefined) set.name = u.name;
    if (u.role !== undefined) set.role = u.role;
    if (u.status !== undefined) set.status = u.status;
    if (u.scope_all !== undefined) set.scope_all = u.scope_all ? 1 : 0;
    if (u.scope_group_ids !== undefined) set.scope_group_ids = JSON.stringify(u.scope_group_ids);
    if (u.scope_branch_ids !== undefined) set.scope_branch_ids = JSON.stringify(u.scope_branch_ids);
    if (u.password_hash !== undefined) set.password_hash = u.password_hash;
    return this.exec.first(this.db.updateTable('users').set(set).where('id', '=', id).returningAll())!;
  }

  touchLogin(id: number): void {
    this.exec.run(this.db.updateTable('users').set({ last_login_at: nowIso() }).where('id', '=', id));
  }

  insertSession(s: {
    token_hash: string;
    user_id: number;
    expires_at: string;
    ip: string | null;
    user_agent: string | null;
  }): number {
    return this.exec.run(this.db.insertInto('sessions').values(s)).lastInsertRowid;
  }

  /** The active (not expired, not revoked) session for a token hash, with its active user. */
  findSession(
    tokenHash: string,
    now: string,
  ): (UserRow & { session_id: number; session_expires_at: string }) | undefined {
    return this.exec.first(
      this.db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .selectAll('users')
        .select(['sessions.id as session_id', 'sessions.expires_at as session_expires_at'])
        .where('sessions.token_hash', '=', tokenHash)
        .where('sessions.revoked_at', 'is', null)
        .where('sessions.expires_at', '>', now)
        .where('users.status', '=', 'active'),
    );
  }

  /** End one session. */
  revokeSession(tokenHash: string): void {
    this.exec.run(
      this.db
        .updateTable('sessions')
        .set({ revoked_at: nowIso() })
        .where('token_hash', '=', tokenHash)
        .where('revoked_at', 'is', null),
    );
  }

  /** End every session of a user but `keepSessionId`. @returns how many ended */
  revokeUserSessions(userId: number, keepSessionId?: number): number {
    let q = this.db
      .updateTable('sessions')
      .set({ revoked_at: nowIso() })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null);
    if (keepSessionId !== undefined) q = q.where('id', '!=', keepSessionId);
    return this.exec.run(q).changes;
  }

  /** Branch ids of the given groups. */
  branchesOfGroups(groupIds: readonly number[]): number[] {
    if (groupIds.length === 0) return [];
    return this.exec
      .all(
        this.db
          .selectFrom('company_branches')
          .select('id')
          .where('group_id', 'in', [...groupIds]),
      )
      .map((r) => r.id);
  }

  /** Group ids of the given branches. */
  groupsOfBranches(branchIds: readonly number[]): number[] {
    if (branchIds.length === 0) return [];
    return this.exec
      .all(
        this.db
          .selectFrom('company_branches')
          .select('group_id')
          .distinct()
          .where('id', 'in', [...branchIds]),
      )
      .map((r) => r.group_id);
  }

  /** Ids among `ids` that do not exist in `table`. */
  missingIds(table: 'company_groups' | 'company_branches', ids: readonly number[]): number[] {
    if (ids.length === 0) return [];
    const found = new Set(
      this.exec
        .all(
          this.db
            .selectFrom(table)
            .select('id')
            .where('id', 'in', [...ids]),
        )
        .map((r) => r.id),
    );
    return ids.filter((id) => !found.has(id));
  }
}
