/**
 * Route guards: who is calling. User routes take `Authorization: Bearer <token>`.
 * One place decides role access; scope filtering is done by services with the user.
 */
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { PantauError, type Role } from '@pantau/shared';
import type { AuthService, AuthUser } from '../services/auth-service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by {@link requireUser}. */
    authUser: AuthUser | null;
  }
}

/** Bearer token of a request, or null. */
export function bearerToken(request: FastifyRequest): string | null {
  const h = request.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m ? m[1]! : null;
}

/** Register the request decoration. */
export function installAuth(app: FastifyInstance): void {
  app.decorateRequest('authUser', null);
}

/**
 * A preHandler that requires a signed-in user, optionally with one of `roles`.
 * @throws PantauError UNAUTHENTICATED (401), FORBIDDEN (403)
 */
export function requireUser(auth: AuthService, roles?: readonly Role[]): preHandlerAsyncHookHandler {
  return async (request) => {
    request.authUser = await authenticateRequest(auth, request);
    if (roles && !roles.includes(request.authUser.role)) {
      throw new PantauError('FORBIDDEN', `requires role ${roles.join(' or ')}`);
    }
  };
}

/**
 * Resolve the request's user.
 * @throws PantauError UNAUTHENTICATED
 */
export async function authenticateRequest(auth: AuthService, request: FastifyRequest): Promise<AuthUser> {
  const token = bearerToken(request);
  if (!token) throw new PantauError('UNAUTHENTICATED', 'sign in first: missing bearer token');
  const user = await auth.authenticate(token);
  if (!user) throw new PantauError('UNAUTHENTICATED', 'session expired or revoked');
  return user;
}

/** The guarded request's user (after {@link requireUser}). */
export function userOf(request: FastifyRequest): AuthUser {
  if (!request.authUser) throw new PantauError('UNAUTHENTICATED', 'sign in first');
  return request.authUser;
}

/** True when the user may see a branch. */
export function canSeeBranch(user: AuthUser, branchId: number): boolean {
  return user.branchScope === null || user.branchScope.includes(branchId);
}
