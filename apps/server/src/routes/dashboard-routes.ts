/**
 * The dashboard (D5): `GET /api/v1/dashboard`. Declaration: packages/shared/src/routes/dashboard.ts.
 */
import { ROUTES } from '@pantau/shared';
import type { Services } from '../services/container.js';
import { userOf } from '../http/access.js';
import type { RouteRegistrar } from '../http/route.js';

/** Register the dashboard route. */
export function dashboardRoutes(api: RouteRegistrar, s: Services): void {
  api.implement(ROUTES.dashboard, (req) => s.dashboard.get(userOf(req), req.query));
}
