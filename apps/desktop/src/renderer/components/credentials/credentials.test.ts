import { describe, expect, it } from 'vitest';
import {
  ApiClient,
  CredentialCreate,
  CredentialUpdate,
  DetectionLogBody,
  HeartbeatBody,
  type Credential,
} from '@pantau/shared';
import {
  canChangeStatus,
  credentialCreateBody,
  credentialUpdateBody,
  credentialValues,
  DEFAULT_RATE_LIMIT,
  shownStatus,
  STATUS_CHOICES,
  STATUS_COLOUR,
} from './credential-values.js';
import {
  ENDPOINTS,
  parseBody,
  parseQuery,
  prettyBody,
  sampleBody,
  shownHeaders,
  statusColour,
} from './test-console-model.js';

const T0 = '2026-11-21T08:00:00.000Z';
const existing: Credential = {
  id: 3,
  credential_name: 'Gate box',
  api_key: 'pantau_live_abc',
  branch_id: 2,
  device_id: null,
  permissions: ['detections:write', 'devices:heartbeat'],
  rate_limit_per_hour: 500,
  expires_at: '2027-01-01T00:00:00.000Z',
  last_used_at: null,
  status: 'active',
  previous_secret_expires_at: null,
  requests_this_hour: 0,
  created_by: 1,
  created_at: T0,
  updated_at: T0,
};

describe('credential form values', () => {
  it('starts a new credential with the server defaults: global, every permission, 10 000 per hour, never expiring, active', () => {
    const v = credentialValues();
    expect(v).toMatchObject({
      scope: 'global',
      expires_at: '',
      rate_limit_per_hour: DEFAULT_RATE_LIMIT,
      status: 'active',
    });
    expect(v.permissions).toEqual(['detections:write', 'detections:read', 'devices:heartbeat', 'reports:read']);
    const body = credentialCreateBody({ ...v, credential_name: '  Lobby cam  ' });
    expect(body).toEqual({
      credential_name: 'Lobby cam',
      permissions: v.permissions,
      rate_limit_per_hour: 10_000,
      status: 'active',
    });
    expect(CredentialCreate.safeParse(body).success).toBe(true);
  });

  it('sends the scope chosen and the expiry as an ISO instant the server accepts', () => {
    const v = { ...credentialValues(), credential_name: 'x', expires_at: '2027-03-04 05:06:00' };
    const device = credentialCreateBody({ ...v, scope: 'device', device_id: 'cam-1', branch_id: '9' });
    expect(device.device_id).toBe('cam-1');
    expect(device.branch_id).toBeUndefined();
    expect(Date.parse(device.expires_at!)).toBe(new Date(2027, 2, 4, 5, 6).getTime());
    expect(CredentialCreate.safeParse(device).success).toBe(true);
    const branch = credentialCreateBody({ ...v, scope: 'branch', branch_id: '4', device_id: 'cam-1' });
    expect(branch).toMatchObject({ branch_id: 4 });
    expect(branch.device_id).toBeUndefined();
  });

  it('round-trips an existing credential to an empty update, and sends only what changed (null clears)', () => {
    const v = credentialValues(existing);
    expect(v).toMatchObject({ scope: 'branch', branch_id: '2', device_id: null, rate_limit_per_hour: 500 });
    expect(credentialUpdateBody(v, existing)).toEqual({});
    const changed = credentialUpdateBody(
      {
        ...v,
        scope: 'global',
        expires_at: '',
        permissions: ['devices:heartbeat', 'detections:write'],
        rate_limit_per_hour: '750',
      },
      existing,
    );
    expect(changed).toEqual({ branch_id: null, expires_at: null, rate_limit_per_hour: 750 });
    expect(CredentialUpdate.safeParse(changed).success).toBe(true);
    expect(credentialUpdateBody({ ...v, scope: 'device', device_id: 'cam-7' }, existing)).toEqual({
      branch_id: null,
      device_id: 'cam-7',
    });
  });

  it('creates suspended when asked, and suspends or resumes an existing credential', () => {
    expect(STATUS_CHOICES).toEqual(['active', 'inactive']);
    const created = credentialCreateBody({ ...credentialValues(), credential_name: 'spare', status: 'inactive' });
    expect(created.status).toBe('inactive');
    expect(CredentialCreate.safeParse(created).success).toBe(true);
    const suspend = credentialUpdateBody({ ...credentialValues(existing), status: 'inactive' }, existing);
    expect(suspend).toEqual({ status: 'inactive' });
    expect(CredentialUpdate.safeParse(suspend).success).toBe(true);
    const inactive: Credential = { ...existing, status: 'inactive' };
    expect(credentialValues(inactive).status).toBe('inactive');
    expect(credentialUpdateBody(credentialValues(inactive), inactive)).toEqual({});
    expect(credentialUpdateBody({ ...credentialValues(inactive), status: 'active' }, inactive)).toEqual({
      status: 'active',
    });
  });

  it('never sends a status for a revoked credential, whose status is final', () => {
    const revoked: Credential = { ...existing, status: 'revoked' };
    expect([
      canChangeStatus(),
      canChangeStatus(existing),
      canChangeStatus({ ...existing, status: 'inactive' }),
      canChangeStatus(revoked),
    ]).toEqual([true, true, true, false]);
    const v = credentialValues(revoked);
    expect(v.status).toBe('revoked');
    expect(credentialUpdateBody({ ...v, status: 'active', credential_name: 'renamed' }, revoked)).toEqual({
      credential_name: 'renamed',
    });
  });

  it('shows an inactive credential as inactive, even past its expiry, with its own badge colour', () => {
    const now = Date.parse('2027-06-01T00:00:00.000Z'); // after existing.expires_at
    expect(shownStatus(existing, Date.parse(T0))).toBe('active');
    expect(shownStatus(existing, now)).toBe('expired');
    expect(shownStatus({ ...existing, status: 'inactive' }, now)).toBe('inactive');
    expect(shownStatus({ ...existing, status: 'revoked' }, now)).toBe('revoked');
    expect(shownStatus({ ...existing, expires_at: null }, now)).toBe('active');
    expect(new Set(Object.values(STATUS_COLOUR)).size).toBe(4);
    expect(STATUS_COLOUR.inactive).toBe('yellow');
  });
});

describe('API test console model', () => {
  it('prefills valid sample bodies for the POST endpoints from a real device', () => {
    const d = { device_id: 'cam-jkt-01', branch_id: 5 };
    const detection = JSON.parse(sampleBody('detection-log', d, new Date(T0))) as unknown;
    expect(DetectionLogBody.parse(detection)).toMatchObject({
      branch_id: 5,
      device_id: 'cam-jkt-01',
      detection_timestamp: T0,
    });
    expect(HeartbeatBody.parse(JSON.parse(sampleBody('heartbeat', d)))).toEqual({
      device_id: 'cam-jkt-01',
      status: 'online',
    });
    expect(sampleBody('detections', d)).toBe('');
    expect(ENDPOINTS.map((e) => `${e.method} ${e.path}`)).toEqual([
      'POST /api/v1/detection/log',
      'POST /api/v1/devices/heartbeat',
      'GET /api/v1/detections',
      'GET /api/v1/counting/summary',
    ]);
  });

  it('parses the body and the query typed', () => {
    expect(parseBody('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseBody('  ')).toEqual({ ok: true, value: undefined });
    expect(parseBody('{a:1}').ok).toBe(false);
    expect(parseQuery('?per_page=10&branch_id=2')).toEqual({ per_page: '10', branch_id: '2' });
    expect(parseQuery('')).toEqual({});
  });

  it('shows the rate-limit headers first, pretty bodies and a colour per status', () => {
    const h = new Headers({
      'content-type': 'application/json',
      'x-ratelimit-reset': '1795300000',
      'x-ratelimit-limit': '10000',
      'x-ratelimit-remaining': '9999',
      'x-other': 'no',
    });
    expect(shownHeaders(h)).toEqual([
      ['x-ratelimit-limit', '10000'],
      ['x-ratelimit-remaining', '9999'],
      ['x-ratelimit-reset', '1795300000'],
      ['content-type', 'application/json'],
    ]);
    expect(prettyBody({ a: [1] })).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(prettyBody('plain')).toBe('plain');
    expect(prettyBody(undefined)).toBe('');
    expect([202, 400, 401, 404, 429, 500].map(statusColour)).toEqual(['teal', 'yellow', 'red', 'yellow', 'red', 'red']);
  });

  it('ApiClient.raw returns any status with its headers and body instead of throwing', async () => {
    const calls: Array<{ url: string; headers: Record<string, string>; body: string }> = [];
    // a fetch is called with a Request (axios's fetch adapter) or with a URL and options
    const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const req = new Request(input, init);
      calls.push({ url: req.url, headers: Object.fromEntries(req.headers), body: await req.text() });
      return new Response(JSON.stringify({ success: false, error: { code: 'INVALID_CREDENTIALS', message: 'no' } }), {
        status: 401,
        headers: { 'x-ratelimit-limit': '5' },
      });
    }) as unknown as typeof globalThis.fetch;
    const client = new ApiClient({ baseUrl: 'http://127.0.0.1:1/', apiKey: { key: 'k', secret: 's' }, fetch });
    const r = await client.raw('GET', '/api/v1/detections', undefined, { per_page: '10' });
    expect(r.status).toBe(401);
    expect(r.headers.get('x-ratelimit-limit')).toBe('5');
    expect(r.body).toEqual({ success: false, error: { code: 'INVALID_CREDENTIALS', message: 'no' } });
    expect(r.ms).toBeGreaterThanOrEqual(0);
    expect(calls[0]).toMatchObject({
      url: 'http://127.0.0.1:1/api/v1/detections?per_page=10',
      headers: { 'x-api-key': 'k', 'x-api-secret': 's' },
      body: '',
    });
  });
});
