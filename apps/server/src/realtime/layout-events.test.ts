/**
 * Who hears about a layout change (issue 6, S9), over real sockets: a private layout's
 * create/update/delete reaches its owner only, live and on replay since 0; making it shared
 * announces it to everyone; making it private again tells everyone else it is gone (`hidden`,
 * without the owner's id); shared layouts' changes reach every user whose scope holds a branch
 * of its streams before or after the change (everyone while it shows none).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, type RealtimeEventMap } from '@pantau/shared';
import { startHarness, waitFor, WsRecorder, type Harness } from '../test-support/harness.js';

type LayoutEvent = RealtimeEventMap['layout_updated'];

let h: Harness;
let operator: ApiClient;
let operatorId: number;
let adminId: number;
beforeAll(async () => {
  h = await startHarness();
  operatorId = (
    await h.server.services.auth.createUser({
      email: 'desk@test.local',
      password: 'desk-operator-pw',
      role: 'operator',
    })
  ).id;
  operator = new ApiClient({ baseUrl: h.server.url });
  await operator.login({ email: 'desk@test.local', password: 'desk-operator-pw' });
  adminId = (await h.admin.me()).id;
});
afterAll(async () => {
  await h?.stop();
});

/** A signed-in socket; `since` replays from that event id. */
async function connect(token: string, since?: number): Promise<WsRecorder> {
  const ws = new WsRecorder(h.server.url);
  await ws.opened;
  ws.send(since === undefined ? { type: 'auth', token } : { type: 'auth', token, since });
  await waitFor(() => ws.frames.find((f) => f.type === 'ready'), 3000, 'ready');
  if (since !== undefined) await waitFor(() => ws.frames.find((f) => f.type === 'resumed'), 3000, 'resumed');
  return ws;
}

/** The `layout_updated` events a socket received about one layout, with their channel. */
const about = (ws: WsRecorder, layoutId: number) =>
  ws
    .events()
    .filter((e) => e.type === 'layout_updated' && (e.data as LayoutEvent).layout_id === layoutId)
    .map((e) => ({ channel: e.channel, ...(e.data as LayoutEvent) }));

/**
 * Create and delete a shared layout both sockets must hear about: once its deletion reaches
 * a socket, every event committed before has been considered for it (events go in id order).
 */
async function fence(...sockets: WsRecorder[]): Promise<void> {
  const l = await h.admin.createLayout({ layout_name: 'Fence', layout_type: '1' });
  await h.admin.deleteLayout(l.id);
  for (const ws of sockets) await waitFor(() => about(ws, l.id).some((e) => e.action === 'deleted'), 5000, 'fence');
}

describe('layout_updated audience', () => {
  it("sends a private layout's changes to its owner only, live and on replay", async () => {
    const admin = await connect(h.admin.token!);
    const op = await connect(operator.token!);
    const mine = await operator.createLayout({ layout_name: 'My desk', layout_type: '4', visibility: 'private' });
    await operator.updateLayout(mine.id, { layout_name: 'My desk 2' });
    const adminDesk = await h.admin.createLayout({
      layout_name: 'Admin desk',
      layout_type: '1',
      visibility: 'private',
    });
    await h.admin.updateLayout(adminDesk.id, { layout_type: '4' });
    await operator.deleteLayout(mine.id);
    await fence(admin, op);
    await new Promise((r) => setTimeout(r, 200));

    const own = (id: number) => ({ channel: `user:${id}`, visibility: 'private', owner_user_id: id });
    expect(about(op, mine.id)).toEqual([
      { layout_id: mine.id, action: 'created', ...own(operatorId) },
      { layout_id: mine.id, action: 'updated', ...own(operatorId) },
      { layout_id: mine.id, action: 'deleted', ...own(operatorId) },
    ]);
    expect(about(admin, adminDesk.id)).toEqual([
      { layout_id: adminDesk.id, action: 'created', ...own(adminId) },
      { layout_id: adminDesk.id, action: 'updated', ...own(adminId) },
    ]);
    // neither hears of the other's, not even an admin of every branch
    expect(about(admin, mine.id)).toEqual([]);
    expect(about(op, adminDesk.id)).toEqual([]);
    admin.close();
    op.close();

    // catch-up from the very first event applies the same filter
    const opReplay = await connect(operator.token!, 0);
    const adminReplay = await connect(h.admin.token!, 0);
    expect(about(opReplay, mine.id).map((e) => e.action)).toEqual(['created', 'updated', 'deleted']);
    expect(about(opReplay, adminDesk.id)).toEqual([]);
    expect(about(adminReplay, adminDesk.id).map((e) => e.action)).toEqual(['created', 'updated']);
    expect(about(adminReplay, mine.id)).toEqual([]);
    opReplay.close();
    adminReplay.close();
  });

  it('announces a layout made shared to everyone, and one made private again as gone to everyone else', async () => {
    const admin = await connect(h.admin.token!);
    const op = await connect(operator.token!);
    const l = await h.admin.createLayout({ layout_name: 'Briefing', layout_type: '4', visibility: 'private' });
    await h.admin.updateLayout(l.id, { layout_name: 'Briefing draft' });
    await fence(admin, op);
    expect(about(op, l.id)).toEqual([]);

    // private → shared: everyone hears of it, without an owner
    await h.admin.updateLayout(l.id, { visibility: 'shared' });
    const shared = { channel: 'global', visibility: 'shared', owner_user_id: null };
    await waitFor(() => about(op, l.id).length === 1, 5000, 'shared announcement');
    expect(about(op, l.id)).toEqual([{ layout_id: l.id, action: 'updated', ...shared }]);
    expect((await operator.listLayouts()).map((x) => x.id)).toContain(l.id);

    // shared changes (including becoming the default) reach both
    await h.admin.updateLayout(l.id, { layout_name: 'Briefing room' });
    await h.admin.setDefaultLayout(l.id);
    await waitFor(() => about(op, l.id).length === 3 && about(admin, l.id).length === 5, 5000, 'shared changes');
    expect(about(op, l.id).slice(1)).toEqual([
      { layout_id: l.id, action: 'updated', ...shared },
      { layout_id: l.id, action: 'updated', ...shared },
    ]);
    expect(about(admin, l.id).slice(2)).toEqual(about(op, l.id));

    // shared → private: everyone is told it is gone (no owner id); the owner also that it is theirs
    await h.admin.updateLayout(l.id, { visibility: 'private' });
    const hidden = { layout_id: l.id, action: 'hidden', channel: 'global', visibility: 'private', owner_user_id: null };
    await waitFor(() => about(op, l.id).length === 4 && about(admin, l.id).length === 7, 5000, 'made private');
    expect(about(op, l.id)[3]).toEqual(hidden);
    expect(about(admin, l.id).slice(5)).toEqual([
      hidden,
      { layout_id: l.id, action: 'updated', channel: `user:${adminId}`, visibility: 'private', owner_user_id: adminId },
    ]);
    expect((await operator.listLayouts()).map((x) => x.id)).not.toContain(l.id);
    expect((await h.admin.getLayout(l.id)).is_default).toBe(false);

    // from then on it is private again
    await h.admin.updateLayout(l.id, { layout_name: 'Briefing (mine)' });
    await h.admin.deleteLayout(l.id);
    await fence(admin, op);
    await new Promise((r) => setTimeout(r, 200));
    expect(about(op, l.id)).toHaveLength(4);
    expect(
      about(admin, l.id)
        .slice(7)
        .map((e) => [e.action, e.channel]),
    ).toEqual([
      ['updated', `user:${adminId}`],
      ['deleted', `user:${adminId}`],
    ]);
    // nothing the operator was sent names another user as owner
    expect(
      op
        .events()
        .filter((e) => e.type === 'layout_updated')
        .every((e) => [null, operatorId].includes((e.data as LayoutEvent).owner_user_id)),
    ).toBe(true);
    admin.close();
    op.close();
  });

  it("sends a shared layout's changes only to users whose scope holds a branch of its streams, before or after", async () => {
    const [jakarta, bandung] = h.branches;
    const scoped = async (email: string, branchId: number) => {
      const id = (
        await h.server.services.auth.createUser({
          email,
          password: 'scoped-operator-pw',
          role: 'operator',
          scope_branch_ids: [branchId],
        })
      ).id;
      const client = new ApiClient({ baseUrl: h.server.url });
      await client.login({ email: email, password: 'scoped-operator-pw' });
      return { id, client, ws: await connect(client.token!) };
    };
    const opJ = await scoped('jkt-desk@test.local', jakarta!.id);
    const opB = await scoped('bdg-desk@test.local', bandung!.id);
    const admin = await connect(h.admin.token!);
    const lobby = await h.admin.createStream({
      branch_id: jakarta!.id,
      device_id: 'cam-1',
      stream_name: 'Lobby main',
      main_url: 'rtsp://127.0.0.1:8554/lobby',
    });
    const gate = await h.admin.createStream({
      branch_id: bandung!.id,
      device_id: 'cam-2',
      stream_name: 'Gate main',
      main_url: 'rtsp://127.0.0.1:8554/gate',
    });

    const l = await h.admin.createLayout({
      layout_name: 'Jakarta lobby',
      layout_type: '1',
      positions: [{ position_number: 1, stream_id: lobby.id }],
    });
    await h.admin.updateLayout(l.id, { positions: [{ position_number: 1, stream_id: gate.id }] });
    await h.admin.deleteLayout(l.id);
    await fence(admin, opJ.ws, opB.ws);
    await new Promise((r) => setTimeout(r, 200));

    const shared = (action: string, branchId: number) => ({
      layout_id: l.id,
      action,
      channel: `branch:${branchId}`,
      visibility: 'shared',
      owner_user_id: null,
    });
    // Jakarta's desk hears it created, and moved away (its wall must drop it); never deleted
    expect(about(opJ.ws, l.id)).toEqual([shared('created', jakarta!.id), shared('updated', jakarta!.id)]);
    // Bandung's desk hears nothing until it shows a Bandung camera
    expect(about(opB.ws, l.id)).toEqual([shared('updated', bandung!.id), shared('deleted', bandung!.id)]);
    // an admin of every branch hears each branch's copy of the change
    expect(about(admin, l.id).map((e) => [e.action, e.channel])).toEqual([
      ['created', `branch:${jakarta!.id}`],
      ['updated', `branch:${jakarta!.id}`],
      ['updated', `branch:${bandung!.id}`],
      ['deleted', `branch:${bandung!.id}`],
    ]);
    for (const ws of [opJ.ws, opB.ws, admin]) ws.close();
  });
});
