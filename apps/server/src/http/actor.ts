/**
 * The audit actor of a request: the signed-in user, their address and browser.
 */
import type { FastifyRequest } from 'fastify';
import type { Actor, Caller } from '../domain/caller.js';
import { userOf } from './access.js';

/** Actor of a request (user may be absent on public routes). */
export function actorOf(request: FastifyRequest): Actor {
  const u = request.authUser;
  const ua = request.headers['user-agent'];
  return { id: u?.id ?? null, email: u?.email ?? null, ip: request.ip, userAgent: typeof ua === 'string' ? ua : null };
}

/** The signed-in caller of a request: user and actor. */
export function callerOf(request: FastifyRequest): Caller {
  return { user: userOf(request), actor: actorOf(request) };
}
