/**
 * Real-time isolation (issue 3): users of different provinces connected while detections
 * and organisation changes flow in both receive none of the other's; a scope change reaches
 * open sockets at once; disabling a user or ending their sessions closes their sockets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '@pantau/shared';
import { startHarness, waitFor, WsRecorder, type Harness } from '../test-support/harness.js';

let h: Harness;
let jkt: ApiClient;
let bdg: ApiClient;
let jktUserId: number;
beforeAll(async () => {
  h = await startHarness();
  const [b1, b2] = h.branches;
  jktUserId = (
    await h.server.services.auth.createUser({
      email: 'jkt@test.local',
      password: 'jakarta-pw',
      role: 'operator',
      scope_all: false,
      scope_group_ids: [b1!.group_id],
    })
  ).id;
  await h.server.services.auth.createUser({
    email: 'bdg@test.local',
    password: 'bandung-pw',
    role: 'operator',
    scope_all: false,
    scope_group_ids: [b2!.group_id],
  });
  jkt = new ApiClient({ baseUrl: h.server.url });
  bdg = new ApiClient({ baseUrl: h.server.url });
  await jkt.login({ email: 'jkt@test.local', password: 'jakarta-pw' });
  await bdg.login({ email: 'bdg@test.local', password: 'bandung-pw' });
});
afterAll(async () => {
  await h?.stop();
});

async function connect(token: string): Promise<WsRecorder> {
  const ws = new WsRecorder(h.server.url);
  await ws.opened;
  ws.send({ type: 'auth', token });
  await waitFor(() => ws.frames.find((f) => f.type === 'ready'), 3000, 'ready');
  return ws;
}

describe('real-time isolation', () => {
  it('gives each province only its own events while detections and changes flow in both', async () => {
    const [b1, b2] = h.branches;
    const a = await connect(jkt.token!);
    const b = await connect(bdg.token!);
    const all = await connect(h.admin.token!);
    const posts = [];
    for (let i = 0; i < 100; i++) {
      const inJkt = i % 2 === 0;
      posts.push(
        h.device.logDetection({
          re_id: `iso-${i}`,
          branch_id: (inJkt ? b1 : b2)!.id,
          device_id: inJkt ? 'cam-1' : 'cam-2',
          detected_count: 1,
          event_id: `iso-${i}`,
        }),
      );
    }
    await Promise.all(posts);
    await h.admin.updateBranch(b1!.id, { city: 'Jakarta Selatan' });
    await h.admin.updateBranch(b2!.id, { city: 'Bandung Barat' });
    await h.admin.updateGroup(b2!.group_id, { phone: '022-1234' });
    await h.admin.createDevice({
      device_id: 'cam-bdg-9',
      device_name: 'New Bandung camera',
      device_type: 'camera',
      branch_id: b2!.id,
    });
    await waitFor(() => all.events().length >= 104, 5000, 'admin sees everything');
    await new Promise((r) => setTimeout(r, 300));
    const channels = (ws: WsRecorder) => new Set(ws.events().map((e) => e.channel));
    expect(channels(a)).toEqual(new Set([`branch:${b1!.id}`]));
    expect(channels(b)).toEqual(new Set([`branch:${b2!.id}`, `group:${b2!.group_id}`]));
    expect(a.events().filter((e) => e.type === 'detection_update')).toHaveLength(50);
    expect(b.events().filter((e) => e.type === 'detection_update')).toHaveLength(50);
    expect(a.events().some((e) => e.type === 'group_updated' || e.type === 'device_updated')).toBe(false);
    // system-wide numbers reach only admins of every branch
    const svc = h.server.services;
    svc.exec.tx(() => svc.outbox.appendForAdmins('queue_stats', { queues: [] }));
    svc.hub.pump();
    await waitFor(() => all.events().some((e) => e.type === 'queue_stats'), 3000, 'queue_stats to the admin');
    expect([...a.events(), ...b.events()].some((e) => e.type === 'queue_stats')).toBe(false);
    expect(b.events().filter((e) => e.type === 'device_updated')).toHaveLength(1);
    a.close();
    b.close();
    all.close();
  });

  it('applies a scope change to an open socket at once', async () => {
    const [, b2] = h.branches;
    const a = await connect(jkt.token!);
    await h.admin.updateUser(jktUserId, { scope_group_ids: [b2!.group_id] });
    await h.device.logDetection({ re_id: 'moved-1', branch_id: b2!.id, device_id: 'cam-2', detected_count: 1 });
    await waitFor(
      () => a.events().some((e) => e.type === 'detection_update'),
      3000,
      'Bandung event after the scope change',
    );
    expect((await jkt.listEvents({ limit: 5 }))[0]!.branch_id).toBe(b2!.id);
    a.close();
  });

  it('closes the sockets of a disabled user and refuses their token', async () => {
    const a = await connect(jkt.token!);
    await h.admin.updateUser(jktUserId, { status: 'disabled' });
    await waitFor(() => a.closeCode !== null, 3000, 'socket closed');
    expect(a.closeCode).toBe(4401);
    expect(a.frames.find((f) => f.type === 'error')).toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(jkt.me()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('closes the socket of a session that signs out', async () => {
    const b = await connect(bdg.token!);
    await bdg.logout();
    await waitFor(() => b.closeCode !== null, 3000, 'socket closed');
    expect(b.closeCode).toBe(4401);
  });
});
