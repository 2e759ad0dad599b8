/**
 * Typed REST client for Pantau, used by the console, the simulator and the tests.
 *
 * Its methods come from the shared route table (routes/index.ts): one method per route that
 * answers with the JSON envelope, named like the route, with arguments and result derived from
 * the route's declaration (routes/route.ts): `client.getGroup(3)`, `client.updateGroup(3, body)`,
 * `client.groupsPage({ status: 'active' })` → `{ items, meta }`. Nothing here restates a path,
 * a verb or a type.
 *
 * Built on one axios instance: the base URL, the bearer token or the device API key, a
 * per-request timeout, and a response interceptor that turns every failure envelope into a
 * {@link PantauError} carrying the server's code, message and details (field path); a server
 * that cannot be reached (or does not answer within the timeout) is `UNAVAILABLE`.
 */
import axios, {
  AxiosError,
  AxiosHeaders,
  type AxiosInstance,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { PantauError, type ErrorCode } from './errors.js';
import type { PageMeta } from './schemas/common.js';
import {
  ROUTES,
  pathParamNames,
  successStatuses,
  type ClientArgs,
  type ClientResult,
  type EnvelopeRouteName,
  type QueryOf,
  type RouteContract,
  type Routes,
} from './routes/index.js';

export interface ApiClientOptions {
  /** e.g. `http://127.0.0.1:8080` (no trailing slash needed). */
  baseUrl: string;
  /** Bearer token of a signed-in user. */
  token?: string | undefined;
  /** Device API key and secret for the device API. */
  apiKey?: { key: string; secret: string } | undefined;
  /** Per-request timeout, ms (default 10 000). */
  timeoutMs?: number;
  /** A `fetch` to send requests with (tests inject one); default: axios's own adapter for the platform. */
  fetch?: typeof fetch;
}

/** A query as the low-level calls take it. */
type Query = Record<string, string | number | boolean | undefined>;

/** A raw answer, whatever its status: what the console's API test console shows. */
export interface RawResponse {
  status: number;
  headers: Headers;
  /** The parsed JSON body, or the text when it is not JSON (`undefined` when empty). */
  body: unknown;
  /** Time from sending to the whole body read, ms. */
  ms: number;
}

/** One method per envelope route of the table. */
export type ApiMethods = {
  [K in EnvelopeRouteName]: (...args: ClientArgs<Routes[K]>) => Promise<ClientResult<Routes[K]>>;
};

/** A list page as the client returns it. */
type PageOf<K extends EnvelopeRouteName> = ClientResult<Routes[K]>;

declare module 'axios' {
  interface AxiosRequestConfig {
    /** Pantau: hand back every answer as it came (the API test console), instead of throwing on a failure envelope. */
    pantauRaw?: boolean;
  }
}

/** The failure envelope's `error`, when a body is one. */
function envelopeError(body: unknown): { code: ErrorCode; message: string; details?: Record<string, unknown> } | null {
  const e = (body as { success?: unknown; error?: unknown } | null)?.error;
  if (typeof e !== 'object' || e === null) return null;
  const { code, message, details } = e as { code?: unknown; message?: unknown; details?: unknown };
  if (typeof code !== 'string') return null;
  return {
    code: code as ErrorCode,
    message: typeof message === 'string' ? message : code,
    ...(typeof details === 'object' && details !== null ? { details: details as Record<string, unknown> } : {}),
  };
}

/** A body as sent: text that is JSON parsed, other text kept, empty → undefined. */
function parseBody(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  if (data === '') return undefined;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
}

/** Axios's headers as a fetch `Headers` (what callers of `raw` read with `.get`). */
function toHeaders(h: AxiosResponse['headers']): Headers {
  const out = new Headers();
  for (const [k, v] of Object.entries(AxiosHeaders.from(h as AxiosHeaders).toJSON())) {
    if (typeof v === 'string') out.set(k, v);
    else if (Array.isArray(v)) for (const x of v) out.append(k, String(x));
    else if (v !== undefined && v !== null && v !== false) out.set(k, String(v));
  }
  return out;
}

/** The client's state and its low-level calls; the route methods are added by the constructor. */
class ApiClientCore {
  /** Bearer token of the signed-in user; set by `login` and `setup`. */
  token: string | undefined;
  private readonly base: string;
  private readonly http: AxiosInstance;

  constructor(opts: ApiClientOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, '');
    this.token = opts.token;
    const apiKey = opts.apiKey;
    this.http = axios.create({
      baseURL: this.base,
      timeout: opts.timeoutMs ?? 10_000,
      headers: { accept: 'application/json' },
      // the body as text: parsed here, so a non-JSON answer is told apart from a JSON one
      responseType: 'text',
      transformResponse: [(d: unknown) => d],
      ...(opts.fetch ? { adapter: 'fetch' as const, env: { fetch: opts.fetch } } : {}),
    });
    this.http.interceptors.request.use((config: InternalAxiosRequestConfig) => {
      // without a body there is no content type (axios would call it a form)
      if (config.data === undefined) config.headers.set('content-type', false);
      // read at send time: the token changes on sign-in
      if (this.token) config.headers.set('authorization', `Bearer ${this.token}`);
      if (apiKey) {
        config.headers.set('x-api-key', apiKey.key);
        config.headers.set('x-api-secret', apiKey.secret);
      }
      return config;
    });
    this.http.interceptors.response.use(
      (res) => {
        res.data = parseBody(res.data);
        if (res.config.pantauRaw) return res;
        if (typeof res.data === 'string') {
          throw new PantauError('INTERNAL_ERROR', `server answered ${res.status} with non-JSON body`);
        }
        if ((res.data as { success?: unknown } | undefined)?.success !== true) {
          const e = envelopeError(res.data);
          throw new PantauError(e?.code ?? 'INTERNAL_ERROR', e?.message ?? `HTTP ${res.status}`, e?.details);
        }
        return res;
      },
      (err: unknown) => {
        if (err instanceof PantauError) throw err;
        const ax = err instanceof AxiosError ? err : null;
        const res = ax?.response;
        if (!res) throw new PantauError('UNAVAILABLE', `cannot reach ${this.base}: ${(err as Error).message}`);
        const body = parseBody(res.data);
        const e = envelopeError(body);
        if (e) throw new PantauError(e.code, e.message, e.details);
        if (typeof body === 'string') {
          throw new PantauError('INTERNAL_ERROR', `server answered ${res.status} with non-JSON body`);
        }
        throw new PantauError('INTERNAL_ERROR', `HTTP ${res.status}`);
      },
    );
  }

  /**
   * Low-level call: `data` (and `meta`) of a success envelope together with the HTTP status.
   * @throws PantauError with the server's code, or `UNAVAILABLE` when the server cannot be reached
   */
  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    query?: Query,
  ): Promise<{ status: number; data: T; meta?: PageMeta; headers: Headers }> {
    const res = await this.http.request({ method, url: path, data: body, params: cleanQuery(query) });
    const env = res.data as { data: T; meta?: PageMeta };
    const out = { status: res.status, data: env.data, headers: toHeaders(res.headers) };
    return env.meta === undefined ? out : { ...out, meta: env.meta };
  }

  /**
   * Sends a request with this client's token or API key and returns the answer as it came,
   * without turning a non-2xx status into an error (the API test console shows them all).
   * @throws PantauError `UNAVAILABLE` only when the server cannot be reached
   */
  async raw(method: string, path: string, body?: unknown, query?: Query): Promise<RawResponse> {
    const started = performance.now();
    const res = await this.http.request({
      method,
      url: path,
      data: body,
      params: cleanQuery(query),
      pantauRaw: true,
      validateStatus: () => true,
    });
    return { status: res.status, headers: toHeaders(res.headers), body: res.data, ms: performance.now() - started };
  }

  /**
   * Fetch a file a route answers with instead of an envelope (a report export), with this
   * client's token.
   * @param path the file's path, e.g. `/api/v1/reports/3/export`
   * @returns the bytes, their media type and the file name of `content-disposition` (or null)
   * @throws PantauError with the server's code when it answers with an error envelope
   */
  async download(path: string, query?: Query): Promise<{ bytes: ArrayBuffer; type: string; filename: string | null }> {
    const res = await this.http.request<ArrayBuffer>({
      method: 'GET',
      url: path,
      params: cleanQuery(query),
      responseType: 'arraybuffer',
      pantauRaw: true,
      validateStatus: () => true,
      timeout: 120_000,
    });
    const headers = toHeaders(res.headers);
    if (res.status >= 400) {
      const e = envelopeError(parseBody(new TextDecoder().decode(res.data)));
      throw new PantauError(e?.code ?? 'INTERNAL_ERROR', e?.message ?? `HTTP ${res.status}`, e?.details);
    }
    const name = /filename="([^"]+)"/.exec(headers.get('content-disposition') ?? '')?.[1] ?? null;
    return { bytes: res.data, type: headers.get('content-type') ?? 'application/octet-stream', filename: name };
  }

  /** Call a route of the table with its client arguments (what every route method does). */
  protected async invoke(route: RouteContract, args: unknown[]): Promise<unknown> {
    let i = 0;
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, () => encodeURIComponent(String(args[i++])));
    const body = route.body ? args[i++] : undefined;
    const query = route.query ? (args[i++] as Query | undefined) : undefined;
    // an action without a body (revoke, logout) sends `{}`, as a form would send no fields
    const sent = body ?? (route.body || (route.method !== 'GET' && route.method !== 'DELETE') ? {} : undefined);
    const r = await this.request<unknown>(route.method, path, sent, query);
    if (route.session === 'start') this.token = (r.data as { token: string }).token;
    if (route.meta) return { items: r.data, meta: r.meta };
    if (successStatuses(route).length > 1) return { status: r.status, data: r.data };
    return r.data;
  }
}

/** Drop undefined values (axios would send `key=`… for some serialisers). */
function cleanQuery(q: Query | undefined): Query | undefined {
  if (!q) return undefined;
  const out: Query = {};
  for (const [k, v] of Object.entries(q)) if (v !== undefined) out[k] = v;
  return out;
}

/** The route methods plus a few conveniences for pickers, built on them. */
class ApiClientImpl extends ApiClientCore {
  constructor(opts: ApiClientOptions) {
    super(opts);
    const self = this as unknown as Record<string, unknown>;
    for (const [name, route] of Object.entries(ROUTES) as Array<[string, RouteContract]>) {
      if (!route.data) continue;
      if (pathParamNames(route.path).length !== (route.params ? Object.keys(route.params.shape).length : 0)) {
        throw new Error(`route ${name}: path parameters and params schema disagree`);
      }
      self[name] = (...args: unknown[]) => this.invoke(route, args);
    }
  }

  /** Every group the caller may see (first 500): for pickers. */
  listGroups(q: QueryOf<Routes['groupsPage']> = {}): Promise<PageOf<'groupsPage'>['items']> {
    return (this as unknown as ApiClient).groupsPage({ per_page: 500, ...q }).then((p) => p.items);
  }

  /** Branches the caller may see (first 500): for pickers. */
  listBranches(q: QueryOf<Routes['branchesPage']> = {}): Promise<PageOf<'branchesPage'>['items']> {
    return (this as unknown as ApiClient).branchesPage({ per_page: 500, ...q }).then((p) => p.items);
  }

  /** Devices the caller may see (first 500): for pickers. */
  listDevices(q: QueryOf<Routes['devicesPage']> = {}): Promise<PageOf<'devicesPage'>['items']> {
    return (this as unknown as ApiClient).devicesPage({ per_page: 500, ...q }).then((p) => p.items);
  }

  /** Streams the caller may see (first 500): for pickers. */
  listStreams(q: QueryOf<Routes['streamsPage']> = {}): Promise<PageOf<'streamsPage'>['items']> {
    return (this as unknown as ApiClient).streamsPage({ per_page: 500, ...q }).then((p) => p.items);
  }
}

/** A typed client of the Pantau REST API: the low-level calls and one method per route. */
export type ApiClient = ApiClientImpl & ApiMethods;

/** Construct with {@link ApiClientOptions}; `instanceof ApiClient` works. */
export const ApiClient: new (opts: ApiClientOptions) => ApiClient = ApiClientImpl as never;
