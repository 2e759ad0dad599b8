/**
 * WhatsApp alerts API (S4): alert settings, the provider settings and test message, and the
 * deliveries; each route delegates to the alert settings service. Declarations:
 * packages/shared/src/routes/notifications.ts.
 */
import { DELETED, ROUTES } from '@pantau/shared';
import type { Services } from '../services/container.js';
import { userOf } from '../http/access.js';
import { callerOf } from '../http/actor.js';
import type { RouteRegistrar } from '../http/route.js';

/** Register the alert routes. */
export function notificationRoutes(api: RouteRegistrar, s: Services): void {
  const n = s.notifications.settings;
  api.implement(ROUTES.listAlertSettings, (req) => n.list(userOf(req), req.query.branch_id));
  api.implement(ROUTES.getAlertSetting, (req) => n.get(userOf(req), req.params.id));
  api.implement(ROUTES.createAlertSetting, (req) => n.create(callerOf(req), req.body));
  api.implement(ROUTES.updateAlertSetting, (req) => n.update(callerOf(req), req.params.id, req.body));
  api.implement(ROUTES.deleteAlertSetting, (req) => (n.delete(callerOf(req), req.params.id), DELETED));

  api.implement(ROUTES.providerSettings, () => n.providerSettings());
  api.implement(ROUTES.saveProviderSettings, (req) => n.saveProvider(callerOf(req), req.body));
  api.implement(ROUTES.sendTestMessage, (req) => n.sendTest(callerOf(req), req.body.phone, req.body.message));

  api.implement(ROUTES.deliveriesPage, (req) => n.deliveries(userOf(req), req.query));
  api.implement(ROUTES.resendDelivery, (req) => n.resend(callerOf(req), req.params.id));
}
