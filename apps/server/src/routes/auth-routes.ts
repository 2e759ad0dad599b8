/**
 * `/api/v1/auth` (sign in, who am I, change own password, sign out) and `/api/v1/setup`
 * (first-run: the first admin, only while no user exists).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LoginBody, LoginResult, PantauError, PasswordChange, SetupBody, SetupState, User, envelope } from '@pantau/shared';
import type { Services } from '../services/container.js';
import { bearerToken, userOf } from '../http/access.js';
import { actorOf } from '../http/actor.js';

const Ok = envelope(z.object({ ok: z.literal(true) }));

/** Register the auth and setup routes. */
export async function authRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['auth'];
  const ua = (h: string | string[] | undefined) => (typeof h === 'string' ? h : null);

  r.post('/api/v1/auth/login', { config: { access: 'public' }, schema: { tags, body: LoginBody, response: { 200: envelope(LoginResult) } } }, async (req, reply) => {
    try {
      return { success: true as const, data: await s.auth.login(req.body.email, req.body.password, req.ip, ua(req.headers['user-agent'])) };
    } catch (err) {
      if (err instanceof PantauError && err.code === 'RATE_LIMITED') void reply.header('retry-after', String(err.details?.retry_after_s ?? 60));
      throw err;
    }
  });
  r.get('/api/v1/auth/me', { config: { access: 'read' }, schema: { tags, response: { 200: envelope(User) } } }, async (req) => ({ success: true as const, data: s.auth.me(userOf(req).id) }));
  r.post('/api/v1/auth/password', { config: { access: 'read' }, schema: { tags, body: PasswordChange, response: { 200: Ok } } }, async (req) => {
    const user = userOf(req);
    await s.auth.changePassword(user, req.body.current_password, req.body.new_password, actorOf(req));
    return { success: true as const, data: { ok: true as const } };
  });
  r.post('/api/v1/auth/logout', { config: { access: 'read' }, schema: { tags, response: { 200: Ok } } }, async (req) => {
    s.auth.logout(bearerToken(req)!);
    s.hub.sessionEnded(userOf(req).sessionId);
    return { success: true as const, data: { ok: true as const } };
  });

  r.get('/api/v1/setup', { config: { access: 'public' }, schema: { tags: ['setup'], response: { 200: envelope(SetupState) } } }, async () => ({ success: true as const, data: { needs_setup: s.auth.needsSetup() } }));
  r.post('/api/v1/setup', { config: { access: 'public' }, schema: { tags: ['setup'], body: SetupBody, response: { 200: envelope(LoginResult) } } }, async (req) => ({
    success: true as const,
    data: await s.auth.setup(req.body, req.ip, ua(req.headers['user-agent'])),
  }));
}
