/**
 * `/api/v1/auth` (sign in, who am I, change own password, sign out) and `/api/v1/setup`
 * (first run: the first admin, only while no user exists). Declarations: packages/shared/src/routes/auth.ts.
 */
import { PantauError, ROUTES } from '@pantau/shared';
import type { Services } from '../services/container.js';
import { bearerToken, userOf } from '../http/access.js';
import { actorOf } from '../http/actor.js';
import type { RouteRegistrar } from '../http/route.js';

const userAgent = (h: string | string[] | undefined) => (typeof h === 'string' ? h : null);

/** Register the auth and setup routes. */
export function authRoutes(api: RouteRegistrar, s: Services): void {
  api.implement(ROUTES.login, async (req, reply) => {
    try {
      return await s.auth.login(req.body.email, req.body.password, req.ip, userAgent(req.headers['user-agent']));
    } catch (err) {
      // the limiter's wait, for clients that honour Retry-After
      if (err instanceof PantauError && err.code === 'RATE_LIMITED') {
        void reply.header('retry-after', String(err.details?.retry_after_s ?? 60));
      }
      throw err;
    }
  });
  api.implement(ROUTES.me, (req) => s.auth.me(userOf(req).id));
  api.implement(ROUTES.changePassword, async (req) => {
    await s.auth.changePassword(userOf(req), req.body.current_password, req.body.new_password, actorOf(req));
    return { ok: true as const };
  });
  api.implement(ROUTES.logout, (req) => {
    s.auth.logout(bearerToken(req)!);
    s.hub.sessionEnded(userOf(req).sessionId);
    return { ok: true as const };
  });
  api.implement(ROUTES.setupState, () => ({ needs_setup: s.auth.needsSetup() }));
  api.implement(ROUTES.setup, (req) => s.auth.setup(req.body, req.ip, userAgent(req.headers['user-agent'])));
}
