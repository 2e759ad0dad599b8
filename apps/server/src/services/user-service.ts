/**
 * User administration (S12): admins whose scope is every branch create, edit, disable users
 * and reset passwords. Every change is audited in its transaction; a change of role, scope or
 * status takes effect on the user's open sockets at once, and disabling or a reset ends their
 * sessions.
 */
import { PantauError, type PageMeta, type User, type UserCreate, type UserUpdate } from '@pantau/shared';
import { toUser, type UserRepository } from '../repositories/user-repository.js';
import type { AuditRepository } from '../repositories/audit-repository.js';
import type { Actor } from '../domain/caller.js';
import type { SyncExecutor } from '../db/sync-executor.js';
import type { DomainEvents } from '../domain/domain-events.js';
import type { AuthService } from './auth-service.js';

/** What the real-time hub must do after a user changed. */
export interface UserChangeListener {
  /** Re-read the user's role and scope for their open sockets. */
  userChanged(userId: number): void;
  /** Close the user's open sockets (sessions ended). */
  userSignedOut(userId: number, reason: string): void;
}

/** Users as admins manage them. */
export class UserService {
  constructor(
    private readonly users: UserRepository,
    private readonly auth: AuthService,
    private readonly exec: SyncExecutor,
    private readonly audit: AuditRepository,
    private readonly events: DomainEvents,
    private readonly listener: UserChangeListener,
  ) {}

  page(q: {
    page: number;
    per_page: number;
    q?: string | undefined;
    role?: string | undefined;
    status?: string | undefined;
  }): { items: User[]; meta: PageMeta } {
    const r = this.users.page(q);
    return { items: r.rows.map(toUser), meta: r.meta };
  }

  /** @throws PantauError NOT_FOUND */
  get(id: number): User {
    const r = this.users.findById(id);
    if (!r) throw new PantauError('NOT_FOUND', `user ${id} not found`, { field: 'id' });
    return toUser(r);
  }

  /** @throws PantauError VALIDATION_ERROR, CONFLICT (email) */
  create(input: UserCreate, actor: Actor): Promise<User> {
    return this.auth.createUser(input, actor);
  }

  /**
   * Change a user. The last active admin whose scope is every branch cannot be demoted,
   * narrowed or disabled (someone must be able to manage users).
   * @throws PantauError NOT_FOUND, VALIDATION_ERROR (unknown scope ids), CONFLICT (last full admin)
   */
  update(id: number, patch: UserUpdate, actor: Actor): User {
    const before = this.get(id);
    this.auth.checkScopeIds(patch.scope_group_ids ?? [], patch.scope_branch_ids ?? []);
    const stillFullAdmin =
      (patch.role ?? before.role) === 'admin' &&
      (patch.scope_all ?? before.scope_all) &&
      (patch.status ?? before.status) === 'active';
    const wasFullAdmin = before.role === 'admin' && before.scope_all && before.status === 'active';
    const after = this.exec.tx(() => {
      if (wasFullAdmin && !stillFullAdmin && this.users.countFullAdmins(id) === 0) {
        throw new PantauError(
          'CONFLICT',
          'this is the last active admin with every branch in scope; make another one first',
          { field: patch.role ? 'role' : patch.status ? 'status' : 'scope_all' },
        );
      }
      const row = this.users.update(id, patch);
      const user = toUser(row);
      if (user.status === 'disabled' && before.status !== 'disabled') this.users.revokeUserSessions(id);
      this.audit.record(
        actor,
        user.status !== before.status ? (user.status === 'disabled' ? 'disable' : 'enable') : 'update',
        'user',
        id,
        before,
        user,
      );
      // the publisher tells the admins who manage users and the user (their own profile and
      // scope), not every console: other users have no business learning user ids
      this.events.emit('user.changed', { user_id: id });
      return user;
    });
    if (after.status === 'disabled') this.listener.userSignedOut(id, 'user disabled');
    else this.listener.userChanged(id);
    return after;
  }

  /** Admin reset of a password; ends the user's sessions. @throws PantauError NOT_FOUND */
  async resetPassword(id: number, password: string, actor: Actor): Promise<void> {
    this.get(id);
    const password_hash = await this.auth.hashPassword(password);
    this.exec.tx(() => {
      this.users.update(id, { password_hash });
      this.users.revokeUserSessions(id);
      this.audit.record(actor, 'reset_password', 'user', id, null, null);
    });
    this.listener.userSignedOut(id, 'password reset');
  }

  /** End every session of a user. @returns how many ended. @throws PantauError NOT_FOUND */
  revokeSessions(id: number, actor: Actor): number {
    this.get(id);
    const n = this.exec.tx(() => {
      const count = this.users.revokeUserSessions(id);
      this.audit.record(actor, 'revoke_sessions', 'user', id, null, { revoked: count });
      return count;
    });
    this.listener.userSignedOut(id, 'sessions revoked');
    return n;
  }
}
