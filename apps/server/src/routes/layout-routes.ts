/**
 * `/api/v1/layouts` (S9): each route delegates to the layout service, which decides who may
 * change what (shared layouts: admins; private ones: their owner). Declarations:
 * packages/shared/src/routes/layouts.ts.
 */
import { DELETED, ROUTES } from '@pantau/shared';
import type { Services } from '../services/container.js';
import { userOf } from '../http/access.js';
import { callerOf } from '../http/actor.js';
import type { RouteRegistrar } from '../http/route.js';

/** Register the layout routes. */
export function layoutRoutes(api: RouteRegistrar, s: Services): void {
  const l = s.layouts;
  api.implement(ROUTES.listLayouts, (req) => l.list(userOf(req)));
  api.implement(ROUTES.defaultLayout, (req) => l.getDefault(userOf(req)));
  api.implement(ROUTES.getLayout, (req) => l.get(userOf(req), req.params.id));
  api.implement(ROUTES.createLayout, (req) => l.create(callerOf(req), req.body));
  api.implement(ROUTES.updateLayout, (req) => l.update(callerOf(req), req.params.id, req.body));
  api.implement(ROUTES.replacePositions, (req) => l.replacePositions(callerOf(req), req.params.id, req.body.positions));
  api.implement(ROUTES.deleteLayout, (req) => (l.delete(callerOf(req), req.params.id), DELETED));
  api.implement(ROUTES.setDefaultLayout, (req) => l.setDefault(callerOf(req), req.params.id));
}
