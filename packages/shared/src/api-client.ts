/**
 * Typed REST client for `/api/v1`, used by the console, the simulator and the tests.
 *
 * One typed map: each method's argument and result types follow from the shared schemas.
 * Built on `fetch` (Node ≥ 18 and every browser), so the same client runs everywhere.
 * Every non-2xx answer is thrown as a {@link PantauError} carrying the server's code,
 * message and details (field path); network failures are thrown as `UNAVAILABLE`.
 */
import { PantauError, type ErrorCode } from './errors.js';
import type { DetectionAccepted, DetectionLogBody, EventLog, Person } from './schemas/detection.js';
import type { CredentialCreated, LoginResult, User } from './schemas/auth.js';
import type { Branch, BranchCreate, Device, DeviceCreate, Group, GroupCreate, Stream, StreamCreate } from './schemas/organisation.js';
import type { Layout, LayoutCreate, LiveStream } from './schemas/layouts.js';
import type { Health } from './schemas/health.js';

export interface ApiClientOptions {
  /** e.g. `http://127.0.0.1:8080` (no trailing slash needed). */
  baseUrl: string;
  /** Bearer token of a signed-in user. */
  token?: string | undefined;
  /** Device API key and secret for `/detection/*`. */
  apiKey?: { key: string; secret: string } | undefined;
  /** Per-request timeout, ms (default 10 000). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

type Query = Record<string, string | number | boolean | undefined>;

/** A typed client of the Pantau REST API. */
export class ApiClient {
  private readonly base: string;
  token: string | undefined;
  private readonly apiKey: ApiClientOptions['apiKey'];
  private readonly timeoutMs: number;
  private readonly doFetch: typeof fetch;

  constructor(opts: ApiClientOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, '');
    this.token = opts.token;
    this.apiKey = opts.apiKey;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.doFetch = opts.fetch ?? fetch.bind(globalThis);
  }

  /**
   * Low-level call: returns `data` of a success envelope together with the HTTP status.
   * @throws PantauError with the server's code, or `UNAVAILABLE` when the server cannot be reached
   */
  async request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<{ status: number; data: T }> {
    const url = new URL(this.base + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (this.apiKey) {
      headers['x-api-key'] = this.apiKey.key;
      headers['x-api-secret'] = this.apiKey.secret;
    }
    let res: Response;
    try {
      res = await this.doFetch(url, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new PantauError('UNAVAILABLE', `cannot reach ${this.base}: ${(err as Error).message}`);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      throw new PantauError('INTERNAL_ERROR', `server answered ${res.status} with non-JSON body`);
    }
    const env = json as { success?: boolean; data?: T; error?: { code: ErrorCode; message: string; details?: Record<string, unknown> } };
    if (!res.ok || env?.success !== true) {
      const e = env?.error;
      throw new PantauError(e?.code ?? 'INTERNAL_ERROR', e?.message ?? `HTTP ${res.status}`, e?.details);
    }
    return { status: res.status, data: env.data as T };
  }

  private async call<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    return (await this.request<T>(method, path, body, query)).data;
  }

  health = () => this.call<Health>('GET', '/health');

  /** Sign in; keeps the token for the following calls. */
  async login(email: string, password: string): Promise<LoginResult> {
    const r = await this.call<LoginResult>('POST', '/api/v1/auth/login', { email, password });
    this.token = r.token;
    return r;
  }
  me = () => this.call<User>('GET', '/api/v1/auth/me');
  logout = () => this.call<{ ok: true }>('POST', '/api/v1/auth/logout', {});

  listGroups = () => this.call<Group[]>('GET', '/api/v1/groups');
  createGroup = (b: GroupCreate) => this.call<Group>('POST', '/api/v1/groups', b);
  listBranches = (q: { group_id?: number } = {}) => this.call<Branch[]>('GET', '/api/v1/branches', undefined, q);
  createBranch = (b: BranchCreate) => this.call<Branch>('POST', '/api/v1/branches', b);
  listDevices = (q: { branch_id?: number } = {}) => this.call<Device[]>('GET', '/api/v1/devices', undefined, q);
  createDevice = (b: DeviceCreate) => this.call<Device>('POST', '/api/v1/devices', b);
  listStreams = (q: { branch_id?: number } = {}) => this.call<Stream[]>('GET', '/api/v1/streams', undefined, q);
  createStream = (b: StreamCreate) => this.call<Stream>('POST', '/api/v1/streams', b);
  liveStream = (id: number, quality: 'main' | 'sub' = 'sub') =>
    this.call<LiveStream>('GET', `/api/v1/streams/${id}/live`, undefined, { quality });

  listLayouts = () => this.call<Layout[]>('GET', '/api/v1/layouts');
  defaultLayout = () => this.call<Layout>('GET', '/api/v1/layouts/default');
  createLayout = (b: LayoutCreate) => this.call<Layout>('POST', '/api/v1/layouts', b);

  createCredential = (b: { credential_name: string; expires_at?: string }) =>
    this.call<CredentialCreated>('POST', '/api/v1/credentials', b);

  /** Post a detection with the client's API key; resolves `{ status: 202 | 200, data }`. */
  logDetection = (b: DetectionLogBody) => this.request<DetectionAccepted>('POST', '/api/v1/detection/log', b);

  person = (reId: string) => this.call<Person>('GET', `/api/v1/persons/${encodeURIComponent(reId)}`);
  listEvents = (q: { branch_id?: number; limit?: number; before_id?: number } = {}) =>
    this.call<EventLog[]>('GET', '/api/v1/events', undefined, q);
}
