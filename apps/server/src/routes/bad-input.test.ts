/**
 * Bad input for every write route and list query (issue 3): a clear error with its code and
 * field, and nothing changed — no row, no audit record, no event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PantauError } from '@pantau/shared';
import { startHarness, type Harness } from '../test-support/harness.js';

let h: Harness;
let ids: { g1: number; b1: number; b2: number; d1: number; s1: number; user: number };
beforeAll(async () => {
  h = await startHarness();
  const [b1, b2] = h.branches;
  const d1 = (await h.admin.devicesPage({ q: 'cam-1' })).items[0]!.id;
  const s1 = (
    await h.admin.createStream({
      branch_id: b1!.id,
      device_id: 'cam-1',
      stream_name: 'Lobby',
      main_url: 'rtsp://127.0.0.1:9/a',
    })
  ).id;
  const user = (
    await h.admin.createUser({ email: 'someone@test.local', name: 'Someone', password: 'someone-pw', role: 'viewer' })
  ).id;
  ids = { g1: b1!.group_id, b1: b1!.id, b2: b2!.id, d1, s1, user };
});
afterAll(async () => {
  await h?.stop();
});

function snapshot(): Record<string, number> {
  const db = h.server.services.db.conn;
  const out: Record<string, number> = {};
  for (const t of [
    'company_groups',
    'company_branches',
    'device_masters',
    'cctv_streams',
    'users',
    'audit_logs',
    'realtime_outbox',
    'cctv_layout_settings',
    'api_credentials',
  ]) {
    // system-wide numbers (queue_stats, channel admins) and stream probes (stream_status) are broadcast on a
    // timer: not a change made by the input
    out[t] = (
      db
        .prepare(
          `SELECT COUNT(*) AS n FROM ${t}${t === 'realtime_outbox' ? " WHERE channel != 'admins' AND type != 'stream_status'" : ''}`,
        )
        .get() as { n: number }
    ).n;
  }
  out.changed = (db.prepare(`SELECT COUNT(*) AS n FROM audit_logs`).get() as { n: number }).n;
  return out;
}

type Case = [method: string, path: () => string, body: unknown, code: string, field: string];
const C = (method: string, path: () => string, body: unknown, code: string, field: string): Case => [
  method,
  path,
  body,
  code,
  field,
];

const CASES: Case[] = [
  C(
    'POST',
    () => '/api/v1/groups',
    { province_code: '', province_name: 'x', group_name: 'x' },
    'VALIDATION_ERROR',
    'province_code',
  ),
  C(
    'POST',
    () => '/api/v1/groups',
    { province_code: 'has space', province_name: 'x', group_name: 'x' },
    'VALIDATION_ERROR',
    'province_code',
  ),
  C('POST', () => '/api/v1/groups', { province_code: 'OK1', group_name: 'x' }, 'VALIDATION_ERROR', 'province_name'),
  C(
    'POST',
    () => '/api/v1/groups',
    { province_code: 'OK2', province_name: 'x', group_name: 'x', email: 'not-an-email' },
    'VALIDATION_ERROR',
    'email',
  ),
  C(
    'POST',
    () => '/api/v1/groups',
    { province_code: 'JKT', province_name: 'x', group_name: 'x' },
    'CONFLICT',
    'province_code',
  ),
  C('PATCH', () => `/api/v1/groups/${ids.g1}`, { group_name: 'y'.repeat(129) }, 'VALIDATION_ERROR', 'group_name'),
  C('PATCH', () => `/api/v1/groups/${ids.g1}`, { province_code: 'JB' }, 'CONFLICT', 'province_code'),
  C('PATCH', () => '/api/v1/groups/999', { group_name: 'y' }, 'NOT_FOUND', 'id'),
  C('PATCH', () => '/api/v1/groups/abc', { group_name: 'y' }, 'VALIDATION_ERROR', 'id'),
  C('DELETE', () => `/api/v1/groups/${ids.g1}`, undefined, 'CONFLICT', 'id'),
  C(
    'POST',
    () => '/api/v1/branches',
    { group_id: 999, branch_code: 'N-1', branch_name: 'x', city: 'x' },
    'NOT_FOUND',
    'group_id',
  ),
  C(
    'POST',
    () => '/api/v1/branches',
    { group_id: 1, branch_code: 'N-2', branch_name: 'x', city: 'x', timezone: 'Asia/Atlantis' },
    'VALIDATION_ERROR',
    'timezone',
  ),
  C(
    'POST',
    () => '/api/v1/branches',
    { group_id: 1, branch_code: 'N-3', branch_name: 'x', city: 'x', latitude: 91 },
    'VALIDATION_ERROR',
    'latitude',
  ),
  C(
    'POST',
    () => '/api/v1/branches',
    { group_id: 1, branch_code: 'JKT-01', branch_name: 'x', city: 'x' },
    'CONFLICT',
    'branch_code',
  ),
  C('PATCH', () => `/api/v1/branches/${ids.b1}`, { group_id: 999 }, 'NOT_FOUND', 'group_id'),
  C('PATCH', () => `/api/v1/branches/${ids.b1}`, { branch_code: 'BDG-01' }, 'CONFLICT', 'branch_code'),
  C('DELETE', () => `/api/v1/branches/${ids.b1}`, undefined, 'CONFLICT', 'id'),
  C(
    'POST',
    () => '/api/v1/devices',
    { device_id: 'bad id!', device_name: 'x', device_type: 'camera', branch_id: 1 },
    'VALIDATION_ERROR',
    'device_id',
  ),
  C(
    'POST',
    () => '/api/v1/devices',
    { device_id: 'ok-1', device_name: 'x', device_type: 'doorbell', branch_id: 1 },
    'VALIDATION_ERROR',
    'device_type',
  ),
  C(
    'POST',
    () => '/api/v1/devices',
    { device_id: 'ok-2', device_name: 'x', device_type: 'camera', branch_id: 999 },
    'NOT_FOUND',
    'branch_id',
  ),
  C(
    'POST',
    () => '/api/v1/devices',
    { device_id: 'ok-3', device_name: 'x', device_type: 'camera', branch_id: 1, parent_device_id: 'cam-2' },
    'VALIDATION_ERROR',
    'parent_device_id',
  ),
  C(
    'POST',
    () => '/api/v1/devices',
    { device_id: 'ok-4', device_name: 'x', device_type: 'camera', branch_id: 1, parent_device_id: 'nvr-nope' },
    'NOT_FOUND',
    'parent_device_id',
  ),
  C(
    'POST',
    () => '/api/v1/devices',
    { device_id: 'cam-1', device_name: 'x', device_type: 'camera', branch_id: 1 },
    'CONFLICT',
    'device_id',
  ),
  C('PATCH', () => `/api/v1/devices/${ids.d1}`, { status: 'online' }, 'VALIDATION_ERROR', 'status'),
  C('PATCH', () => `/api/v1/devices/${ids.d1}`, { parent_device_id: 'cam-1' }, 'VALIDATION_ERROR', 'parent_device_id'),
  C('PATCH', () => `/api/v1/devices/${ids.d1}`, { device_id: 'renamed' }, 'VALIDATION_ERROR', 'device_id'),
  C(
    'POST',
    () => '/api/v1/streams',
    { branch_id: 1, device_id: 'cam-1', stream_name: 'x', main_url: 'ftp://x' },
    'VALIDATION_ERROR',
    'main_url',
  ),
  C(
    'POST',
    () => '/api/v1/streams',
    { branch_id: 1, device_id: 'cam-1', stream_name: 'x', main_url: 'rtsp://h/x', resolution: 'big' },
    'VALIDATION_ERROR',
    'resolution',
  ),
  C(
    'POST',
    () => '/api/v1/streams',
    { branch_id: 1, device_id: 'cam-1', stream_name: 'x', main_url: 'rtsp://h/x', fps: 0 },
    'VALIDATION_ERROR',
    'fps',
  ),
  C(
    'POST',
    () => '/api/v1/streams',
    { branch_id: 1, device_id: 'cam-x', stream_name: 'x', main_url: 'rtsp://h/x' },
    'NOT_FOUND',
    'device_id',
  ),
  C('PATCH', () => `/api/v1/streams/${ids.s1}`, { protocol: 'webrtc' }, 'VALIDATION_ERROR', 'protocol'),
  C(
    'POST',
    () => '/api/v1/users',
    { email: 'nope', name: 'x', password: 'long-enough', role: 'viewer' },
    'VALIDATION_ERROR',
    'email',
  ),
  C(
    'POST',
    () => '/api/v1/users',
    { email: 'a@b.co', name: 'x', password: 'short', role: 'viewer' },
    'VALIDATION_ERROR',
    'password',
  ),
  C(
    'POST',
    () => '/api/v1/users',
    { email: 'a@b.co', name: 'x', password: 'long-enough', role: 'root' },
    'VALIDATION_ERROR',
    'role',
  ),
  C(
    'POST',
    () => '/api/v1/users',
    { email: 'a@b.co', name: 'x', password: 'long-enough', role: 'viewer', scope_branch_ids: [999] },
    'VALIDATION_ERROR',
    'scope_branch_ids',
  ),
  C(
    'POST',
    () => '/api/v1/users',
    { email: 'admin@test.local', name: 'x', password: 'long-enough', role: 'viewer' },
    'CONFLICT',
    'email',
  ),
  C('PATCH', () => `/api/v1/users/${ids.user}`, { scope_group_ids: [999] }, 'VALIDATION_ERROR', 'scope_group_ids'),
  C('PATCH', () => `/api/v1/users/${ids.user}`, { status: 'deleted' }, 'VALIDATION_ERROR', 'status'),
  C('PATCH', () => '/api/v1/users/1', { role: 'viewer' }, 'CONFLICT', 'role'),
  C('POST', () => `/api/v1/users/${ids.user}/password`, { password: 'short' }, 'VALIDATION_ERROR', 'password'),
  C(
    'POST',
    () => '/api/v1/auth/password',
    { current_password: 'admin-password', new_password: 'short' },
    'VALIDATION_ERROR',
    'new_password',
  ),
  C(
    'POST',
    () => '/api/v1/auth/password',
    { current_password: 'admin-password', new_password: 'admin-password' },
    'VALIDATION_ERROR',
    'new_password',
  ),
  C('POST', () => '/api/v1/layouts', { layout_name: 'x', layout_type: '5' }, 'VALIDATION_ERROR', 'layout_type'),
  C(
    'POST',
    () => '/api/v1/layouts',
    { layout_name: 'x', layout_type: '4', positions: [{ position_number: 5, stream_id: 1 }] },
    'VALIDATION_ERROR',
    'positions.0.position_number',
  ),
  C(
    'POST',
    () => '/api/v1/layouts',
    { layout_name: 'x', layout_type: '4', positions: [{ position_number: 1, stream_id: 999 }] },
    'NOT_FOUND',
    'positions.0.stream_id',
  ),
  C(
    'POST',
    () => '/api/v1/credentials',
    { credential_name: 'x', expires_at: '2001-01-01T00:00:00Z' },
    'VALIDATION_ERROR',
    'expires_at',
  ),
  C('GET', () => '/api/v1/branches?per_page=0', undefined, 'VALIDATION_ERROR', 'per_page'),
  C('GET', () => '/api/v1/devices?page=abc', undefined, 'VALIDATION_ERROR', 'page'),
  C('GET', () => '/api/v1/devices?device_type=toaster', undefined, 'VALIDATION_ERROR', 'device_type'),
  C('GET', () => '/api/v1/audit?from=yesterday', undefined, 'VALIDATION_ERROR', 'from'),
];

describe('bad input', () => {
  it.each(CASES.map((c, i) => [`${i + 1}. ${c[0]} ${c[3]} ${c[4]}`, c] as const))(
    '%s: clear error, nothing changed',
    async (_n, [method, path, body, code, field]) => {
      const before = snapshot();
      const err = await h.admin.request(method, path(), body).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PantauError);
      expect({ code: (err as PantauError).code, field: (err as PantauError).details?.field }).toEqual({ code, field });
      expect((err as PantauError).message.length).toBeGreaterThan(5);
      expect(snapshot()).toEqual(before);
    },
  );

  it('names the branches that keep a group from being deleted', async () => {
    const err = (await h.admin.deleteGroup(ids.g1).catch((e: unknown) => e)) as PantauError;
    expect(err.details?.branches).toEqual([expect.objectContaining({ id: ids.b1, branch_code: 'JKT-01' })]);
  });
});
