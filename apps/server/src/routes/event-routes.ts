/**
 * Operator reads: persons (S8: the list, a person, their detections and journey, and the
 * label, note and status operators and admins set), the event feed (D4), an event's snapshot links, and
 * `GET /files/:token`, the file a signed link names (public: the token is the authorisation; see
 * services/snapshot-access.ts). Declarations: packages/shared/src/routes/events.ts.
 */
import { ROUTES } from '@pantau/shared';
import type { Services } from '../services/container.js';
import { userOf } from '../http/access.js';
import { callerOf } from '../http/actor.js';
import type { RouteRegistrar } from '../http/route.js';

/** Register the person, event and file routes. */
export function eventRoutes(api: RouteRegistrar, s: Services): void {
  api.implement(ROUTES.listPersons, (req) => s.persons.list(userOf(req), req.query));
  api.implement(ROUTES.person, (req) => s.persons.get(userOf(req), req.params.re_id));
  api.implement(ROUTES.personDetections, (req) => s.persons.detections(userOf(req), req.params.re_id, req.query));
  api.implement(ROUTES.personJourney, (req) => s.persons.journey(userOf(req), req.params.re_id));
  api.implement(ROUTES.updatePerson, (req) => s.persons.update(callerOf(req), req.params.re_id, req.body));
  api.implement(ROUTES.listEvents, (req) => s.reads.events(userOf(req), req.query));
  api.implement(ROUTES.eventSnapshot, (req) => {
    const u = userOf(req);
    return s.snapshotAccess.links(req.params.id, { id: u.id, branchScope: u.branchScope }, req.ip);
  });
  api.implement(ROUTES.file, async (req, reply) => {
    const f = await s.snapshotAccess.open(req.params.token, req.ip);
    return reply
      .header('content-type', f.mime)
      .header('content-length', f.bytes)
      .header('cache-control', `private, max-age=${f.maxAgeS}, immutable`)
      .header('x-content-type-options', 'nosniff')
      .header('content-disposition', 'inline')
      .send(f.stream);
  });
}
