/**
 * The key check of device and integrator routes (S7): `X-API-Key` + `X-API-Secret`, the
 * route's permission, the credential's scope and its hourly limit. Every answer of such a
 * route carries X-RateLimit-Limit, -Remaining and -Reset; past the limit it is 429 with
 * Retry-After. Runs before the body is parsed, so a caller without a valid key learns
 * nothing about the schema and costs no parsing.
 */
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { PantauError, type CredentialPermission } from '@pantau/shared';
import type { CredentialRow } from '../repositories/credential-repository.js';
import type { CredentialService } from '../services/credential-service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the key check of device routes. */
    credential: CredentialRow | null;
  }
}

const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * An onRequest hook that authenticates a device request and counts it.
 * @throws PantauError UNAUTHENTICATED, INVALID_CREDENTIALS (also a suspended key: `details.reason: 'inactive'`),
 *   CREDENTIAL_EXPIRED, FORBIDDEN (permission), RATE_LIMITED
 */
export function deviceAuth(
  credentials: CredentialService,
  permission: CredentialPermission,
): onRequestAsyncHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    let row: CredentialRow;
    try {
      row = await credentials.verify(
        header(request.headers['x-api-key']),
        header(request.headers['x-api-secret']),
        request.ip,
      );
    } catch (err) {
      if (err instanceof PantauError && err.code === 'RATE_LIMITED')
        void reply.header('retry-after', String(err.details?.retry_after_s ?? 60));
      throw err;
    }
    request.credential = row;
    credentials.requirePermission(row, permission);
    const rate = credentials.consume(row);
    void reply.header('x-ratelimit-limit', String(rate.limit));
    void reply.header('x-ratelimit-remaining', String(rate.remaining));
    void reply.header('x-ratelimit-reset', String(rate.resetEpochS));
    if (rate.limited) {
      void reply.header('retry-after', String(rate.retryAfterS));
      throw new PantauError(
        'RATE_LIMITED',
        `rate limit of ${rate.limit} requests per hour reached; retry in ${rate.retryAfterS} s`,
        { retry_after_s: rate.retryAfterS },
      );
    }
  };
}
