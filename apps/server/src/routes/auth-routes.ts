/**
 * `/api/v1/auth`: sign in, who am I, sign out.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LoginBody, LoginResult, User, envelope } from '@pantau/shared';
import type { Services } from '../services/container.js';
import { bearerToken, requireUser, userOf } from '../http/auth-guard.js';

/** Register the auth routes. */
export async function authRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post('/api/v1/auth/login', { schema: { tags: ['auth'], body: LoginBody, response: { 200: envelope(LoginResult) } } }, async (req) => ({
    success: true as const,
    data: await s.auth.login(req.body.email, req.body.password, req.ip),
  }));
  r.get('/api/v1/auth/me', { schema: { tags: ['auth'], response: { 200: envelope(User) } }, preHandler: requireUser(s.auth) }, async (req) => ({
    success: true as const,
    data: await s.auth.me(userOf(req).id),
  }));
  r.post(
    '/api/v1/auth/logout',
    { schema: { tags: ['auth'], response: { 200: envelope(z.object({ ok: z.literal(true) })) } }, preHandler: requireUser(s.auth) },
    async (req) => {
      await s.auth.logout(bearerToken(req)!);
      return { success: true as const, data: { ok: true as const } };
    },
  );
}
