/**
 * `/api/v1/alarm-rules`, `/api/v1/arming`, `/api/v1/branches/:id/arming` and `/api/v1/watchlist`
 * (issue 14): each route delegates to the alarm rule service, which applies the caller's scope
 * (out of scope = 404). Declarations: packages/shared/src/routes/alarm-rules.ts.
 */
import { DELETED, ROUTES } from '@pantau/shared';
import type { Services } from '../services/container.js';
import { userOf } from '../http/access.js';
import { callerOf } from '../http/actor.js';
import type { RouteRegistrar } from '../http/route.js';

/** Register the alarm rule, arming and watchlist routes. */
export function alarmRuleRoutes(api: RouteRegistrar, s: Services): void {
  const r = s.alarmRules;
  api.implement(ROUTES.alarmRules, (req) => r.list(userOf(req), req.query.branch_id));
  api.implement(ROUTES.getAlarmRule, (req) => r.get(userOf(req), req.params.id));
  api.implement(ROUTES.createAlarmRule, (req) => r.create(callerOf(req), req.body));
  api.implement(ROUTES.updateAlarmRule, (req) => r.update(callerOf(req), req.params.id, req.body));
  api.implement(ROUTES.deleteAlarmRule, (req) => {
    r.delete(callerOf(req), req.params.id);
    return DELETED;
  });
  api.implement(ROUTES.previewAlarmRules, (req) => r.preview(userOf(req), req.body));
  api.implement(ROUTES.armings, (req) => r.armings(userOf(req)));
  api.implement(ROUTES.setArming, (req) => r.setArming(callerOf(req), req.params.id, req.body));
  api.implement(ROUTES.setArmingSchedule, (req) => r.setArmingSchedule(callerOf(req), req.params.id, req.body));
  api.implement(ROUTES.watchlist, (req) => r.watchlist(userOf(req)));
  api.implement(ROUTES.putWatchlist, (req) =>
    r.watch(callerOf(req), req.params.re_id, req.body.reason, req.body.only_new ?? false),
  );
  api.implement(ROUTES.deleteWatchlist, (req) => {
    r.unwatch(callerOf(req), req.params.re_id);
    return DELETED;
  });
}
