/**
 * The real-time publisher: who hears of a layout change (shared: each branch before and after,
 * or everyone while it shows no stream; private: its owner, after `hidden` to its former
 * audience), and a detection's frame is exactly its `GET /events` row plus the person's counters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, waitFor, WsRecorder, type Harness } from '../test-support/harness.js';
import { layoutAudience } from './realtime-publisher.js';

describe('layoutAudience', () => {
  const base = { layout_id: 5, owner_user_id: null, was_shared: false } as const;
  it('sends a shared layout to each branch it showed or shows, once each, or to everyone when one side showed nothing', () => {
    const to = (e: Parameters<typeof layoutAudience>[0]) => layoutAudience(e).map((x) => x.to);
    expect(
      to({ ...base, action: 'updated', visibility: 'shared', branches_before: [3, 1], branches_after: [1, 2] }),
    ).toEqual([{ branch: 1 }, { branch: 2 }, { branch: 3 }]);
    expect(to({ ...base, action: 'created', visibility: 'shared', branches_before: null, branches_after: [] })).toEqual(
      [{ everyone: true }],
    );
    expect(
      to({ ...base, action: 'deleted', visibility: 'shared', branches_before: [4], branches_after: null }),
    ).toEqual([{ branch: 4 }]);
  });

  it('sends a private layout to its owner, after telling the audience of a formerly shared one that it is hidden', () => {
    const out = layoutAudience({
      layout_id: 5,
      action: 'updated',
      visibility: 'private',
      owner_user_id: 9,
      was_shared: true,
      branches_before: [2],
      branches_after: null,
    });
    expect(out).toEqual([
      { to: { branch: 2 }, data: { layout_id: 5, action: 'hidden', visibility: 'private', owner_user_id: null } },
      { to: { user: 9 }, data: { layout_id: 5, action: 'updated', visibility: 'private', owner_user_id: 9 } },
    ]);
    expect(
      layoutAudience({
        ...out[0]!.data,
        action: 'created',
        owner_user_id: null,
        was_shared: false,
        branches_before: null,
        branches_after: null,
      }),
    ).toEqual([]);
  });
});

describe('detection_update', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('is the event row that GET /events lists, with the person counters', async () => {
    const ws = new WsRecorder(h.server.url);
    await ws.opened;
    ws.send({ type: 'auth', token: h.admin.token! });
    await waitFor(() => ws.frames.find((f) => f.type === 'ready'), 3000, 'ready');
    await h.device.logDetection({
      re_id: 'same-row',
      branch_id: h.branches[0]!.id,
      device_id: 'cam-1',
      detected_count: 3,
    });
    const frame = await waitFor(() => ws.events().find((e) => e.type === 'detection_update'), 5000, 'detection_update');
    const [row] = await h.admin.listEvents({ limit: 1 });
    const { person, ...data } = frame.data as { person: unknown };
    expect(data).toEqual(row);
    expect(person).toEqual({ total_actual_count: 3, total_detection_branch_count: 1 });
    ws.close();
  });
});
