/**
 * Access control in one place (S12, issue 3).
 *
 * Every route under `/api/` declares `config: { access }`; the app refuses to start if one
 * does not (so no route can be left unguarded by mistake). One hook then checks the caller:
 *
 * | access       | who                                                        |
 * | ------------ | ---------------------------------------------------------- |
 * | `public`     | anyone (sign-in, first-run setup)                          |
 * | `device`     | an API credential (checked by the route's own key check)   |
 * | `read`       | any signed-in user: admin, operator, viewer                |
 * | `operate`    | admin or operator (acknowledge, …); a viewer gets 403      |
 * | `admin`      | admin; their scope still limits which records they reach   |
 * | `user-admin` | admin whose scope is every branch (users, audit, groups)   |
 *
 * Scope is applied by the services with the user: a record outside the user's scope answers
 * 404, exactly like a record that does not exist, so no other site's data leaks.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PantauError, type Access } from '@pantau/shared';
import type { AuthService } from '../services/auth-service.js';
import type { AuthUser } from '../domain/caller.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required on every `/api/` route: see http/access.ts. */
    access?: Access;
  }
  interface FastifyRequest {
    /** The signed-in user, set by the access hook for user routes. */
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

/** Every route's method, URL and access, as registered (for the access-matrix test). */
export interface RouteAccess {
  method: string;
  url: string;
  access: Access | undefined;
}

/**
 * Install the access hook. Call before registering routes.
 * @returns the registry of routes and their access, filled as routes are added
 * @throws Error at route registration when an `/api/` route declares no access
 */
export function installAccess(app: FastifyInstance, auth: AuthService): RouteAccess[] {
  const registry: RouteAccess[] = [];
  app.decorateRequest('authUser', null);
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) if (method !== 'HEAD') registry.push({ method, url: route.url, access });
    if (route.url.startsWith('/api/v1/') && access === undefined) {
      throw new Error(`route ${methods.join(',')} ${route.url} declares no access (config.access)`);
    }
  });
  app.addHook('preHandler', async (request) => {
    const access = request.routeOptions.config?.access;
    if (access === undefined || access === 'public' || access === 'device') return;
    const user = await authenticateRequest(auth, request);
    request.authUser = user;
    checkRole(user, access);
  });
  return registry;
}

/**
 * Whether a user may use a route of the given access.
 * @throws PantauError FORBIDDEN (403)
 */
export function checkRole(user: AuthUser, access: Access): void {
  switch (access) {
    case 'public':
    case 'device':
    case 'read':
      return;
    case 'operate':
      if (user.role === 'admin' || user.role === 'operator') return;
      throw new PantauError('FORBIDDEN', 'viewers may only watch');
    case 'admin':
      if (user.role === 'admin') return;
      throw new PantauError('FORBIDDEN', 'requires the admin role');
    case 'user-admin':
      if (user.role === 'admin' && user.scopeAll) return;
      throw new PantauError('FORBIDDEN', 'requires an admin whose scope is every branch');
    default: {
      const never: never = access;
      return never;
    }
  }
}

/**
 * Resolve the request's user from its bearer token.
 * @throws PantauError UNAUTHENTICATED
 */
export async function authenticateRequest(auth: AuthService, request: FastifyRequest): Promise<AuthUser> {
  const token = bearerToken(request);
  if (!token) throw new PantauError('UNAUTHENTICATED', 'sign in first: missing bearer token');
  const user = await auth.authenticate(token);
  if (!user) throw new PantauError('UNAUTHENTICATED', 'session expired or revoked');
  return user;
}

/** The request's user (routes with access read/operate/admin/user-admin). */
export function userOf(request: FastifyRequest): AuthUser {
  if (!request.authUser) throw new PantauError('UNAUTHENTICATED', 'sign in first');
  return request.authUser;
}
