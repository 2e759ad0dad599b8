/**
 * `/api/v1/credentials` (S7): each route delegates to the credential service. Declarations:
 * packages/shared/src/routes/credentials.ts.
 */
import { DELETED, ROUTES } from '@pantau/shared';
import type { Services } from '../services/container.js';
import { userOf } from '../http/access.js';
import { actorOf } from '../http/actor.js';
import type { RouteRegistrar } from '../http/route.js';

/** Register the credential routes. */
export function credentialRoutes(api: RouteRegistrar, s: Services): void {
  const c = s.credentials;
  api.implement(ROUTES.credentialsPage, (req) => c.page(req.query));
  api.implement(ROUTES.getCredential, (req) => c.get(req.params.id));
  api.implement(ROUTES.createCredential, (req) => c.create(req.body, actorOf(req), userOf(req).id));
  api.implement(ROUTES.updateCredential, (req) => c.update(req.params.id, req.body, actorOf(req)));
  api.implement(ROUTES.revokeCredential, (req) => c.revoke(req.params.id, actorOf(req)));
  api.implement(ROUTES.rotateCredential, (req) => c.rotate(req.params.id, req.body.grace_seconds, actorOf(req)));
  api.implement(ROUTES.deleteCredential, (req) => (c.delete(req.params.id, actorOf(req)), DELETED));
}
