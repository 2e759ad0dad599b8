/**
 * The access matrix (issue 3): every route × every role, in scope and out of scope, asserted
 * from one table; and a check that the table covers every route the server registers.
 *
 * Principals: A = admin of every branch; SA = admin scoped to group JB (Bandung);
 * OP = operator scoped to branch Jakarta; VW = viewer scoped to branch Jakarta; AN = nobody.
 * "In" targets are Jakarta's (outside SA's scope), "out" targets Bandung's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { ApiClient, PantauError } from '@pantau/shared';
import { installAccess } from './access.js';
import { startHarness, waitFor, type Harness } from '../test-support/harness.js';
import { testPicture } from '../test-support/images.js';

type Role = 'A' | 'SA' | 'OP' | 'VW' | 'AN';
const ROLES: Role[] = ['A', 'SA', 'OP', 'VW', 'AN'];
/** Expected answer: an HTTP status, or a status with the error code. */
type Expect = number | [number, string];
interface Row {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** The registered route (to check coverage). */
  route: string;
  /** Concrete path, or the id to put in the route's `:id` (may create what it needs, with the full admin). */
  path: () => string | number | Promise<string | number>;
  body?: () => unknown;
  expect: Record<Role, Expect>;
  /** Use a fresh session per role (the call ends the session it is made with). */
  fresh?: boolean;
}

let h: Harness;
const clients = {} as Record<Role, ApiClient>;
const PASSWORDS: Record<Exclude<Role, 'AN'>, string> = {
  A: 'admin-password',
  SA: 'scoped-admin-pw',
  OP: 'operator-pw1',
  VW: 'viewer-pw12',
};
const EMAILS: Record<Exclude<Role, 'AN'>, string> = {
  A: 'admin@test.local',
  SA: 'sa@test.local',
  OP: 'op@test.local',
  VW: 'vw@test.local',
};
let ids: { g1: number; g2: number; b1: number; b2: number; d1: number; d2: number; s1: number; s2: number; op: number };
let seq = 0;
const uniq = (p: string) => `${p}${++seq}`;
/** A day no other call asked a report of. */
const reportDay = () => new Date(Date.UTC(2025, 0, 1) - ++seq * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  h = await startHarness();
  const admin = h.admin;
  const [b1, b2] = h.branches;
  const g1 = b1!.group_id;
  const g2 = b2!.group_id;
  const users = h.server.services.auth;
  await users.createUser({
    email: EMAILS.SA,
    password: PASSWORDS.SA,
    role: 'admin',
    scope_all: false,
    scope_group_ids: [g2],
  });
  const op = await users.createUser({
    email: EMAILS.OP,
    password: PASSWORDS.OP,
    role: 'operator',
    scope_all: false,
    scope_branch_ids: [b1!.id],
  });
  await users.createUser({
    email: EMAILS.VW,
    password: PASSWORDS.VW,
    role: 'viewer',
    scope_all: false,
    scope_branch_ids: [b1!.id],
  });
  for (const r of ['A', 'SA', 'OP', 'VW'] as const) {
    clients[r] = new ApiClient({ baseUrl: h.server.url });
    await clients[r].login({ email: EMAILS[r], password: PASSWORDS[r] });
  }
  clients.AN = new ApiClient({ baseUrl: h.server.url });
  const devices = await admin.devicesPage({});
  const d1 = devices.items.find((d) => d.device_id === 'cam-1')!.id;
  const d2 = devices.items.find((d) => d.device_id === 'cam-2')!.id;
  const s1 = (
    await admin.createStream({
      branch_id: b1!.id,
      device_id: 'cam-1',
      stream_name: 'Lobby',
      main_url: 'rtsp://127.0.0.1:9/a',
    })
  ).id;
  const s2 = (
    await admin.createStream({
      branch_id: b2!.id,
      device_id: 'cam-2',
      stream_name: 'Gate',
      main_url: 'rtsp://127.0.0.1:9/b',
    })
  ).id;
  await admin.createLayout({
    layout_name: 'Wall',
    layout_type: '4',
    is_default: true,
    positions: [{ position_number: 1, stream_id: s1 }],
  });
  await h.device.logDetection({ re_id: 'jkt-person', branch_id: b1!.id, device_id: 'cam-1', detected_count: 1 });
  await waitFor(() => h.server.services.queue.stats().pending === 0, 5000, 'drain');
  ids = { g1, g2, b1: b1!.id, b2: b2!.id, d1, d2, s1, s2, op: op.id };
});
afterAll(async () => {
  await h?.stop();
});

// helpers that create a throwaway target with the full admin, for deletes
const emptyGroup = async () =>
  (await h.admin.createGroup({ province_code: uniq('EG'), province_name: 'Empty', group_name: 'Empty' })).id;
const emptyBranch = async () =>
  (await h.admin.createBranch({ group_id: ids.g2, branch_code: uniq('EB'), branch_name: 'Empty', city: 'Bandung' })).id;
const spareDevice = async (branch: 'b1' | 'b2') =>
  (
    await h.admin.createDevice({
      device_id: uniq('spare-'),
      device_name: 'Spare',
      device_type: 'camera',
      branch_id: ids[branch],
    })
  ).id;
const spareStream = async (branch: 'b1' | 'b2') =>
  (
    await h.admin.createStream({
      branch_id: ids[branch],
      device_id: branch === 'b1' ? 'cam-1' : 'cam-2',
      stream_name: uniq('spare'),
      main_url: 'rtsp://127.0.0.1:9/x',
    })
  ).id;
const spareRule = async (branch: 'b1' | 'b2') =>
  (
    await h.admin.createAlarmRule({
      branch_id: ids[branch],
      name: uniq('spare rule'),
      condition: { type: 'any_person' },
    })
  ).id;
const spareCredential = async () => (await h.admin.createCredential({ credential_name: uniq('spare') })).id;
// a shared layout showing Jakarta's stream (outside SA's scope)
const spareLayout = async () =>
  (
    await h.admin.createLayout({
      layout_name: uniq('layout'),
      layout_type: '4',
      positions: [{ position_number: 1, stream_id: ids.s1 }],
    })
  ).id;
const spareUser = async () =>
  (
    await h.admin.createUser({
      email: `${uniq('u')}@test.local`,
      name: 'Spare',
      password: 'spare-password',
      role: 'viewer',
    })
  ).id;
// an alert setting of a fresh camera in Jakarta (outside SA's scope)
const spareAlertSetting = async () => {
  const deviceId = uniq('alert-cam-');
  await h.admin.createDevice({
    device_id: deviceId,
    device_name: 'Alert cam',
    device_type: 'camera',
    branch_id: ids.b1,
  });
  return (
    await h.admin.request<{ id: number }>('POST', '/api/v1/alert-settings', { branch_id: ids.b1, device_id: deviceId })
  ).data.id;
};
/** An event of a branch with a processed snapshot (one per branch, made once with a multipart post). */
const snapshotEvents = new Map<'b1' | 'b2', number>();
const snapshotEvent = async (branch: 'b1' | 'b2') => {
  const known = snapshotEvents.get(branch);
  if (known !== undefined) return known;
  const form = new FormData();
  const reId = uniq('snap-');
  for (const [k, v] of Object.entries({
    re_id: reId,
    branch_id: ids[branch],
    device_id: branch === 'b1' ? 'cam-1' : 'cam-2',
    detected_count: 1,
  }))
    form.append(k, String(v));
  form.append('snapshot', new Blob([await testPicture(320, 240)], { type: 'image/jpeg' }), 's.jpg');
  await fetch(`${h.server.url}/api/v1/detection/log`, {
    method: 'POST',
    headers: { 'x-api-key': h.credential.key, 'x-api-secret': h.credential.secret },
    body: form,
  });
  await waitFor(
    () => h.server.services.queue.stats().pending + h.server.services.queue.stats().running === 0,
    10_000,
    'snapshot processed',
  );
  const id = (
    h.server.services.db.conn.prepare(`SELECT id FROM event_logs WHERE re_id = ?`).get(reId) as { id: number }
  ).id;
  snapshotEvents.set(branch, id);
  return id;
};

const all = (e: Expect): Record<Role, Expect> => ({ A: e, SA: e, OP: e, VW: e, AN: e });
const signedIn = (e: Expect): Record<Role, Expect> => ({ A: e, SA: e, OP: e, VW: e, AN: 401 });
const x = (A: Expect, SA: Expect, OP: Expect, VW: Expect): Record<Role, Expect> => ({ A, SA, OP, VW, AN: 401 });

const TABLE: Row[] = [
  // public and device routes
  {
    method: 'POST',
    route: '/api/v1/auth/login',
    path: () => '/api/v1/auth/login',
    body: () => ({ email: 'nobody@test.local', password: 'wrong' }),
    expect: all([401, 'INVALID_CREDENTIALS']),
  },
  { method: 'GET', route: '/api/v1/setup', path: () => '/api/v1/setup', expect: all(200) },
  {
    method: 'POST',
    route: '/api/v1/setup',
    path: () => '/api/v1/setup',
    body: () => ({ email: 'late@test.local', name: 'Late', password: 'late-password' }),
    expect: all([409, 'CONFLICT']),
  },
  // device routes take an API key, never a session: without one, everyone is refused
  {
    method: 'POST',
    route: '/api/v1/detection/log',
    path: () => '/api/v1/detection/log',
    body: () => ({ re_id: 'x', branch_id: ids.b1, device_id: 'cam-1', detected_count: 1 }),
    expect: all([401, 'UNAUTHENTICATED']),
  },
  {
    method: 'POST',
    route: '/api/v1/detection/batch',
    path: () => '/api/v1/detection/batch',
    body: () => ({ detections: [{}] }),
    expect: all([401, 'UNAUTHENTICATED']),
  },
  {
    method: 'POST',
    route: '/api/v1/devices/heartbeat',
    path: () => '/api/v1/devices/heartbeat',
    body: () => ({ device_id: 'cam-1' }),
    expect: all([401, 'UNAUTHENTICATED']),
  },
  {
    method: 'GET',
    route: '/api/v1/detections',
    path: () => '/api/v1/detections',
    expect: all([401, 'UNAUTHENTICATED']),
  },
  {
    method: 'GET',
    route: '/api/v1/counting/summary',
    path: () => '/api/v1/counting/summary',
    expect: all([401, 'UNAUTHENTICATED']),
  },
  // the signed-in user
  { method: 'GET', route: '/api/v1/auth/me', path: () => '/api/v1/auth/me', expect: signedIn(200) },
  {
    method: 'POST',
    route: '/api/v1/auth/password',
    path: () => '/api/v1/auth/password',
    body: () => ({ current_password: 'not-it', new_password: 'whatever-new' }),
    expect: x(
      [401, 'INVALID_CREDENTIALS'],
      [401, 'INVALID_CREDENTIALS'],
      [401, 'INVALID_CREDENTIALS'],
      [401, 'INVALID_CREDENTIALS'],
    ),
  },
  {
    method: 'POST',
    route: '/api/v1/auth/logout',
    path: () => '/api/v1/auth/logout',
    body: () => ({}),
    expect: signedIn(200),
    fresh: true,
  },
  // groups
  { method: 'GET', route: '/api/v1/groups', path: () => '/api/v1/groups', expect: signedIn(200) },
  { method: 'GET', route: '/api/v1/groups/:id', path: () => `/api/v1/groups/${ids.g1}`, expect: x(200, 404, 200, 200) },
  { method: 'GET', route: '/api/v1/groups/:id', path: () => `/api/v1/groups/${ids.g2}`, expect: x(200, 200, 404, 404) },
  {
    method: 'POST',
    route: '/api/v1/groups',
    path: () => '/api/v1/groups',
    body: () => ({ province_code: uniq('NG'), province_name: 'New', group_name: 'New' }),
    expect: x(201, 403, 403, 403),
  },
  {
    method: 'PATCH',
    route: '/api/v1/groups/:id',
    path: () => `/api/v1/groups/${ids.g1}`,
    body: () => ({ phone: '021-555' }),
    expect: x(200, 403, 403, 403),
  },
  { method: 'DELETE', route: '/api/v1/groups/:id', path: emptyGroup, expect: x(200, 403, 403, 403) },
  // branches
  { method: 'GET', route: '/api/v1/branches', path: () => '/api/v1/branches', expect: signedIn(200) },
  {
    method: 'GET',
    route: '/api/v1/branches/:id',
    path: () => `/api/v1/branches/${ids.b1}`,
    expect: x(200, 404, 200, 200),
  },
  {
    method: 'GET',
    route: '/api/v1/branches/:id',
    path: () => `/api/v1/branches/${ids.b2}`,
    expect: x(200, 200, 404, 404),
  },
  {
    method: 'POST',
    route: '/api/v1/branches',
    path: () => '/api/v1/branches',
    body: () => ({ group_id: ids.g2, branch_code: uniq('NB'), branch_name: 'New', city: 'Bandung' }),
    expect: x(201, [403, 'FORBIDDEN'], 403, 403),
  },
  {
    method: 'PATCH',
    route: '/api/v1/branches/:id',
    path: () => `/api/v1/branches/${ids.b1}`,
    body: () => ({ city: 'Jakarta Pusat' }),
    expect: x(200, 404, 403, 403),
  },
  {
    method: 'PATCH',
    route: '/api/v1/branches/:id',
    path: () => `/api/v1/branches/${ids.b2}`,
    body: () => ({ city: 'Bandung' }),
    expect: x(200, 200, 403, 403),
  },
  { method: 'DELETE', route: '/api/v1/branches/:id', path: emptyBranch, expect: x(200, 403, 403, 403) },
  // devices
  { method: 'GET', route: '/api/v1/devices', path: () => '/api/v1/devices', expect: signedIn(200) },
  {
    method: 'GET',
    route: '/api/v1/devices/:id',
    path: () => `/api/v1/devices/${ids.d1}`,
    expect: x(200, 404, 200, 200),
  },
  {
    method: 'GET',
    route: '/api/v1/devices/:id',
    path: () => `/api/v1/devices/${ids.d2}`,
    expect: x(200, 200, 404, 404),
  },
  {
    method: 'POST',
    route: '/api/v1/devices',
    path: () => '/api/v1/devices',
    body: () => ({ device_id: uniq('new-'), device_name: 'New', device_type: 'camera', branch_id: ids.b1 }),
    expect: x(201, [404, 'NOT_FOUND'], 403, 403),
  },
  {
    method: 'POST',
    route: '/api/v1/devices',
    path: () => '/api/v1/devices',
    body: () => ({ device_id: uniq('new-'), device_name: 'New', device_type: 'camera', branch_id: ids.b2 }),
    expect: x(201, 201, 403, 403),
  },
  {
    method: 'PATCH',
    route: '/api/v1/devices/:id',
    path: () => `/api/v1/devices/${ids.d1}`,
    body: () => ({ device_name: 'Lobby' }),
    expect: x(200, 404, 403, 403),
  },
  {
    method: 'PATCH',
    route: '/api/v1/devices/:id',
    path: () => `/api/v1/devices/${ids.d2}`,
    body: () => ({ device_name: 'Gate' }),
    expect: x(200, 200, 403, 403),
  },
  { method: 'DELETE', route: '/api/v1/devices/:id', path: () => spareDevice('b1'), expect: x(200, 404, 403, 403) },
  { method: 'DELETE', route: '/api/v1/devices/:id', path: () => spareDevice('b2'), expect: x(200, 200, 403, 403) },
  // streams
  { method: 'GET', route: '/api/v1/streams', path: () => '/api/v1/streams', expect: signedIn(200) },
  {
    method: 'GET',
    route: '/api/v1/streams/:id',
    path: () => `/api/v1/streams/${ids.s1}`,
    expect: x(200, 404, 200, 200),
  },
  {
    method: 'GET',
    route: '/api/v1/streams/:id',
    path: () => `/api/v1/streams/${ids.s2}`,
    expect: x(200, 200, 404, 404),
  },
  {
    method: 'GET',
    route: '/api/v1/streams/:id/live',
    path: () => `/api/v1/streams/${ids.s1}/live`,
    expect: x(200, 404, 200, 200),
  },
  {
    method: 'GET',
    route: '/api/v1/streams/:id/live',
    path: () => `/api/v1/streams/${ids.s2}/live`,
    expect: x(200, 200, 404, 404),
  },
  // ONVIF: admins ask a device (port 9 does not answer: 503 naming the address)
  {
    method: 'POST',
    route: '/api/v1/onvif/profiles',
    path: () => '/api/v1/onvif/profiles',
    body: () => ({ address: '127.0.0.1:9' }),
    expect: x([503, 'UNAVAILABLE'], [503, 'UNAVAILABLE'], 403, 403),
  },
  // stills: in scope, 503 (port 9 does not answer: no key frame); out of scope 404
  {
    method: 'GET',
    route: '/api/v1/streams/:id/still',
    path: () => `/api/v1/streams/${ids.s1}/still`,
    expect: x([503, 'UNAVAILABLE'], 404, [503, 'UNAVAILABLE'], [503, 'UNAVAILABLE']),
  },
  { method: 'GET', route: '/api/v1/gateway/streams', path: () => '/api/v1/gateway/streams', expect: signedIn(200) },
  // the transcode settings are the server's: read by admins, changed only by an admin of every branch
  {
    method: 'GET',
    route: '/api/v1/gateway/settings',
    path: () => '/api/v1/gateway/settings',
    expect: x(200, 200, 403, 403),
  },
  {
    method: 'PUT',
    route: '/api/v1/gateway/settings',
    path: () => '/api/v1/gateway/settings',
    body: () => ({ max_transcodes: 4 }),
    expect: x(200, 403, 403, 403),
  },
  {
    method: 'POST',
    route: '/api/v1/streams',
    path: () => '/api/v1/streams',
    body: () => ({ branch_id: ids.b1, device_id: 'cam-1', stream_name: uniq('s'), main_url: 'rtsp://127.0.0.1:9/n' }),
    expect: x(201, 404, 403, 403),
  },
  {
    method: 'PATCH',
    route: '/api/v1/streams/:id',
    path: () => `/api/v1/streams/${ids.s1}`,
    body: () => ({ stream_name: 'Lobby' }),
    expect: x(200, 404, 403, 403),
  },
  {
    method: 'PATCH',
    route: '/api/v1/streams/:id',
    path: () => `/api/v1/streams/${ids.s2}`,
    body: () => ({ stream_name: 'Gate' }),
    expect: x(200, 200, 403, 403),
  },
  { method: 'DELETE', route: '/api/v1/streams/:id', path: () => spareStream('b1'), expect: x(200, 404, 403, 403) },
  { method: 'DELETE', route: '/api/v1/streams/:id', path: () => spareStream('b2'), expect: x(200, 200, 403, 403) },
  { method: 'GET', route: '/api/v1/camera-tree', path: () => '/api/v1/camera-tree', expect: signedIn(200) },
  // operator reads
  { method: 'GET', route: '/api/v1/events', path: () => '/api/v1/events', expect: signedIn(200) },
  {
    method: 'GET',
    route: '/api/v1/events/:id/snapshot',
    path: async () => `/api/v1/events/${await snapshotEvent('b1')}/snapshot`,
    expect: x(200, 404, 200, 200),
  },
  {
    method: 'GET',
    route: '/api/v1/events/:id/snapshot',
    path: async () => `/api/v1/events/${await snapshotEvent('b2')}/snapshot`,
    expect: x(200, 200, 404, 404),
  },
  {
    method: 'GET',
    route: '/api/v1/persons/:re_id',
    path: () => '/api/v1/persons/jkt-person',
    expect: x(200, 404, 200, 200),
  },
  { method: 'GET', route: '/api/v1/persons', path: () => '/api/v1/persons', expect: signedIn(200) },
  {
    method: 'GET',
    route: '/api/v1/persons/:re_id/detections',
    path: () => '/api/v1/persons/jkt-person/detections',
    expect: x(200, 404, 200, 200),
  },
  {
    method: 'GET',
    route: '/api/v1/persons/:re_id/journey',
    path: () => '/api/v1/persons/jkt-person/journey',
    expect: x(200, 404, 200, 200),
  },
  // a label or note: operators and admins, in their scope; viewers read only
  {
    method: 'PATCH',
    route: '/api/v1/persons/:re_id',
    path: () => '/api/v1/persons/jkt-person',
    body: () => ({ note: uniq('note ') }),
    expect: x(200, [404, 'NOT_FOUND'], 200, [403, 'FORBIDDEN']),
  },
  { method: 'GET', route: '/api/v1/dashboard', path: () => '/api/v1/dashboard', expect: signedIn(200) },
  {
    method: 'GET',
    route: '/api/v1/dashboard',
    path: () => `/api/v1/dashboard?branch_id=${ids.b1}`,
    expect: x(200, [404, 'NOT_FOUND'], 200, 200),
  },
  // reports: anyone signed in, in their scope; a day of its own per call, so each is generated (202)
  {
    method: 'GET',
    route: '/api/v1/reports/:type',
    path: () => `/api/v1/reports/daily?branch_id=${ids.b1}&date=${reportDay()}`,
    expect: x(202, [404, 'NOT_FOUND'], 202, 202),
  },
  {
    method: 'GET',
    route: '/api/v1/reports/:id/export',
    path: () => '/api/v1/reports/999999/export?format=csv',
    expect: signedIn([404, 'NOT_FOUND']),
  },
  // report recipients: admins, a branch's when it is in their scope
  {
    method: 'GET',
    route: '/api/v1/report-recipients',
    path: () => '/api/v1/report-recipients',
    expect: x(200, 200, 403, 403),
  },
  {
    method: 'PUT',
    route: '/api/v1/report-recipients',
    path: () => '/api/v1/report-recipients',
    body: () => ({ branch_id: ids.b1, phones: ['+6281234567890'] }),
    expect: x(200, [404, 'NOT_FOUND'], 403, 403),
  },
  {
    method: 'DELETE',
    route: '/api/v1/report-recipients/:id',
    path: () => '/api/v1/report-recipients/999999',
    expect: x([404, 'NOT_FOUND'], [404, 'NOT_FOUND'], 403, 403),
  },
  { method: 'GET', route: '/api/v1/layouts', path: () => '/api/v1/layouts', expect: signedIn(200) },
  // the only layout by now shows Jakarta: SA sees none
  {
    method: 'GET',
    route: '/api/v1/layouts/default',
    path: () => '/api/v1/layouts/default',
    expect: x(200, [404, 'NOT_FOUND'], 200, 200),
  },
  {
    method: 'POST',
    route: '/api/v1/layouts',
    path: () => '/api/v1/layouts',
    body: () => ({ layout_name: uniq('L'), layout_type: '1', positions: [] }),
    expect: x(201, 201, 403, 403),
  },
  // layouts: everyone keeps private ones; shared ones are the admins' (within their scope)
  {
    method: 'POST',
    route: '/api/v1/layouts',
    path: () => '/api/v1/layouts',
    body: () => ({ layout_name: uniq('P'), layout_type: '1', visibility: 'private' }),
    expect: x(201, 201, 201, 201),
  },
  { method: 'GET', route: '/api/v1/layouts/:id', path: spareLayout, expect: x(200, 404, 200, 200) },
  {
    method: 'PATCH',
    route: '/api/v1/layouts/:id',
    path: spareLayout,
    body: () => ({ layout_name: uniq('renamed') }),
    expect: x(200, 404, [403, 'FORBIDDEN'], 403),
  },
  {
    method: 'PUT',
    route: '/api/v1/layouts/:id/positions',
    path: async () => `/api/v1/layouts/${await spareLayout()}/positions`,
    body: () => ({ positions: [{ position_number: 2, stream_id: ids.s1 }] }),
    expect: x(200, 404, 403, 403),
  },
  { method: 'DELETE', route: '/api/v1/layouts/:id', path: spareLayout, expect: x(200, 404, 403, 403) },
  {
    method: 'POST',
    route: '/api/v1/layouts/:id/default',
    path: async () => `/api/v1/layouts/${await spareLayout()}/default`,
    body: () => ({}),
    expect: x(200, 404, 403, 403),
  },
  // API credentials: admins of every branch
  {
    method: 'POST',
    route: '/api/v1/credentials',
    path: () => '/api/v1/credentials',
    body: () => ({ credential_name: uniq('c') }),
    expect: x(201, 403, 403, 403),
  },
  { method: 'GET', route: '/api/v1/credentials', path: () => '/api/v1/credentials', expect: x(200, 403, 403, 403) },
  { method: 'GET', route: '/api/v1/credentials/:id', path: spareCredential, expect: x(200, 403, 403, 403) },
  {
    method: 'PATCH',
    route: '/api/v1/credentials/:id',
    path: spareCredential,
    body: () => ({ credential_name: 'renamed' }),
    expect: x(200, 403, 403, 403),
  },
  {
    method: 'POST',
    route: '/api/v1/credentials/:id/revoke',
    path: async () => `/api/v1/credentials/${await spareCredential()}/revoke`,
    body: () => ({}),
    expect: x(200, 403, 403, 403),
  },
  {
    method: 'POST',
    route: '/api/v1/credentials/:id/rotate',
    path: async () => `/api/v1/credentials/${await spareCredential()}/rotate`,
    body: () => ({}),
    expect: x(200, 403, 403, 403),
  },
  { method: 'DELETE', route: '/api/v1/credentials/:id', path: spareCredential, expect: x(200, 403, 403, 403) },
  // users and audit: admins of every branch only
  { method: 'GET', route: '/api/v1/users', path: () => '/api/v1/users', expect: x(200, 403, 403, 403) },
  { method: 'GET', route: '/api/v1/users/:id', path: () => `/api/v1/users/${ids.op}`, expect: x(200, 403, 403, 403) },
  {
    method: 'POST',
    route: '/api/v1/users',
    path: () => '/api/v1/users',
    body: () => ({ email: `${uniq('n')}@test.local`, name: 'N', password: 'new-password', role: 'viewer' }),
    expect: x(201, 403, 403, 403),
  },
  {
    method: 'PATCH',
    route: '/api/v1/users/:id',
    path: spareUser,
    body: () => ({ name: 'Renamed' }),
    expect: x(200, 403, 403, 403),
  },
  {
    method: 'POST',
    route: '/api/v1/users/:id/password',
    path: async () => `/api/v1/users/${await spareUser()}/password`,
    body: () => ({ password: 'reset-password' }),
    expect: x(200, 403, 403, 403),
  },
  {
    method: 'POST',
    route: '/api/v1/users/:id/sessions/revoke',
    path: async () => `/api/v1/users/${await spareUser()}/sessions/revoke`,
    body: () => ({}),
    expect: x(200, 403, 403, 403),
  },
  { method: 'GET', route: '/api/v1/audit', path: () => '/api/v1/audit', expect: x(200, 403, 403, 403) },
  // queue monitor: admins of every branch
  { method: 'GET', route: '/api/v1/queues', path: () => '/api/v1/queues', expect: x(200, 403, 403, 403) },
  { method: 'GET', route: '/api/v1/failed-jobs', path: () => '/api/v1/failed-jobs', expect: x(200, 403, 403, 403) },
  {
    method: 'POST',
    route: '/api/v1/failed-jobs/:id/retry',
    path: () => '/api/v1/failed-jobs/999/retry',
    body: () => ({}),
    expect: x([404, 'NOT_FOUND'], 403, 403, 403),
  },
  {
    method: 'POST',
    route: '/api/v1/failed-jobs/retry-all',
    path: () => '/api/v1/failed-jobs/retry-all',
    body: () => ({}),
    expect: x(200, 403, 403, 403),
  },
  {
    method: 'DELETE',
    route: '/api/v1/failed-jobs/:id',
    path: () => '/api/v1/failed-jobs/999',
    expect: x([404, 'NOT_FOUND'], 403, 403, 403),
  },
  // alarms (issue 5): read for everyone in scope, act for operators and admins, escalation settings for admins
  { method: 'GET', route: '/api/v1/alarms', path: () => '/api/v1/alarms', expect: signedIn(200) },
  {
    method: 'GET',
    route: '/api/v1/alarms/:event_id',
    path: async () => `/api/v1/alarms/${await jakartaAlarm()}`,
    expect: x(200, 404, 200, 200),
  },
  {
    method: 'GET',
    route: '/api/v1/alarms/:event_id/timeline',
    path: async () => `/api/v1/alarms/${await jakartaAlarm()}/timeline`,
    expect: x(200, 404, 200, 200),
  },
  {
    method: 'POST',
    route: '/api/v1/alarms/:event_id/acknowledge',
    path: async () => `/api/v1/alarms/${await jakartaAlarm(true)}/acknowledge`,
    body: () => ({}),
    expect: x(200, [404, 'NOT_FOUND'], 200, [403, 'FORBIDDEN']),
  },
  {
    method: 'POST',
    route: '/api/v1/alarms/acknowledge',
    path: () => '/api/v1/alarms/acknowledge',
    body: () => ({ event_ids: [999_999] }),
    expect: x(200, 200, 200, 403),
  },
  {
    method: 'POST',
    route: '/api/v1/alarms/:event_id/close',
    path: async () => `/api/v1/alarms/${await jakartaAlarm(true)}/close`,
    body: () => ({}),
    expect: x(200, 404, 200, 403),
  },
  {
    method: 'POST',
    route: '/api/v1/alarms/:event_id/note',
    path: async () => `/api/v1/alarms/${await jakartaAlarm()}/note`,
    body: () => ({ note: 'seen' }),
    expect: x(200, 404, 200, 403),
  },
  {
    method: 'GET',
    route: '/api/v1/alarm-escalation',
    path: () => '/api/v1/alarm-escalation',
    expect: x(200, 200, 403, 403),
  },
  {
    method: 'GET',
    route: '/api/v1/alarm-escalation/:branch_id',
    path: () => `/api/v1/alarm-escalation/${ids.b1}`,
    expect: x(200, 404, 403, 403),
  },
  {
    method: 'PUT',
    route: '/api/v1/alarm-escalation/:branch_id',
    path: () => `/api/v1/alarm-escalation/${ids.b2}`,
    body: () => ({ enabled: true, escalate_after_seconds: 600, numbers: [] }),
    expect: x(200, 200, 403, 403),
  },
  {
    method: 'PUT',
    route: '/api/v1/alarm-escalation/:branch_id',
    path: () => `/api/v1/alarm-escalation/${ids.b1}`,
    body: () => ({ enabled: false, escalate_after_seconds: 600, numbers: [] }),
    expect: x(200, 404, 403, 403),
  },
  {
    method: 'DELETE',
    route: '/api/v1/alarm-escalation/:branch_id',
    path: async () => (
      await h.admin.putEscalationSettings(ids.b2, { enabled: false, escalate_after_seconds: 600, numbers: [] }),
      `/api/v1/alarm-escalation/${ids.b2}`
    ),
    expect: x(200, 200, 403, 403),
  },
  // alarm rules (issue 14): read in scope, written by admins of the branch; arming and the watchlist for operators and admins
  { method: 'GET', route: '/api/v1/alarm-rules', path: () => '/api/v1/alarm-rules', expect: signedIn(200) },
  { method: 'GET', route: '/api/v1/alarm-rules/:id', path: () => spareRule('b1'), expect: x(200, 404, 200, 200) },
  {
    method: 'POST',
    route: '/api/v1/alarm-rules',
    path: () => '/api/v1/alarm-rules',
    body: () => ({ branch_id: ids.b1, name: uniq('rule'), condition: { type: 'count_at_least', value: 3 } }),
    expect: x(201, [404, 'NOT_FOUND'], [403, 'FORBIDDEN'], [403, 'FORBIDDEN']),
  },
  {
    method: 'POST',
    route: '/api/v1/alarm-rules',
    path: () => '/api/v1/alarm-rules',
    body: () => ({ branch_id: ids.b2, name: uniq('rule'), condition: { type: 'watchlist' } }),
    expect: x(201, 201, 403, 403),
  },
  {
    method: 'PATCH',
    route: '/api/v1/alarm-rules/:id',
    path: () => spareRule('b1'),
    body: () => ({ priority: 'high' }),
    expect: x(200, 404, 403, 403),
  },
  { method: 'DELETE', route: '/api/v1/alarm-rules/:id', path: () => spareRule('b1'), expect: x(200, 404, 403, 403) },
  {
    method: 'POST',
    route: '/api/v1/alarm-rules/preview',
    path: () => '/api/v1/alarm-rules/preview',
    body: () => ({ branch_id: ids.b1, rules: [{ name: 'any', condition: { type: 'any_person' } }] }),
    expect: x(200, [404, 'NOT_FOUND'], 403, 403),
  },
  {
    method: 'GET',
    route: '/api/v1/alarms/service-level',
    path: () => '/api/v1/alarms/service-level?from=2026-12-01&to=2026-12-02',
    expect: signedIn(200),
  },
  { method: 'GET', route: '/api/v1/arming', path: () => '/api/v1/arming', expect: signedIn(200) },
  {
    method: 'POST',
    route: '/api/v1/branches/:id/arming',
    path: () => `/api/v1/branches/${ids.b1}/arming`,
    body: () => ({ armed: true }),
    expect: x(200, [404, 'NOT_FOUND'], 200, [403, 'FORBIDDEN']),
  },
  {
    method: 'PUT',
    route: '/api/v1/branches/:id/arming-schedule',
    path: () => `/api/v1/branches/${ids.b1}/arming-schedule`,
    body: () => ({ entries: [] }),
    expect: x(200, [404, 'NOT_FOUND'], [403, 'FORBIDDEN'], [403, 'FORBIDDEN']),
  },
  { method: 'GET', route: '/api/v1/watchlist', path: () => '/api/v1/watchlist', expect: signedIn(200) },
  {
    method: 'PUT',
    route: '/api/v1/watchlist/:re_id',
    path: () => `/api/v1/watchlist/${uniq('watched-')}`,
    body: () => ({ reason: 'seen at the back door' }),
    expect: x(200, 200, 200, 403),
  },
  {
    method: 'DELETE',
    route: '/api/v1/watchlist/:re_id',
    path: async () => {
      const reId = uniq('watched-');
      await h.admin.putWatchlist(reId, { reason: 'spare' });
      return `/api/v1/watchlist/${reId}`;
    },
    // someone else's entry: only an admin of every branch (a scoped user sees it only if the person was in scope)
    expect: x(200, [404, 'NOT_FOUND'], [404, 'NOT_FOUND'], 403),
  },
  {
    method: 'DELETE',
    route: '/api/v1/watchlist/:re_id',
    path: async () => `/api/v1/watchlist/${uniq('never-watched-')}`,
    expect: x([404, 'NOT_FOUND'], [404, 'NOT_FOUND'], [404, 'NOT_FOUND'], 403),
  },
  // WhatsApp alerts: settings for admins within their scope; provider and test message for admins of every branch
  {
    method: 'GET',
    route: '/api/v1/alert-settings',
    path: () => '/api/v1/alert-settings',
    expect: x(200, 200, 403, 403),
  },
  {
    method: 'POST',
    route: '/api/v1/alert-settings',
    path: () => '/api/v1/alert-settings',
    body: () => ({ branch_id: ids.b1, device_id: 'cam-1' }),
    expect: x(201, [404, 'UNKNOWN_BRANCH'], 403, 403),
  },
  { method: 'GET', route: '/api/v1/alert-settings/:id', path: spareAlertSetting, expect: x(200, 404, 403, 403) },
  {
    method: 'PATCH',
    route: '/api/v1/alert-settings/:id',
    path: spareAlertSetting,
    body: () => ({ cooldown_seconds: 60 }),
    expect: x(200, 404, 403, 403),
  },
  { method: 'DELETE', route: '/api/v1/alert-settings/:id', path: spareAlertSetting, expect: x(200, 404, 403, 403) },
  {
    method: 'GET',
    route: '/api/v1/notification-provider',
    path: () => '/api/v1/notification-provider',
    expect: x(200, 403, 403, 403),
  },
  {
    method: 'PUT',
    route: '/api/v1/notification-provider',
    path: () => '/api/v1/notification-provider',
    body: () => ({ provider: 'none' }),
    expect: x(200, 403, 403, 403),
  },
  {
    method: 'POST',
    route: '/api/v1/notification-provider/test',
    path: () => '/api/v1/notification-provider/test',
    body: () => ({ phone: '+6281234567890' }),
    expect: x(202, 403, 403, 403),
  },
  {
    method: 'GET',
    route: '/api/v1/notification-deliveries',
    path: () => '/api/v1/notification-deliveries',
    expect: x(200, 200, 403, 403),
  },
  {
    method: 'POST',
    route: '/api/v1/notification-deliveries/:id/resend',
    path: () => '/api/v1/notification-deliveries/999999/resend',
    body: () => ({}),
    expect: x([404, 'NOT_FOUND'], [404, 'NOT_FOUND'], 403, 403),
  },
  // the WhatsApp webhook (outside /api/v1): Meta authenticates with the verify token and the body's signature, never a session
  {
    method: 'GET',
    route: '/webhooks/whatsapp',
    path: () => '/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1',
    expect: all([403, 'FORBIDDEN']),
  },
  {
    method: 'POST',
    route: '/webhooks/whatsapp',
    path: () => '/webhooks/whatsapp',
    body: () => ({ entry: [] }),
    expect: all([401, 'UNAUTHENTICATED']),
  },
];

/** A Jakarta alarm: the one raised at start, or (`fresh`) a new one, still `new`. */
async function jakartaAlarm(fresh = false): Promise<number> {
  const reId = fresh ? uniq('alarm-') : 'jkt-person';
  if (fresh) await h.device.logDetection({ re_id: reId, branch_id: ids.b1, device_id: 'cam-1', detected_count: 1 });
  return waitFor(
    async () => (await h.admin.listEvents({ branch_id: ids.b1, limit: 50 })).find((e) => e.re_id === reId)?.id,
    5000,
    reId,
  );
}

/** A row's path: as given, or its route with `:id` filled in. */
async function concretePath(row: Row): Promise<string> {
  const p = await row.path();
  return typeof p === 'number' ? row.route.replace(':id', String(p)) : p;
}

async function call(role: Role, row: Row): Promise<{ status: number; code?: string }> {
  let client = clients[role];
  if (row.fresh && role !== 'AN') {
    client = new ApiClient({ baseUrl: h.server.url });
    await client.login({ email: EMAILS[role], password: PASSWORDS[role] });
  }
  const path = await concretePath(row);
  try {
    const r = await client.request(row.method, path, row.body?.());
    return { status: r.status };
  } catch (e) {
    if (!(e instanceof PantauError)) throw e;
    return { status: e.status, code: e.code };
  }
}

describe('access matrix', () => {
  it.each(TABLE.map((row, i) => [`${i + 1}. ${row.method} ${row.route}`, row] as const))('%s', async (_name, row) => {
    for (const role of ROLES) {
      const got = await call(role, row);
      const want = row.expect[role];
      const [status, code] = Array.isArray(want) ? want : [want, undefined];
      expect({ role, status: got.status, ...(code ? { code: got.code } : {}) }).toEqual({
        role,
        status,
        ...(code ? { code } : {}),
      });
      if (got.status === 401 && role === 'AN' && !code) expect(got.code).toBe('UNAUTHENTICATED');
    }
  });

  it('refuses to start when an /api route declares no access', async () => {
    const app = Fastify();
    installAccess(app, h.server.services.auth);
    expect(() => app.get('/api/v1/ungated', async () => 'x')).toThrow(/declares no access/);
    await app.close();
  });

  it('covers every /api route the server registers, and every route declares its access', () => {
    const registered = h.server.routes.filter((r) => r.url.startsWith('/api/v1/')).map((r) => `${r.method} ${r.url}`);
    const covered = new Set(TABLE.map((r) => `${r.method} ${r.route}`));
    expect(registered.length).toBeGreaterThanOrEqual(40);
    expect(registered.filter((r) => !covered.has(r))).toEqual([]);
    expect(h.server.routes.filter((r) => r.url.startsWith('/api/v1/') && r.access === undefined)).toEqual([]);
  });
});
