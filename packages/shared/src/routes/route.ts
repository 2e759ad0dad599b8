/**
 * One declaration per REST route: method, path, access, params, query, body, response. The
 * server registers, validates and documents each route from it (apps/server/src/http/route.ts),
 * and the typed client's methods follow from it (api-client.ts), so the two cannot drift.
 *
 * The types below turn a declaration into what each side sees, after the model of Actual's
 * handler maps (`loot-core/src/types/handlers.ts`): one map of names to declarations, from which
 * every argument and result type is derived.
 *
 * - Client arguments: the path parameters in path order, then the body (when the route has one;
 *   optional when every field is), then the query (when the route has one; optional when every
 *   field is). `getGroup(3)`, `updateGroup(3, { group_name })`, `groupsPage({ status: 'active' })`.
 * - Client result: `data` of the success envelope; `{ items, meta }` for a route with `meta`
 *   (paged lists); `{ status, data }` for a route that answers with more than one success
 *   status (a detection is 202 when new, 200 when a repeat).
 * - Server handler: the request with typed params, query and body (zod output types) returns
 *   what the envelope carries (zod input types of the response schemas; the serializer checks it).
 */
import type { z } from 'zod';
import type { CredentialPermission } from '../schemas/auth.js';

/**
 * Who may call a route (enforced by the server's access hook, apps/server/src/http/access.ts):
 *
 * | access       | who                                                        |
 * | ------------ | ---------------------------------------------------------- |
 * | `public`     | anyone (sign-in, first-run setup, health, signed files)    |
 * | `device`     | an API credential with the route's `permission`            |
 * | `read`       | any signed-in user: admin, operator, viewer                |
 * | `operate`    | admin or operator (acknowledge, …); a viewer gets 403      |
 * | `admin`      | admin; their scope still limits which records they reach   |
 * | `user-admin` | admin whose scope is every branch (users, audit, groups)   |
 */
export type Access = 'public' | 'device' | 'read' | 'operate' | 'admin' | 'user-admin';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Statuses a route answers with on success. */
export type SuccessStatus = 200 | 201 | 202;

/** An object schema (path parameters and queries are objects). */
type ObjectSchema = z.ZodObject;

/** The declaration of one route. */
export interface RouteContract {
  method: HttpMethod;
  /** Fastify path syntax: `/api/v1/groups/:id`. */
  path: string;
  access: Access;
  /** With `access: 'device'`: the credential permission the route needs. */
  permission?: CredentialPermission;
  /** OpenAPI tags. */
  tags: readonly string[];
  summary?: string;
  description?: string;
  /** Path parameters: one key per `:name` in `path`. */
  params?: ObjectSchema;
  query?: ObjectSchema;
  body?: z.ZodType;
  /** Request media types other than JSON the route takes (OpenAPI `consumes`). */
  consumes?: readonly string[];
  /** Success status; a list when the route answers with several (the first is the usual one). Default 200. */
  status?: SuccessStatus | readonly SuccessStatus[];
  /**
   * Schema of the success envelope's `data`. Absent: the route answers with something other than
   * the JSON envelope (a file, a text echo) or is not described (the handler replies itself),
   * and the client has no method for it.
   */
  data?: z.ZodType;
  /** Schema of the envelope's `meta` (paging facts): the client then returns `{ items, meta }`. */
  meta?: z.ZodType;
  /**
   * Media types of a success answer that is not the JSON envelope, for a route without `data`: a
   * file (`image/jpeg`), a text echo (`text/plain`), an acknowledgement (`application/json`). The
   * document describes it as binary, text or a free-form object (see the server's http/route.ts).
   */
  produces?: readonly string[];
  /**
   * Error statuses the route's shape does not tell (see {@link errorStatuses}): a unique key's 409,
   * back-pressure's 503, a role check inside the service (403), a limiter's 429.
   */
  errors?: readonly number[];
  /** `start`: the answer's `data.token` is a session token the client keeps for its next calls. */
  session?: 'start';
}

/**
 * Declare a route; the literal types are kept, so every side's types follow from it.
 * @param route the declaration
 * @returns the same object
 */
export function defineRoute<const R extends RouteContract>(route: R): R {
  return route;
}

/** `/a/:x/b/:y` → `['x', 'y']`. */
export type PathParamNames<P extends string> = P extends `${string}/:${infer Name}/${infer Rest}`
  ? [Name, ...PathParamNames<`/${Rest}`>]
  : P extends `${string}/:${infer Name}`
    ? [Name]
    : [];

/**
 * The names of a path's parameters, in order (`/api/v1/alarms/:event_id/note` → `['event_id']`).
 * @param path Fastify path syntax
 */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
}

/**
 * What a client puts on the wire for an object schema: its input keys (so defaulted and optional
 * fields stay optional), with the output type where the input type says nothing (`z.coerce`
 * fields read `unknown` as input: a query's `page` is a number to the caller).
 */
export type Wire<S extends ObjectSchema> = {
  [K in keyof z.input<S>]: unknown extends z.input<S>[K]
    ? K extends keyof z.output<S>
      ? z.output<S>[K]
      : never
    : z.input<S>[K];
};

type ParamValues<R extends RouteContract, Names extends readonly string[]> = R['params'] extends ObjectSchema
  ? { [I in keyof Names]: Names[I] extends keyof Wire<R['params']> ? Wire<R['params']>[Names[I]] : never }
  : [];

type BodyArg<R extends RouteContract> = R['body'] extends z.ZodType
  ? object extends z.input<R['body']>
    ? [body?: z.input<R['body']>]
    : [body: z.input<R['body']>]
  : [];

type QueryArg<R extends RouteContract> = R['query'] extends ObjectSchema
  ? object extends Wire<R['query']>
    ? [query?: Wire<R['query']>]
    : [query: Wire<R['query']>]
  : [];

/** The client method's arguments: path parameters in order, then the body, then the query. */
export type ClientArgs<R extends RouteContract> = [
  ...ParamValues<R, PathParamNames<R['path']>>,
  ...BodyArg<R>,
  ...QueryArg<R>,
];

/** The query a client sends to a route (`Query<typeof ROUTES.groupsPage>`). */
export type QueryOf<R extends RouteContract> = R['query'] extends ObjectSchema ? Wire<R['query']> : never;

/** The body a client sends to a route. */
export type BodyOf<R extends RouteContract> = R['body'] extends z.ZodType ? z.input<R['body']> : never;

/** The `data` a route answers with, as the client reads it. */
export type DataOf<R extends RouteContract> = R['data'] extends z.ZodType ? z.output<R['data']> : never;

/** What the client method resolves with (see the module docstring). */
export type ClientResult<R extends RouteContract> = R['meta'] extends z.ZodType
  ? { items: DataOf<R>; meta: z.output<R['meta']> }
  : R['status'] extends readonly SuccessStatus[]
    ? { status: R['status'][number]; data: DataOf<R> }
    : DataOf<R>;

/** What the server's handler returns for the envelope (zod input types: the serializer checks them). */
export type HandlerResult<R extends RouteContract> = R['data'] extends z.ZodType
  ? R['meta'] extends z.ZodType
    ? { items: z.input<R['data']>; meta: z.input<R['meta']> }
    : z.input<R['data']>
  : unknown;

/** The success statuses of a route, the usual one first. */
export function successStatuses(route: RouteContract): readonly SuccessStatus[] {
  const s = route.status ?? 200;
  return typeof s === 'number' ? [s] : s;
}

/** Access levels whose check is a role (a signed-in user who lacks it gets 403 FORBIDDEN). */
const ROLE_CHECKED: ReadonlySet<Access> = new Set<Access>(['operate', 'admin', 'user-admin']);

/**
 * The error statuses of a route, ascending: what its declaration implies, plus the ones it
 * declares in `errors`. Each is answered with the failure envelope `{ success: false, error }`.
 *
 * | status   | derived when                                                                     |
 * | -------- | -------------------------------------------------------------------------------- |
 * | 400      | it takes input (path parameters, a query or a body): VALIDATION_ERROR, INVALID_JSON |
 * | 401      | access is not `public`: no or a bad bearer token, API key or secret                |
 * | 403      | access is a role (`operate`, `admin`, `user-admin`) or `device` (the credential's permission and scope) |
 * | 404      | the path names a record (`:id`, `:re_id`, …)                                       |
 * | 413, 415 | it takes a body: over the body limit; a media type it does not parse               |
 * | 429      | access is `device`: the credential limiter (failed authentications, request rate)  |
 *
 * 409 (a unique key, a state already left), 503 (back-pressure, a camera that does not answer)
 * and service-level checks come from `errors`: the shape cannot tell them.
 * @param route the declaration
 */
export function errorStatuses(route: RouteContract): number[] {
  const s = new Set<number>(route.errors ?? []);
  const takesInput = route.params !== undefined || route.query !== undefined || route.body !== undefined;
  if (takesInput) s.add(400);
  if (route.access !== 'public') s.add(401);
  if (route.access === 'device' || ROLE_CHECKED.has(route.access)) s.add(403);
  if (pathParamNames(route.path).length > 0) s.add(404);
  if (route.body !== undefined) {
    s.add(413);
    s.add(415);
  }
  if (route.access === 'device') s.add(429);
  return [...s].sort((a, b) => a - b);
}
