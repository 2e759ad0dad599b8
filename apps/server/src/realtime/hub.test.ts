/**
 * The real-time feed over a real socket: auth, live events, replay after a reconnect with
 * no gap, isolation by branch scope and by addressee, back-pressure and refusal of bad tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '@pantau/shared';
import { startHarness, waitFor, WsRecorder, type Harness } from '../test-support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

async function connect(token: string, since?: number): Promise<WsRecorder> {
  const ws = new WsRecorder(h.server.url);
  await ws.opened;
  ws.send(since === undefined ? { type: 'auth', token } : { type: 'auth', token, since });
  await waitFor(() => ws.frames.find((f) => f.type === 'ready'), 3000, 'ready');
  return ws;
}

const post = (n: number, branchIdx = 0, prefix = 'rt') =>
  Promise.all(
    Array.from({ length: n }, (_, i) =>
      h.device.logDetection({
        re_id: `${prefix}-${i}`,
        branch_id: h.branches[branchIdx]!.id,
        device_id: branchIdx === 0 ? 'cam-1' : 'cam-2',
        detected_count: 1,
        event_id: `${prefix}-${branchIdx}-${i}`,
      }),
    ),
  );

describe('/ws', () => {
  it('answers auth with ready and delivers detection_update events in id order', async () => {
    const ws = await connect(h.admin.token!);
    const ready = ws.frames.find((f) => f.type === 'ready') as { last_id: number };
    await post(20, 0, 'live');
    const detections = () => ws.events().filter((e) => e.type === 'detection_update');
    await waitFor(() => detections().length >= 20, 5000, '20 events');
    // every event committed since ready, in order, with no gap (system events the admin may see included)
    const committed = (
      h.server.services.db.conn
        .prepare('SELECT id FROM realtime_outbox WHERE id > ? AND id <= ? ORDER BY id')
        .all(ready.last_id, ws.events().at(-1)!.id) as Array<{ id: number }>
    ).map((r) => r.id);
    expect(ws.events().map((e) => e.id)).toEqual(committed);
    expect(committed[0]).toBe(ready.last_id + 1);
    const evs = detections();
    const first = evs[0]!;
    expect(first).toMatchObject({
      channel: `branch:${h.branches[0]!.id}`,
      data: { branch_name: 'Jakarta Pusat', device_id: 'cam-1', detected_count: 1 },
    });
    ws.close();
  });

  it('replays every event missed while disconnected, in order, with no gap', async () => {
    const ws = await connect(h.admin.token!);
    await post(5, 0, 'before');
    await waitFor(() => ws.events().length >= 5, 5000, 'first five');
    const lastSeen = ws.events().at(-1)!.id;
    ws.close();
    await post(30, 1, 'missed');
    await waitFor(
      () => h.server.services.queue.stats().pending === 0 && h.server.services.hub.lastEventId >= lastSeen + 30,
      5000,
      'processed',
    );
    const outboxAfter = (from: number, upTo = Number.MAX_SAFE_INTEGER) =>
      (
        h.server.services.db.conn
          .prepare('SELECT id FROM realtime_outbox WHERE id > ? AND id <= ? ORDER BY id')
          .all(from, upTo) as Array<{ id: number }>
      ).map((r) => r.id);
    // every event committed after lastSeen, in order: the 30 detections (and any system event the
    // admin may see). Read before reconnecting: what commits after the hub's replay read arrives
    // live, not replayed, so only these are sure to be in the replay
    const committed = outboxAfter(lastSeen);
    const again = await connect(h.admin.token!, lastSeen);
    const evs = await waitFor(
      () => (again.events().length >= committed.length ? again.events() : null),
      5000,
      'replay',
    );
    // system events (queue numbers) may commit while the replay runs: compare with the outbox up
    // to the last event received, which is exactly what "in order, with no gap" means
    const ids = evs.map((e) => e.id);
    expect(ids).toEqual(outboxAfter(lastSeen, ids.at(-1)));
    expect(ids.slice(0, committed.length)).toEqual(committed);
    expect(evs.filter((e) => e.type === 'detection_update')).toHaveLength(30);
    expect(again.frames.find((f) => f.type === 'resumed')).toMatchObject({ since: lastSeen });
    expect((again.frames.find((f) => f.type === 'resumed') as { replayed: number }).replayed).toBeGreaterThanOrEqual(
      committed.length,
    );
    again.close();
  });

  it('never sends a user an event of a branch outside their scope', async () => {
    await h.server.services.auth.createUser({
      email: 'bdg@test.local',
      password: 'operator-pw',
      role: 'operator',
      scope_branch_ids: [h.branches[1]!.id],
    });
    const op = new ApiClient({ baseUrl: h.server.url });
    await op.login({ email: 'bdg@test.local', password: 'operator-pw' });
    const ws = await connect(op.token!);
    const adminWs = await connect(h.admin.token!);
    await post(10, 0, 'iso-jkt');
    await post(10, 1, 'iso-bdg');
    // the detections' events (a stats_updated of each branch may come too, on the same channels)
    const detections = (r: typeof ws) => r.events().filter((e) => e.type === 'detection_update');
    await waitFor(() => detections(adminWs).length >= 20, 5000, 'admin sees all');
    await waitFor(() => detections(ws).length >= 10, 5000, 'operator sees own');
    await new Promise((r) => setTimeout(r, 1300));
    expect(detections(ws)).toHaveLength(10);
    expect(ws.events().every((e) => e.channel === `branch:${h.branches[1]!.id}`)).toBe(true);
    expect(adminWs.events().some((e) => e.type === 'stats_updated' && e.data.branch_id === h.branches[0]!.id)).toBe(
      true,
    );
    // REST reads obey the same scope
    expect((await op.listEvents({ limit: 500 })).every((e) => e.branch_id === h.branches[1]!.id)).toBe(true);
    await expect(op.person('iso-jkt-0')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    ws.close();
    adminWs.close();
  });

  it('sends an event addressed to one user to that user only, live and on replay', async () => {
    const s = h.server.services;
    const opId = (
      await s.auth.createUser({ email: 'addressee@test.local', password: 'addressee-pw', role: 'operator' })
    ).id;
    const op = new ApiClient({ baseUrl: h.server.url });
    await op.login({ email: 'addressee@test.local', password: 'addressee-pw' });
    const opWs = await connect(op.token!);
    const adminWs = await connect(h.admin.token!);
    const start = (adminWs.frames.find((f) => f.type === 'ready') as { last_id: number }).last_id;
    s.exec.tx(() => {
      s.outbox.appendForUser('user_updated', opId, { user_id: opId, action: 'updated' });
      s.outbox.appendForUser('user_updated', opId + 1000, { user_id: opId + 1000, action: 'updated' });
    });
    // a later event every user sees: once it arrives, everything before it has been considered
    s.exec.tx(() => s.outbox.append('stats_updated', null, { branch_id: 1 }));
    // the ids as committed (on PostgreSQL they are taken at commit: append returns none)
    const idOf = (channel: string, type: string) =>
      (
        s.db.conn
          .prepare(`SELECT MAX(id) AS id FROM realtime_outbox WHERE channel = ? AND type = ?`)
          .get(channel, type) as { id: number }
      ).id;
    const mine = idOf(`user:${opId}`, 'user_updated');
    const others = idOf(`user:${opId + 1000}`, 'user_updated');
    const fence = idOf('global', 'stats_updated');
    s.hub.pump();
    // only the three events above (a timer may commit others, e.g. queue numbers for admins)
    const ids = (ws: WsRecorder) =>
      ws
        .events()
        .map((e) => e.id)
        .filter((id) => id === mine || id === others || id === fence);
    await waitFor(() => ids(opWs).includes(fence) && ids(adminWs).includes(fence), 3000, 'fence');
    expect(ids(opWs)).toEqual([mine, fence]);
    expect(opWs.events().find((e) => e.id === mine)).toMatchObject({ type: 'user_updated', channel: `user:${opId}` });
    // an admin of every branch is not the addressee either
    expect(ids(adminWs)).toEqual([fence]);
    opWs.close();
    adminWs.close();

    // replay after a reconnect applies the same filter
    const opAgain = await connect(op.token!, start);
    const adminAgain = await connect(h.admin.token!, start);
    for (const ws of [opAgain, adminAgain])
      await waitFor(() => ws.frames.find((f) => f.type === 'resumed'), 3000, 'resumed');
    expect(ids(opAgain)).toEqual([mine, fence]);
    expect(ids(adminAgain)).toEqual([fence]);
    opAgain.close();
    adminAgain.close();
  });

  it('closes a socket that presents a bad token, and answers bad frames with an error', async () => {
    const ws = new WsRecorder(h.server.url);
    await ws.opened;
    ws.send({ type: 'nonsense' });
    await waitFor(() => ws.frames.find((f) => f.type === 'error'), 2000, 'error frame');
    ws.send({ type: 'auth', token: 'not-a-token' });
    await waitFor(() => ws.closeCode !== null, 2000, 'close');
    expect(ws.closeCode).toBe(4401);
  });

  it('tells a client to resync when its gap is older than the server keeps', async () => {
    const s = h.server.services;
    await post(5, 0, 'prune');
    await waitFor(() => s.queue.stats().pending === 0, 5000, 'drain');
    s.hub.prune(2);
    const ws = await connect(h.admin.token!, 1);
    const f = await waitFor(() => ws.frames.find((x) => x.type === 'resync_required'), 2000, 'resync_required');
    expect(f).toMatchObject({ since: 1 });
    ws.close();
  });

  it('drops events older than the age window, oldest first, and keeps the younger ones for replay', async () => {
    const s = h.server.services;
    await post(3, 0, 'age');
    await waitFor(() => s.queue.stats().pending === 0, 5000, 'drain');
    const db = s.db.conn;
    const ids = (db.prepare(`SELECT id FROM realtime_outbox ORDER BY id`).pluck().all() as number[]).slice(-3);
    // the two oldest of them written two hours ago (and everything before them older still)
    db.prepare(`UPDATE realtime_outbox SET ts = ? WHERE id <= ?`).run(
      new Date(Date.now() - 7_200_000).toISOString(),
      ids[1],
    );
    const dropped = s.hub.prune(1_000_000, 3_600_000);
    expect(dropped).toBeGreaterThanOrEqual(2);
    expect(db.prepare(`SELECT id FROM realtime_outbox ORDER BY id`).pluck().all()).toEqual([ids[2]]);
    // a client that saw the first of them replays nothing older: it is told to resync
    const ws = await connect(h.admin.token!, ids[0]!);
    const f = await waitFor(() => ws.frames.find((x) => x.type === 'resync_required'), 2000, 'resync_required');
    expect(f).toMatchObject({ since: ids[0] });
    ws.close();
  });
});
