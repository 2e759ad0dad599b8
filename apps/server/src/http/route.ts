/**
 * Registers a route of the shared table (`ROUTES` in packages/shared/src/routes) with its
 * handler: the Fastify method, path, access, validation schemas and OpenAPI description all come
 * from the declaration, so a route is written once. The handler returns what the success
 * envelope carries (`data`, or `{ items, meta }` for a paged route) and this module wraps it in
 * `{ success: true, data[, meta] }` with the route's status; failures are thrown as PantauError
 * and enveloped by http/error-handler.ts.
 *
 * Routes of `access: 'device'` get the key check of their `permission` (http/device-auth.ts)
 * before the body is parsed, and the `X-API-Key`/`X-API-Secret` headers in their description.
 */
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifySchema,
  RouteOptions,
  onRequestAsyncHookHandler,
  preValidationAsyncHookHandler,
} from 'fastify';
import { z } from 'zod';
import {
  ERROR_STATUS,
  ErrorEnvelope,
  ROUTES,
  errorStatuses,
  successStatuses,
  type Access,
  type CredentialPermission,
  type HandlerResult,
  type RouteContract,
} from '@pantau/shared';

/** The headers of the device API's key check, as documented. */
const KeyHeaders = z.object({
  'x-api-key': z.string().max(128).optional(),
  'x-api-secret': z.string().max(256).optional(),
});

/**
 * The OpenAPI security requirement of an access level (schemes: http/openapi-document.ts): none
 * for `public` (an empty list, so no global default applies), the key and secret headers together
 * for `device`, the session's bearer token for the user levels.
 */
export function securityOf(access: Access): Array<Record<string, string[]>> {
  if (access === 'public') return [];
  if (access === 'device') return [{ apiKey: [], apiSecret: [] }];
  return [{ bearer: [] }];
}

/** A route's name in the table (its client method), by declaration: the OpenAPI `operationId`. */
const NAMES = new Map<RouteContract, string>(
  Object.entries(ROUTES as Readonly<Record<string, RouteContract>>).map(([name, r]) => [r, name]),
);

/** What each success status says in the document. */
const SUCCESS_TEXT: Record<number, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted' };

/** What each error status says in the document; the codes that answer with it follow. */
const ERROR_TEXT: Record<number, string> = {
  400: 'The request is invalid (`details.field` names the input)',
  401: 'Not authenticated',
  403: 'Authenticated but not allowed',
  404: 'No such record, or one outside your scope',
  409: 'Conflicts with the current state',
  413: 'Body too large',
  415: 'Unsupported content type',
  429: 'Too many requests (`Retry-After` says when to come back)',
  503: 'Unavailable for now: retry later',
};

/**
 * The failure envelope as one named schema: the document holds it once, as
 * `#/components/schemas/ErrorEnvelope` (emitted by the swagger options' `transformObject`).
 */
const ErrorBody = ErrorEnvelope.meta({ id: 'ErrorEnvelope' });

/**
 * The failure answer of one status: the envelope, described with the error codes that answer
 * with that status (ERROR_STATUS).
 */
function errorResponse(status: number) {
  const codes = Object.entries(ERROR_STATUS)
    .filter(([, st]) => st === status)
    .map(([code]) => code);
  const text = ERROR_TEXT[status] ?? 'Failure';
  return {
    description: codes.length > 0 ? `${text}: ${codes.join(', ')}` : text,
    content: { 'application/json': { schema: ErrorBody } },
  };
}

/**
 * The documented answer of a route that does not answer with the envelope: its media types, as
 * text (`text/*`), a free-form object (JSON) or binary (a file). The schema is also what Fastify
 * would serialize an object with; files and text are sent as they are.
 */
function producedResponse(types: readonly string[], status: number) {
  const content: Record<string, { schema: z.ZodType }> = {};
  for (const t of types) {
    const schema = t.startsWith('text/')
      ? z.string()
      : t === 'application/json' || t.endsWith('+json')
        ? z.looseObject({})
        : z.string().meta({ format: 'binary' });
    content[t] = { schema };
  }
  return { description: SUCCESS_TEXT[status] ?? 'Success', content };
}

type Out<S> = S extends z.ZodType ? z.output<S> : unknown;

/** The request a route's handler gets: params, query and body typed by the declaration. */
export type RouteRequest<R extends RouteContract> = FastifyRequest<{
  Params: Out<R['params']>;
  Querystring: Out<R['query']>;
  Body: Out<R['body']>;
}>;

/**
 * A route's handler. Returns the envelope's content ({@link HandlerResult}); may set another of
 * the route's success statuses with `reply.status(…)`. A route without `data` in its declaration
 * replies itself (a file, a text echo) and its return value is sent as it is.
 */
export type RouteHandler<R extends RouteContract> = (
  request: RouteRequest<R>,
  reply: FastifyReply,
) => HandlerResult<R> | Promise<HandlerResult<R>>;

/** What a route needs beyond its declaration: server-side limits and hooks. */
export interface RouteExtras {
  /** Largest body, bytes (default: the app's 1 MiB). */
  bodyLimit?: number;
  /** Runs first (e.g. the gateway's own authentication). */
  onRequest?: onRequestAsyncHookHandler;
  /** Runs before validation (e.g. a multipart form turned into the JSON body shape). */
  preValidation?: preValidationAsyncHookHandler;
}

/** Turns a device route's permission into its key-check hook (http/device-auth.ts). */
export type DeviceAuthFactory = (permission: CredentialPermission) => onRequestAsyncHookHandler;

/**
 * The Fastify schema of a declaration: what validates the request, serializes the answer and what
 * @fastify/swagger turns into the OpenAPI document (an operation per declaration: its table name
 * as `operationId`, summary, tags, the security of its access, the success answer and the failure
 * envelope for every status of {@link errorStatuses}).
 * @param route the declaration
 * @param name its name in the table (default: looked up in `ROUTES`; none for a route outside it)
 */
export function fastifySchema(route: RouteContract, name: string | undefined = NAMES.get(route)): FastifySchema {
  const response: Record<number, unknown> = {};
  for (const s of successStatuses(route)) {
    if (route.data) {
      response[s] = z
        .object({ success: z.literal(true), data: route.data, ...(route.meta ? { meta: route.meta } : {}) })
        .describe(SUCCESS_TEXT[s] ?? 'Success');
    } else if (route.produces?.length) response[s] = producedResponse(route.produces, s);
  }
  for (const s of errorStatuses(route)) response[s] = errorResponse(s);
  const device = route.access === 'device';
  return {
    ...(name !== undefined ? { operationId: name } : {}),
    tags: [...route.tags],
    ...(route.summary !== undefined ? { summary: route.summary } : {}),
    ...(route.description !== undefined ? { description: route.description } : {}),
    ...(route.consumes ? { consumes: [...route.consumes] } : {}),
    security: securityOf(route.access),
    ...(device ? { headers: KeyHeaders } : {}),
    ...(route.params ? { params: route.params } : {}),
    ...(route.query ? { querystring: route.query } : {}),
    ...(route.body ? { body: route.body } : {}),
    ...(Object.keys(response).length > 0 ? { response } : {}),
  };
}

/**
 * Register one declared route.
 * @param app the app (or an encapsulated context of it, e.g. one with its own body parser)
 * @param route the declaration from `ROUTES`
 * @param handler returns the envelope's content
 * @param extras server-side limits and hooks
 * @param deviceAuth required for `access: 'device'` routes: makes the key-check hook
 * @throws Error when a device route has no permission or no `deviceAuth`
 */
export function implementRoute<R extends RouteContract>(
  app: FastifyInstance,
  route: R,
  handler: RouteHandler<R>,
  extras: RouteExtras = {},
  deviceAuth?: DeviceAuthFactory,
): void {
  const onRequest: onRequestAsyncHookHandler[] = [];
  if (extras.onRequest) onRequest.push(extras.onRequest);
  if (route.access === 'device') {
    if (!route.permission || !deviceAuth)
      throw new Error(`device route ${route.path} needs a permission and a key check`);
    onRequest.push(deviceAuth(route.permission));
  }
  const status = successStatuses(route)[0] ?? 200;
  const options: RouteOptions = {
    method: route.method,
    url: route.path,
    config: { access: route.access },
    schema: fastifySchema(route),
    ...(extras.bodyLimit !== undefined ? { bodyLimit: extras.bodyLimit } : {}),
    ...(onRequest.length > 0 ? { onRequest } : {}),
    ...(extras.preValidation ? { preValidation: extras.preValidation } : {}),
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      void reply.status(status);
      const result = await handler(request as RouteRequest<R>, reply);
      if (!route.data) return result;
      if (route.meta) {
        const page = result as { items: unknown; meta: unknown };
        return { success: true, data: page.items, meta: page.meta };
      }
      return { success: true, data: result };
    },
  };
  app.route(options);
}

/** Registers the routes of one app against the shared table, with the device key check. */
export class RouteRegistrar {
  constructor(
    private readonly app: FastifyInstance,
    private readonly deviceAuth: DeviceAuthFactory,
  ) {}

  /**
   * Register a declared route on this registrar's app (see {@link implementRoute}).
   * @param app another context of the same app, for routes that need their own plugins or parsers
   */
  implement<R extends RouteContract>(
    route: R,
    handler: RouteHandler<R>,
    extras: RouteExtras = {},
    app: FastifyInstance = this.app,
  ): void {
    implementRoute(app, route, handler, extras, this.deviceAuth);
  }
}

/**
 * The declared routes missing from what an app registered, and those registered twice: both
 * must be empty once every route file has run (checked when the app becomes ready).
 * @param routes the table
 * @param registered `METHOD path` of every registered route
 */
export function tableCoverage(
  routes: Readonly<Record<string, RouteContract>>,
  registered: readonly string[],
): { missing: string[]; duplicated: string[] } {
  const count = new Map<string, number>();
  for (const r of registered) count.set(r, (count.get(r) ?? 0) + 1);
  const missing: string[] = [];
  const duplicated: string[] = [];
  for (const [name, r] of Object.entries(routes)) {
    const key = `${r.method} ${r.path}`;
    const n = count.get(key) ?? 0;
    if (n === 0) missing.push(`${name} (${key})`);
    if (n > 1) duplicated.push(`${name} (${key})`);
  }
  return { missing, duplicated };
}
