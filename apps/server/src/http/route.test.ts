/**
 * Routes registered from their declarations: the envelope, the status, paged answers, the
 * device key check, and the start-up check that every declared route is registered once.
 */
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PageMeta, PantauError, ROUTES, defineRoute } from '@pantau/shared';
import { installErrorHandler } from './error-handler.js';
import { fastifySchema, implementRoute, tableCoverage } from './route.js';

async function app() {
  const a = Fastify();
  a.setValidatorCompiler(validatorCompiler);
  a.setSerializerCompiler(serializerCompiler);
  installErrorHandler(a);
  return a;
}

const Thing = z.object({ id: z.int(), name: z.string() });

describe('implementRoute', () => {
  it('wraps data in the envelope with the declared status, and pages with their meta', async () => {
    const a = await app();
    const create = defineRoute({
      method: 'POST',
      path: '/things',
      access: 'public',
      tags: ['t'],
      body: z.object({ name: z.string().min(1) }),
      status: 201,
      data: Thing,
    });
    const page = defineRoute({
      method: 'GET',
      path: '/things',
      access: 'public',
      tags: ['t'],
      query: z.object({ page: z.coerce.number().int().default(1) }),
      data: z.array(Thing),
      meta: PageMeta,
    });
    implementRoute(
      a,
      create,
      (req) => ({ id: 1, name: req.body.name, secret: 'dropped' }) as { id: number; name: string },
    );
    implementRoute(a, page, (req) => ({
      items: [{ id: req.query.page, name: 'x' }],
      meta: { page: req.query.page, per_page: 1, total: 9 },
    }));
    const made = await a.inject({ method: 'POST', url: '/things', payload: { name: 'cam' } });
    expect(made.statusCode).toBe(201);
    // the response schema is applied: fields it does not declare are not sent
    expect(made.json()).toEqual({ success: true, data: { id: 1, name: 'cam' } });
    const bad = await a.inject({ method: 'POST', url: '/things', payload: { name: '' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      success: false,
      error: { code: 'VALIDATION_ERROR', details: { field: 'name' } },
    });
    const listed = await a.inject({ method: 'GET', url: '/things?page=3' });
    expect(listed.json()).toEqual({
      success: true,
      data: [{ id: 3, name: 'x' }],
      meta: { page: 3, per_page: 1, total: 9 },
    });
    await a.close();
  });

  it('runs the key check of a device route before its handler, with the declared permission', async () => {
    const a = await app();
    const asked: string[] = [];
    implementRoute(
      a,
      ROUTES.heartbeat,
      () => ({ device_id: 'cam-1', status: 'online' as const, timeout_s: 60, cameras: [] }),
      {},
      (permission) => async () => {
        asked.push(permission);
        throw new PantauError('INVALID_CREDENTIALS', 'unknown key');
      },
    );
    const r = await a.inject({ method: 'POST', url: ROUTES.heartbeat.path, payload: { device_id: 'cam-1' } });
    expect(r.statusCode).toBe(401);
    expect(asked).toEqual(['devices:heartbeat']);
    expect(() =>
      implementRoute(a, ROUTES.detections, () => ({ items: [], meta: { page: 1, per_page: 1, total: 0 } })),
    ).toThrow(/needs a permission and a key check/);
    await a.close();
  });

  it('documents device routes with the key headers and security, and the derived and declared error statuses', () => {
    const s = fastifySchema(ROUTES.logDetection) as {
      security: unknown;
      headers: unknown;
      response: Record<number, unknown>;
      consumes: string[];
    };
    expect(s.security).toEqual([{ apiKey: [], apiSecret: [] }]);
    expect(s.headers).toBeDefined();
    // 403: the credential's permission; the rest as declared
    expect(Object.keys(s.response).map(Number)).toEqual([200, 202, 400, 401, 403, 404, 413, 415, 429, 503]);
    expect(s.consumes).toEqual(['application/json', 'multipart/form-data']);
  });

  it('documents the security of every access level, and names table routes by their key', () => {
    expect(fastifySchema(ROUTES.getGroup)).toMatchObject({ operationId: 'getGroup', security: [{ bearer: [] }] });
    expect(fastifySchema(ROUTES.login)).toMatchObject({ operationId: 'login', security: [] });
    expect(fastifySchema(ROUTES.logDetection)).toMatchObject({ operationId: 'logDetection' });
    // a route outside the table has no name to give
    const adHoc = defineRoute({ method: 'GET', path: '/x', access: 'admin', tags: ['t'], data: z.null() });
    expect(fastifySchema(adHoc)).not.toHaveProperty('operationId');
    expect(fastifySchema(adHoc)).toMatchObject({ security: [{ bearer: [] }] });
  });

  it('answers a documented failure in the envelope, through its schema', async () => {
    const a = await app();
    const r = defineRoute({
      method: 'GET',
      path: '/things/:id',
      access: 'public',
      tags: ['t'],
      params: z.object({ id: z.coerce.number().int() }),
      data: Thing,
    });
    implementRoute(a, r, () => {
      throw new PantauError('NOT_FOUND', 'no such thing', { field: 'id' });
    });
    const res = await a.inject({ method: 'GET', url: '/things/3' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      success: false,
      error: { code: 'NOT_FOUND', message: 'no such thing', details: { field: 'id' } },
    });
  });

  it('documents a file answer by its media types', () => {
    const s = fastifySchema(ROUTES.streamStill) as { response: Record<number, { content?: Record<string, unknown> }> };
    expect(Object.keys(s.response[200]?.content ?? {})).toEqual(['image/jpeg']);
  });
});

describe('tableCoverage', () => {
  it('names declared routes that are missing or registered twice', () => {
    const routes = { a: ROUTES.getGroup, b: ROUTES.health, c: ROUTES.me };
    expect(tableCoverage(routes, ['GET /api/v1/groups/:id', 'GET /health', 'GET /health', 'GET /extra'])).toEqual({
      missing: ['c (GET /api/v1/auth/me)'],
      duplicated: ['b (GET /health)'],
    });
  });
});
