/**
 * `/api/v1/users` and `/api/v1/audit` (S12): each route delegates to the user service or the
 * audit log. Declarations: packages/shared/src/routes/users.ts.
 */
import { ROUTES } from '@pantau/shared';
import type { Services } from '../services/container.js';
import { actorOf } from '../http/actor.js';
import type { RouteRegistrar } from '../http/route.js';

/** Register the user and audit routes. */
export function userRoutes(api: RouteRegistrar, s: Services): void {
  const u = s.users;
  api.implement(ROUTES.usersPage, (req) => u.page(req.query));
  api.implement(ROUTES.getUser, (req) => u.get(req.params.id));
  api.implement(ROUTES.createUser, (req) => u.create(req.body, actorOf(req)));
  api.implement(ROUTES.updateUser, (req) => u.update(req.params.id, req.body, actorOf(req)));
  api.implement(ROUTES.resetPassword, async (req) => {
    await u.resetPassword(req.params.id, req.body.password, actorOf(req));
    return { ok: true as const };
  });
  api.implement(ROUTES.revokeSessions, (req) => ({ revoked: u.revokeSessions(req.params.id, actorOf(req)) }));
  api.implement(ROUTES.auditPage, (req) => s.auditLog.page(req.query));
}
