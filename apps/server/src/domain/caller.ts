/**
 * Who is calling: the shapes of a caller that every layer passes along — http/ builds them from
 * a request, services check scope and record audits with them, the real-time hub filters
 * events by them, the audit repository stores them.
 *
 * Why a module of its own: these types used to live in the service, repository or hub that
 * first needed them, so any layer naming a caller had to import that module (and the
 * organisation and alert-settings services imported each other for it). This module imports
 * nothing of the server, so anything may import it without making a circle.
 *
 * Scope convention: a list of ids the caller may see, or `null` for every one.
 */
import type { Role } from '@pantau/shared';

/** Who acts, as the audit log records it (audit_logs.user_id, user_email, ip, user_agent). */
export interface Actor {
  /** users.id; null for the system or an unauthenticated request. */
  id: number | null;
  email: string | null;
  /** The request's remote address, or null (CLI, jobs). */
  ip: string | null;
  userAgent: string | null;
}

/** The signed-in user as routes, services and sockets see it (built by AuthService from a session). */
export interface AuthUser {
  id: number;
  email: string;
  role: Role;
  /** Every branch. */
  scopeAll: boolean;
  /** Branch ids the user may see (from chosen groups and branches); null = every branch. */
  branchScope: number[] | null;
  /** Group ids the user may see (chosen groups and the groups of chosen branches); null = every group. */
  groupScope: number[] | null;
  sessionId: number;
  /** ISO-8601 end of the session. */
  expiresAt: string;
}

/** The caller of a service method that changes data: their scope and, for the audit log, who they are. */
export interface Caller {
  user: AuthUser;
  actor: Actor;
}

/** Who is on the other end of a WebSocket (the hub's view of an {@link AuthUser}). */
export interface SocketUser {
  id: number;
  role: Role;
  /** null = every branch. */
  branchScope: readonly number[] | null;
  /** null = every group. */
  groupScope: readonly number[] | null;
  sessionId: number;
  /** ISO-8601 end of the session: the socket closes then. */
  expiresAt: string;
}
