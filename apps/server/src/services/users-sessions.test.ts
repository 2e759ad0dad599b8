/**
 * Users and sessions (issue 3): first-run setup, failed sign-ins slowed per account and limited per
 * address, sessions that expire, end on logout and on a password change or reset, the last
 * full admin protected, and an audit log with secrets masked.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient, PantauError } from '@pantau/shared';
import { startServer, type RunningServer } from '../server.js';
import { startHarness, tempDataDir, type Harness } from '../test-support/harness.js';
import { LOGIN_FREE_FAILURES_PER_ACCOUNT } from './auth-service.js';
import pino from 'pino';

const stops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const s of stops) await s();
});
async function harness(over = {}): Promise<Harness> {
  const h = await startHarness(over);
  stops.push(() => h.stop());
  return h;
}
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: PantauError) => e.code,
  );

describe('first-run setup', () => {
  it('creates the first admin only while no user exists', async () => {
    const server: RunningServer = await startServer(
      { port: 0, dataDir: tempDataDir(), consoleDir: null, logLevel: 'silent' },
      pino({ level: 'silent' }),
    );
    stops.push(() => server.close());
    const c = new ApiClient({ baseUrl: server.url });
    expect(await c.setupState()).toEqual({ needs_setup: true });
    const r = await c.setup({ email: 'First@Example.com', name: 'First', password: 'first-password' });
    expect(r.user).toMatchObject({ email: 'first@example.com', role: 'admin', scope_all: true });
    expect((await c.me()).email).toBe('first@example.com');
    expect(await c.setupState()).toEqual({ needs_setup: false });
    expect(
      await codeOf(
        new ApiClient({ baseUrl: server.url }).setup({
          email: 'second@example.com',
          name: 'x',
          password: 'second-password',
        }),
      ),
    ).toBe('CONFLICT');
  });
});

describe('sign-in limits and sessions', () => {
  it('slows failed sign-ins per account with 429 and Retry-After, and lets the right password through after the wait', async () => {
    const h = await harness();
    // an account that never signed in from here, so the delay applies (login-limits.test.ts has the rest)
    await h.server.services.auth.createUser({ email: 'op@test.local', password: 'op-password', role: 'operator' });
    const c = new ApiClient({ baseUrl: h.server.url });
    for (let i = 0; i < LOGIN_FREE_FAILURES_PER_ACCOUNT; i++)
      expect(await codeOf(c.login({ email: 'op@test.local', password: 'wrong' }))).toBe('INVALID_CREDENTIALS');
    const res = await fetch(`${h.server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'op@test.local', password: 'op-password' }),
    });
    expect(res.status).toBe(429);
    const retry = Number(res.headers.get('retry-after'));
    expect(retry).toBe(1);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    // another account from the same address is not slowed by these five
    await h.server.services.auth.createUser({ email: 'other@test.local', password: 'other-password', role: 'viewer' });
    expect(await codeOf(c.login({ email: 'other@test.local', password: 'other-password' }))).toBe('OK');
    await new Promise((r) => setTimeout(r, retry * 1000 + 50));
    expect(await codeOf(c.login({ email: 'op@test.local', password: 'op-password' }))).toBe('OK');
  });

  it('limits failed sign-ins per address across accounts', async () => {
    const h = await harness();
    const c = new ApiClient({ baseUrl: h.server.url });
    for (let i = 0; i < 20; i++)
      expect(await codeOf(c.login({ email: `nobody${i}@test.local`, password: 'wrong' }))).toBe('INVALID_CREDENTIALS');
    expect(await codeOf(c.login({ email: 'admin@test.local', password: 'admin-password' }))).toBe('RATE_LIMITED');
  });

  it('ends sessions when they expire', async () => {
    // 3 s: long enough that sign-in (argon2) and the first check fit inside it on a loaded
    // 2-core machine, where a 300 ms lifetime made this test flaky
    const ttl = 3000;
    const h = await harness({ sessionTtlMs: ttl });
    const c = new ApiClient({ baseUrl: h.server.url });
    await c.login({ email: 'admin@test.local', password: 'admin-password' });
    const signedIn = Date.now();
    expect(await codeOf(c.me())).toBe('OK');
    await new Promise((r) => setTimeout(r, Math.max(0, signedIn + ttl + 100 - Date.now())));
    expect(await codeOf(c.me())).toBe('UNAUTHENTICATED');
  });

  it('ends other sessions on a password change, and all of them on an admin reset or revoke', async () => {
    const h = await harness();
    const u = await h.admin.createUser({
      email: 'op@test.local',
      name: 'Op',
      password: 'operator-pw1',
      role: 'operator',
    });
    const s1 = new ApiClient({ baseUrl: h.server.url });
    const s2 = new ApiClient({ baseUrl: h.server.url });
    await s1.login({ email: 'op@test.local', password: 'operator-pw1' });
    await s2.login({ email: 'op@test.local', password: 'operator-pw1' });
    expect(await codeOf(s1.changePassword({ current_password: 'wrong', new_password: 'operator-pw2' }))).toBe(
      'INVALID_CREDENTIALS',
    );
    await s1.changePassword({ current_password: 'operator-pw1', new_password: 'operator-pw2' });
    expect(await codeOf(s1.me())).toBe('OK');
    expect(await codeOf(s2.me())).toBe('UNAUTHENTICATED');
    await h.admin.resetPassword(u.id, { password: 'operator-pw3' });
    expect(await codeOf(s1.me())).toBe('UNAUTHENTICATED');
    expect(await codeOf(s1.login({ email: 'op@test.local', password: 'operator-pw2' }))).toBe('INVALID_CREDENTIALS');
    await s1.login({ email: 'op@test.local', password: 'operator-pw3' });
    expect((await h.admin.revokeSessions(u.id)).revoked).toBe(1);
    expect(await codeOf(s1.me())).toBe('UNAUTHENTICATED');
  });

  it('keeps the last admin of every branch from being demoted or disabled, but not when another exists', async () => {
    const h = await harness();
    const me = await h.admin.me();
    expect(await codeOf(h.admin.updateUser(me.id, { role: 'operator' }))).toBe('CONFLICT');
    expect(await codeOf(h.admin.updateUser(me.id, { scope_all: false }))).toBe('CONFLICT');
    expect(await codeOf(h.admin.updateUser(me.id, { status: 'disabled' }))).toBe('CONFLICT');
    await h.admin.createUser({
      email: 'second@test.local',
      name: 'Second',
      password: 'second-admin',
      role: 'admin',
      scope_all: true,
    });
    expect((await h.admin.updateUser(me.id, { role: 'operator' })).role).toBe('operator');
  });
});

describe('audit log', () => {
  it('records who changed what, before and after, with secrets masked', async () => {
    const h = await harness();
    const s = await h.admin.createStream({
      branch_id: h.branches[0]!.id,
      device_id: 'cam-1',
      stream_name: 'Lobby',
      main_url: 'rtsp://user:hunter2@10.0.0.9/live',
    });
    await h.admin.updateStream(s.id, { password: 'correct-horse', stream_name: 'Lobby main' });
    await h.admin.createUser({ email: 'aud@test.local', name: 'Aud', password: 'audited-password', role: 'viewer' });
    const page = await h.admin.auditPage({ entity_type: 'stream', entity_id: String(s.id) });
    expect(page.items.map((e) => e.action)).toEqual(['update', 'create']);
    const update = page.items[0]!;
    expect(update).toMatchObject({ user_email: 'admin@test.local', ip: '127.0.0.1', entity_type: 'stream' });
    expect(update.before).toMatchObject({ stream_name: 'Lobby', password_enc: '***' });
    expect(update.after).toMatchObject({ stream_name: 'Lobby main', password_enc: '***' });
    const everything = JSON.stringify(await h.admin.auditPage({ per_page: 500 }));
    for (const secret of ['hunter2', 'correct-horse', 'audited-password', '$argon2'])
      expect(everything).not.toContain(secret);
    expect((await h.admin.auditPage({ action: 'create', entity_type: 'user' })).items[0]?.after).toMatchObject({
      email: 'aud@test.local',
    });
  });
});

describe('organisation rules', () => {
  it('moves a branch between groups, keeps NVRs with cameras, and moves a device with its streams', async () => {
    const h = await harness();
    const [b1, b2] = h.branches;
    const moved = await h.admin.updateBranch(b1!.id, { group_id: b2!.group_id });
    expect(moved.group_id).toBe(b2!.group_id);
    expect((await h.admin.getGroup(b2!.group_id)).branch_count).toBe(2);
    const nvr = await h.admin.createDevice({
      device_id: 'nvr-1',
      device_name: 'NVR',
      device_type: 'nvr',
      branch_id: b1!.id,
    });
    const cam = await h.admin.createDevice({
      device_id: 'cam-n1',
      device_name: 'Under NVR',
      device_type: 'camera',
      branch_id: b1!.id,
      parent_device_id: 'nvr-1',
    });
    expect((await h.admin.getDevice(nvr.id)).child_count).toBe(1);
    const err = (await h.admin.deleteDevice(nvr.id).catch((e: unknown) => e)) as PantauError;
    expect(err.code).toBe('CONFLICT');
    expect(err.details?.devices).toEqual([expect.objectContaining({ device_id: 'cam-n1' })]);
    const stream = await h.admin.createStream({
      branch_id: b1!.id,
      device_id: 'cam-n1',
      stream_name: 'S',
      main_url: 'rtsp://10.0.0.1/s',
    });
    const movedCam = await h.admin.updateDevice(cam.id, { branch_id: b2!.id });
    expect(movedCam).toMatchObject({ branch_id: b2!.id, parent_device_id: null });
    expect((await h.admin.getStream(stream.id)).branch_id).toBe(b2!.id);
    await h.admin.deleteDevice(nvr.id);
    const tree = await h.admin.cameraTree();
    const bdg = tree.flatMap((g) => g.branches).find((b) => b.id === b2!.id)!;
    expect(bdg.cameras.map((c) => c.device_id).sort()).toEqual(['cam-2', 'cam-n1']);
    expect(bdg.cameras.find((c) => c.device_id === 'cam-n1')!.streams).toEqual([
      expect.objectContaining({ id: stream.id }),
    ]);
  });

  it('searches and pages lists with totals', async () => {
    const h = await harness();
    for (let i = 0; i < 7; i++)
      await h.admin.createDevice({
        device_id: `pg-${i}`,
        device_name: `Paging ${i}`,
        device_type: 'camera',
        branch_id: h.branches[0]!.id,
      });
    const p1 = await h.admin.devicesPage({ q: 'Paging', per_page: 3, page: 1 });
    const p3 = await h.admin.devicesPage({ q: 'Paging', per_page: 3, page: 3 });
    expect(p1.meta).toEqual({ page: 1, per_page: 3, total: 7 });
    expect(p1.items).toHaveLength(3);
    expect(p3.items).toHaveLength(1);
    expect((await h.admin.branchesPage({ q: 'bandung' })).items.map((b) => b.branch_code)).toEqual(['BDG-01']);
    expect((await h.admin.branchesPage({})).items.find((b) => b.branch_code === 'JKT-01')).toMatchObject({
      device_count: 8,
      camera_count: 8,
      cameras_online: 0,
    });
  });
});
