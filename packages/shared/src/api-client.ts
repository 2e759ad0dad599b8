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
import type { AuditEntry, Credential, CredentialCreate, CredentialCreated, CredentialUpdate, LoginResult, User, UserCreate, UserUpdate } from './schemas/auth.js';
import type { HeartbeatBody, HeartbeatResult } from './schemas/devices.js';
import type {
  Branch,
  BranchCreate,
  BranchUpdate,
  CameraTreeGroup,
  Device,
  DeviceCreate,
  DeviceUpdate,
  Group,
  GroupCreate,
  GroupUpdate,
  Stream,
  StreamCreate,
  StreamUpdate,
} from './schemas/organisation.js';
import type { PageMeta, Paged } from './schemas/common.js';
import type { GatewayStream } from './schemas/gateway.js';
import type { Layout, LayoutCreate, LayoutUpdate, LiveStream, PositionsReplace } from './schemas/layouts.js';
import type { Health } from './schemas/health.js';
import type { AlertSetting, AlertSettingCreate, AlertSettingUpdate, Delivery, ProviderSettings, ProviderSettingsUpdate } from './schemas/notifications.js';
import type { SnapshotLinks } from './schemas/snapshots.js';
import type { FailedJob, QueueInfo } from './schemas/queues.js';
import type { Alarm, AlarmBulkResult, AlarmFilter, AlarmPageMeta, AlarmTimelineEntry, EscalationSettings, EscalationSettingsBody } from './schemas/alarms.js';

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

/** `?page=&per_page=&q=` plus a list's own filters. */
export type ListQuery<F> = { page?: number; per_page?: number; q?: string } & F;

/** A raw answer, whatever its status: what the console's API test console shows. */
export interface RawResponse {
  status: number;
  headers: Headers;
  /** The parsed JSON body, or the text when it is not JSON (`undefined` when empty). */
  body: unknown;
  /** Time from sending to the whole body read, ms. */
  ms: number;
}

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
  async request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<{ status: number; data: T; meta?: PageMeta; headers: Headers }> {
    let res: Response;
    try {
      res = await this.doFetch(...this.prepare(method, path, body, query));
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
    const env = json as { success?: boolean; data?: T; meta?: PageMeta; error?: { code: ErrorCode; message: string; details?: Record<string, unknown> } };
    if (!res.ok || env?.success !== true) {
      const e = env?.error;
      throw new PantauError(e?.code ?? 'INTERNAL_ERROR', e?.message ?? `HTTP ${res.status}`, e?.details);
    }
    return env.meta === undefined ? { status: res.status, data: env.data as T, headers: res.headers } : { status: res.status, data: env.data as T, meta: env.meta, headers: res.headers };
  }

  /**
   * Sends a request with this client's token or API key and returns the answer as it came,
   * without turning a non-2xx status into an error (the API test console shows them all).
   * @throws PantauError `UNAVAILABLE` only when the server cannot be reached
   */
  async raw(method: string, path: string, body?: unknown, query?: Query): Promise<RawResponse> {
    const started = performance.now();
    try {
      const res = await this.doFetch(...this.prepare(method, path, body, query));
      const text = await res.text();
      let parsed: unknown = text === '' ? undefined : text;
      try {
        if (text) parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, headers: res.headers, body: parsed, ms: performance.now() - started };
    } catch (err) {
      throw new PantauError('UNAVAILABLE', `cannot reach ${this.base}: ${(err as Error).message}`);
    }
  }

  /** URL and fetch options of a call: JSON in and out, the token or the API key, the timeout. */
  private prepare(method: string, path: string, body: unknown, query: Query | undefined): [URL, RequestInit] {
    const url = new URL(this.base + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (this.apiKey) {
      headers['x-api-key'] = this.apiKey.key;
      headers['x-api-secret'] = this.apiKey.secret;
    }
    return [url, { method, headers, body: body === undefined ? null : JSON.stringify(body), signal: AbortSignal.timeout(this.timeoutMs) }];
  }

  private async page<T>(path: string, query: object): Promise<Paged<T>> {
    const r = await this.request<T[]>('GET', path, undefined, query as Query);
    return { items: r.data, meta: r.meta ?? { page: 1, per_page: r.data.length, total: r.data.length } };
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

  /** First page of groups (up to 500): for pickers. */
  listGroups = () => this.call<Group[]>('GET', '/api/v1/groups', undefined, { per_page: 500 });
  groupsPage = (q: ListQuery<{ status?: string }> = {}) => this.page<Group>('/api/v1/groups', q);
  getGroup = (id: number) => this.call<Group>('GET', `/api/v1/groups/${id}`);
  updateGroup = (id: number, b: GroupUpdate) => this.call<Group>('PATCH', `/api/v1/groups/${id}`, b);
  deleteGroup = (id: number) => this.call<{ deleted: true }>('DELETE', `/api/v1/groups/${id}`);
  createGroup = (b: GroupCreate) => this.call<Group>('POST', '/api/v1/groups', b);
  listBranches = (q: { group_id?: number } = {}) => this.call<Branch[]>('GET', '/api/v1/branches', undefined, { per_page: 500, ...q });
  branchesPage = (q: ListQuery<{ group_id?: number; status?: string }> = {}) => this.page<Branch>('/api/v1/branches', q);
  getBranch = (id: number) => this.call<Branch>('GET', `/api/v1/branches/${id}`);
  updateBranch = (id: number, b: BranchUpdate) => this.call<Branch>('PATCH', `/api/v1/branches/${id}`, b);
  deleteBranch = (id: number) => this.call<{ deleted: true }>('DELETE', `/api/v1/branches/${id}`);
  createBranch = (b: BranchCreate) => this.call<Branch>('POST', '/api/v1/branches', b);
  listDevices = (q: { branch_id?: number } = {}) => this.call<Device[]>('GET', '/api/v1/devices', undefined, { per_page: 500, ...q });
  devicesPage = (q: ListQuery<{ branch_id?: number; group_id?: number; device_type?: string; status?: string; parent_device_id?: string }> = {}) =>
    this.page<Device>('/api/v1/devices', q);
  getDevice = (id: number) => this.call<Device>('GET', `/api/v1/devices/${id}`);
  updateDevice = (id: number, b: DeviceUpdate) => this.call<Device>('PATCH', `/api/v1/devices/${id}`, b);
  deleteDevice = (id: number) => this.call<{ deleted: true }>('DELETE', `/api/v1/devices/${id}`);
  createDevice = (b: DeviceCreate) => this.call<Device>('POST', '/api/v1/devices', b);
  listStreams = (q: { branch_id?: number } = {}) => this.call<Stream[]>('GET', '/api/v1/streams', undefined, { per_page: 500, ...q });
  streamsPage = (q: ListQuery<{ branch_id?: number; device_id?: string; status?: string }> = {}) => this.page<Stream>('/api/v1/streams', q);
  getStream = (id: number) => this.call<Stream>('GET', `/api/v1/streams/${id}`);
  updateStream = (id: number, b: StreamUpdate) => this.call<Stream>('PATCH', `/api/v1/streams/${id}`, b);
  deleteStream = (id: number) => this.call<{ deleted: true }>('DELETE', `/api/v1/streams/${id}`);
  cameraTree = () => this.call<CameraTreeGroup[]>('GET', '/api/v1/camera-tree');

  usersPage = (q: ListQuery<{ role?: string; status?: string }> = {}) => this.page<User>('/api/v1/users', q);
  getUser = (id: number) => this.call<User>('GET', `/api/v1/users/${id}`);
  createUser = (b: UserCreate) => this.call<User>('POST', '/api/v1/users', b);
  updateUser = (id: number, b: UserUpdate) => this.call<User>('PATCH', `/api/v1/users/${id}`, b);
  /** Admin reset: sets a password and ends the user's sessions. */
  resetPassword = (id: number, password: string) => this.call<{ ok: true }>('POST', `/api/v1/users/${id}/password`, { password });
  /** Ends every session of a user. */
  revokeSessions = (id: number) => this.call<{ revoked: number }>('POST', `/api/v1/users/${id}/sessions/revoke`, {});
  /** Change one's own password; other sessions end. */
  changePassword = (current_password: string, new_password: string) => this.call<{ ok: true }>('POST', '/api/v1/auth/password', { current_password, new_password });
  setupState = () => this.call<{ needs_setup: boolean }>('GET', '/api/v1/setup');
  /** First-run: create the first admin (only while no user exists) and sign in as them. */
  async setup(b: { email: string; name: string; password: string }): Promise<LoginResult> {
    const r = await this.call<LoginResult>('POST', '/api/v1/setup', b);
    this.token = r.token;
    return r;
  }
  auditPage = (q: ListQuery<{ user_id?: number; entity_type?: string; entity_id?: string; action?: string; from?: string; to?: string }> = {}) =>
    this.page<AuditEntry>('/api/v1/audit', q);
  createStream = (b: StreamCreate) => this.call<Stream>('POST', '/api/v1/streams', b);
  liveStream = (id: number, quality: 'main' | 'sub' = 'sub') =>
    this.call<LiveStream>('GET', `/api/v1/streams/${id}/live`, undefined, { quality });
  /** What the stream gateway is pulling now (streams in the caller's scope), with viewers, bitrate and uptime. */
  gatewayStreams = () => this.call<GatewayStream[]>('GET', '/api/v1/gateway/streams');

  listLayouts = () => this.call<Layout[]>('GET', '/api/v1/layouts');
  defaultLayout = () => this.call<Layout>('GET', '/api/v1/layouts/default');
  createLayout = (b: LayoutCreate) => this.call<Layout>('POST', '/api/v1/layouts', b);
  getLayout = (id: number) => this.call<Layout>('GET', `/api/v1/layouts/${id}`);
  updateLayout = (id: number, b: LayoutUpdate) => this.call<Layout>('PATCH', `/api/v1/layouts/${id}`, b);
  /** Replaces every tile of a layout. */
  replacePositions = (id: number, b: PositionsReplace) => this.call<Layout>('PUT', `/api/v1/layouts/${id}/positions`, b);
  deleteLayout = (id: number) => this.call<{ deleted: true }>('DELETE', `/api/v1/layouts/${id}`);
  /** Makes a shared layout the default (the previous default stops being it). */
  setDefaultLayout = (id: number) => this.call<Layout>('POST', `/api/v1/layouts/${id}/default`, {});

  /** Create an API credential; the answer holds its secret, the only time it is ever sent. */
  createCredential = (b: CredentialCreate) => this.call<CredentialCreated>('POST', '/api/v1/credentials', b);
  credentialsPage = (q: ListQuery<{ status?: string; branch_id?: number }> = {}) => this.page<Credential>('/api/v1/credentials', q);
  getCredential = (id: number) => this.call<Credential>('GET', `/api/v1/credentials/${id}`);
  updateCredential = (id: number, b: CredentialUpdate) => this.call<Credential>('PATCH', `/api/v1/credentials/${id}`, b);
  revokeCredential = (id: number) => this.call<Credential>('POST', `/api/v1/credentials/${id}/revoke`, {});
  /** A new secret (in the answer only); the old one keeps working for `graceSeconds` (0..7 days). */
  rotateCredential = (id: number, graceSeconds: number) => this.call<CredentialCreated>('POST', `/api/v1/credentials/${id}/rotate`, { grace_seconds: graceSeconds });
  deleteCredential = (id: number) => this.call<{ deleted: true }>('DELETE', `/api/v1/credentials/${id}`);

  /** A device heartbeat with the client's API key (an NVR may report its cameras). */
  heartbeat = (b: HeartbeatBody) => this.call<HeartbeatResult>('POST', '/api/v1/devices/heartbeat', b);

  /** Post a detection with the client's API key; resolves `{ status: 202 | 200, data }`. */
  logDetection = (b: DetectionLogBody) => this.request<DetectionAccepted>('POST', '/api/v1/detection/log', b);

  person = (reId: string) => this.call<Person>('GET', `/api/v1/persons/${encodeURIComponent(reId)}`);
  listEvents = (q: { branch_id?: number; limit?: number; before_id?: number } = {}) =>
    this.call<EventLog[]>('GET', '/api/v1/events', undefined, q);
  /** Every named queue with its numbers (admins of every branch). */
  listQueues = () => this.call<QueueInfo[]>('GET', '/api/v1/queues');
  failedJobsPage = (q: ListQuery<{ queue?: string; type?: string }> = {}) => this.page<FailedJob>('/api/v1/failed-jobs', q);
  /** Put a failed job back in its queue; resolves with the new job id. */
  retryFailedJob = (id: number) => this.call<{ job_id: number }>('POST', `/api/v1/failed-jobs/${id}/retry`, {});
  /** Retry every failed job (of one queue). */
  retryAllFailedJobs = (queue?: string) => this.call<{ retried: number }>('POST', '/api/v1/failed-jobs/retry-all', queue === undefined ? {} : { queue });
  deleteFailedJob = (id: number) => this.call<{ deleted: true }>('DELETE', `/api/v1/failed-jobs/${id}`);

  /** Signed, expiring links to an event's snapshot; `NOT_FOUND` while there is none (yet) or the event is out of scope. */
  eventSnapshot = (eventLogId: number) => this.call<SnapshotLinks>('GET', `/api/v1/events/${eventLogId}/snapshot`);

  /** A page of alarms (newest first) and the unacknowledged count of every branch in scope. */
  async alarmsPage(q: AlarmFilter = {}): Promise<{ items: Alarm[]; meta: AlarmPageMeta }> {
    const r = await this.request<Alarm[]>('GET', '/api/v1/alarms', undefined, q as Query);
    return { items: r.data, meta: r.meta as AlarmPageMeta };
  }
  getAlarm = (eventId: number) => this.call<Alarm>('GET', `/api/v1/alarms/${eventId}`);
  /** Who did what to an alarm, oldest first (starting with `created`). */
  alarmTimeline = (eventId: number) => this.call<AlarmTimelineEntry[]>('GET', `/api/v1/alarms/${eventId}/timeline`);
  /** new → acknowledged; 409 CONFLICT when it is no longer new. */
  acknowledgeAlarm = (eventId: number, note?: string) => this.call<Alarm>('POST', `/api/v1/alarms/${eventId}/acknowledge`, note === undefined ? {} : { note });
  /** Acknowledge up to 500 alarms; one result per id, in order. */
  acknowledgeAlarms = (eventIds: number[], note?: string) => this.call<AlarmBulkResult>('POST', '/api/v1/alarms/acknowledge', note === undefined ? { event_ids: eventIds } : { event_ids: eventIds, note });
  /** acknowledged (or new) → closed. */
  closeAlarm = (eventId: number, note?: string) => this.call<Alarm>('POST', `/api/v1/alarms/${eventId}/close`, note === undefined ? {} : { note });
  noteAlarm = (eventId: number, note: string) => this.call<Alarm>('POST', `/api/v1/alarms/${eventId}/note`, { note });
  /** Escalation settings of every branch in the admin's scope. */
  escalationSettings = () => this.call<EscalationSettings[]>('GET', '/api/v1/alarm-escalation');
  getEscalationSettings = (branchId: number) => this.call<EscalationSettings>('GET', `/api/v1/alarm-escalation/${branchId}`);
  putEscalationSettings = (branchId: number, b: EscalationSettingsBody) => this.call<EscalationSettings>('PUT', `/api/v1/alarm-escalation/${branchId}`, b);
  deleteEscalationSettings = (branchId: number) => this.call<{ deleted: true }>('DELETE', `/api/v1/alarm-escalation/${branchId}`);

  /** WhatsApp alert settings of the caller's branches (one branch with `branch_id`). */
  listAlertSettings = (q: { branch_id?: number } = {}) => this.call<AlertSetting[]>('GET', '/api/v1/alert-settings', undefined, q);
  createAlertSetting = (b: AlertSettingCreate) => this.call<AlertSetting>('POST', '/api/v1/alert-settings', b);
  updateAlertSetting = (id: number, b: AlertSettingUpdate) => this.call<AlertSetting>('PATCH', `/api/v1/alert-settings/${id}`, b);
  deleteAlertSetting = (id: number) => this.call<{ deleted: true }>('DELETE', `/api/v1/alert-settings/${id}`);
  /** The WhatsApp provider settings (secrets never returned: `has_secret`). */
  providerSettings = () => this.call<ProviderSettings>('GET', '/api/v1/notification-provider');
  saveProviderSettings = (b: ProviderSettingsUpdate) => this.call<ProviderSettings>('PUT', '/api/v1/notification-provider', b);
  /** Queue a test message to one number through the configured provider. */
  sendTestMessage = (phone: string, message?: string) => this.call<Delivery>('POST', '/api/v1/notification-provider/test', message === undefined ? { phone } : { phone, message });
  deliveriesPage = (q: ListQuery<{ event_log_id?: number; branch_id?: number; status?: string }> = {}) => this.page<Delivery>('/api/v1/notification-deliveries', q);
  /** Resend an uncertain or failed delivery. */
  resendDelivery = (id: number) => this.call<Delivery>('POST', `/api/v1/notification-deliveries/${id}/resend`, {});
}
