/**
 * `/api/v1/groups|branches|devices|streams` (S1) and `/api/v1/camera-tree`: each route
 * delegates to the organisation service, which applies the caller's scope (out of scope = 404).
 * Declarations: packages/shared/src/routes/organisation.ts.
 */
import { DELETED, ROUTES } from '@pantau/shared';
import type { Services } from '../services/container.js';
import { userOf } from '../http/access.js';
import { callerOf } from '../http/actor.js';
import { onvifProfiles } from '../onvif/onvif-profiles.js';
import type { RouteRegistrar } from '../http/route.js';

/** Register the organisation routes. */
export function organisationRoutes(api: RouteRegistrar, s: Services): void {
  const o = s.organisation;
  api.implement(ROUTES.groupsPage, (req) => o.pageGroups(userOf(req), req.query));
  api.implement(ROUTES.getGroup, (req) => o.getGroup(userOf(req), req.params.id));
  api.implement(ROUTES.createGroup, (req) => o.createGroup(callerOf(req), req.body));
  api.implement(ROUTES.updateGroup, (req) => o.updateGroup(callerOf(req), req.params.id, req.body));
  api.implement(ROUTES.deleteGroup, (req) => (o.deleteGroup(callerOf(req), req.params.id), DELETED));

  api.implement(ROUTES.branchesPage, (req) => o.pageBranches(userOf(req), req.query));
  api.implement(ROUTES.getBranch, (req) => o.getBranch(userOf(req), req.params.id));
  api.implement(ROUTES.createBranch, (req) => o.createBranch(callerOf(req), req.body));
  api.implement(ROUTES.updateBranch, (req) => o.updateBranch(callerOf(req), req.params.id, req.body));
  api.implement(ROUTES.deleteBranch, (req) => (o.deleteBranch(callerOf(req), req.params.id), DELETED));

  api.implement(ROUTES.devicesPage, (req) => o.pageDevices(userOf(req), req.query));
  api.implement(ROUTES.getDevice, (req) => o.getDevice(userOf(req), req.params.id));
  api.implement(ROUTES.createDevice, (req) => o.createDevice(callerOf(req), req.body));
  api.implement(ROUTES.updateDevice, (req) => o.updateDevice(callerOf(req), req.params.id, req.body));
  api.implement(ROUTES.deleteDevice, (req) => (o.deleteDevice(callerOf(req), req.params.id), DELETED));

  api.implement(ROUTES.streamsPage, (req) => o.pageStreams(userOf(req), req.query));
  api.implement(ROUTES.getStream, (req) => o.getStream(userOf(req), req.params.id));
  api.implement(ROUTES.createStream, (req) => o.createStream(callerOf(req), req.body));
  // nothing stored: the device's answer fills the stream form (onvif/onvif-profiles.ts)
  api.implement(ROUTES.onvifProfiles, (req) => onvifProfiles(req.body));
  api.implement(ROUTES.updateStream, (req) => o.updateStream(callerOf(req), req.params.id, req.body));
  api.implement(ROUTES.deleteStream, (req) => (o.deleteStream(callerOf(req), req.params.id), DELETED));

  api.implement(ROUTES.cameraTree, (req) => o.cameraTree(userOf(req)));
}
