/**
 * `/api/v1/alarms` and `/api/v1/alarm-escalation` (issue 5): each route delegates to the alarm
 * service, which applies the caller's scope (out of scope = 404). Declarations:
 * packages/shared/src/routes/alarms.ts.
 */
import { DELETED, ROUTES } from '@pantau/shared';
import type { Services } from '../services/container.js';
import { userOf } from '../http/access.js';
import { callerOf } from '../http/actor.js';
import type { RouteRegistrar } from '../http/route.js';

/** Register the alarm routes. */
export function alarmRoutes(api: RouteRegistrar, s: Services): void {
  const a = s.alarms;
  api.implement(ROUTES.alarmsPage, (req) => a.list(userOf(req), req.query));
  api.implement(ROUTES.alarmServiceLevel, (req) => a.serviceLevel(userOf(req), req.query));
  api.implement(ROUTES.getAlarm, (req) => a.get(userOf(req), req.params.event_id));
  api.implement(ROUTES.alarmTimeline, (req) => a.timeline(userOf(req), req.params.event_id));
  api.implement(ROUTES.acknowledgeAlarm, (req) => a.acknowledge(callerOf(req), req.params.event_id, req.body.note));
  api.implement(ROUTES.acknowledgeAlarms, (req) => a.acknowledgeMany(callerOf(req), req.body.event_ids, req.body.note));
  api.implement(ROUTES.closeAlarm, (req) => a.close(callerOf(req), req.params.event_id, req.body.note));
  api.implement(ROUTES.noteAlarm, (req) => a.addNote(callerOf(req), req.params.event_id, req.body.note));

  api.implement(ROUTES.escalationSettings, (req) => a.listSettings(userOf(req)));
  api.implement(ROUTES.getEscalationSettings, (req) => a.getSettings(userOf(req), req.params.branch_id));
  api.implement(ROUTES.putEscalationSettings, (req) => a.putSettings(callerOf(req), req.params.branch_id, req.body));
  api.implement(ROUTES.deleteEscalationSettings, (req) => {
    a.deleteSettings(callerOf(req), req.params.branch_id);
    return DELETED;
  });
}
