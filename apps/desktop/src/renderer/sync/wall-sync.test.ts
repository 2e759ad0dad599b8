import { afterEach, describe, expect, it } from 'vitest';
import type { EventLog, Layout } from '@pantau/shared';
import { WALL_SYNC_CHANNEL, type WallSyncMessage } from '../../common/wall-sync.js';
import { detectionEvent } from '../realtime/fake-websocket.js';
import { useEventsStore } from '../stores/events-store.js';
import { useWallStore } from '../stores/wall-store.js';
import { broadcastWallSyncTransport, type WallSyncTransport } from './wall-sync-transport.js';
import { applyIncoming, startWallSync, useSharedWallsStore } from './wall-sync.js';

const layout = (id: number) => ({ id, layout_name: `L${id}`, layout_type: '4', positions: [] }) as unknown as Layout;
const opened: Array<{ close(): void }> = [];

afterEach(() => {
  for (const c of opened.splice(0)) c.close();
  useWallStore.getState().reset();
  useEventsStore.getState().reset();
});

/** A transport that records what it publishes and lets a test deliver messages. */
function fakeTransport() {
  const published: WallSyncMessage[] = [];
  let deliver: (m: WallSyncMessage) => void = () => undefined;
  const transport: WallSyncTransport = {
    publish: (m) => void published.push(m),
    subscribe: (l) => {
      deliver = l;
      return () => (deliver = () => undefined);
    },
    snapshot: () => Promise.resolve(null),
    close: () => undefined,
  };
  return { transport, published, deliver: (m: WallSyncMessage) => deliver(m) };
}

describe('browser windows over BroadcastChannel', () => {
  it('delivers a message to the other windows only, and drops invalid ones', async () => {
    const a = broadcastWallSyncTransport(new BroadcastChannel(WALL_SYNC_CHANNEL), 'a');
    const b = broadcastWallSyncTransport(new BroadcastChannel(WALL_SYNC_CHANNEL), 'b');
    opened.push(a, b);
    const atA: WallSyncMessage[] = [];
    const atB: WallSyncMessage[] = [];
    a.subscribe((m) => atA.push(m));
    b.subscribe((m) => atB.push(m));
    const raw = new BroadcastChannel(WALL_SYNC_CHANNEL);
    opened.push(raw);
    a.publish({ type: 'tile-maximised', source: 'a', wallId: 'screen-2', layoutId: 7, position: 3 });
    raw.postMessage({ type: 'tile-maximised', source: 'x', wallId: 'bad id!', layoutId: 7, position: 3 });
    raw.postMessage({ type: 'alarm-acknowledged', source: 'a', eventId: 5, by: 1, at: '2026-01-01T00:00:00.000Z' });
    await new Promise((r) => setTimeout(r, 50));
    expect(atB).toEqual([
      { type: 'tile-maximised', source: 'a', wallId: 'screen-2', layoutId: 7, position: 3 },
      { type: 'alarm-acknowledged', source: 'a', eventId: 5, by: 1, at: '2026-01-01T00:00:00.000Z' },
    ]);
    // A's own messages (source 'a') are dropped, even when one comes back from another channel.
    expect(atA).toEqual([]);
  });
});

describe('applying shared state', () => {
  it('mirrors a maximise from another wall showing the same layout, ignores other layouts', () => {
    useWallStore.getState().setLayout(layout(7));
    applyIncoming({ type: 'tile-maximised', source: 'x', wallId: 'screen-2', layoutId: 8, position: 2 }, 'main');
    expect(useWallStore.getState().maximised).toBeNull();
    applyIncoming({ type: 'tile-maximised', source: 'x', wallId: 'screen-2', layoutId: 7, position: 2 }, 'main');
    expect(useWallStore.getState().maximised).toBe(2);
    applyIncoming({ type: 'tile-maximised', source: 'x', wallId: 'screen-2', layoutId: 7, position: null }, 'main');
    expect(useWallStore.getState().maximised).toBeNull();
    expect(useSharedWallsStore.getState().walls['screen-2']).toEqual({ layoutId: 7, maximised: null });
  });

  it('marks an alarm acknowledged in another window in this feed', () => {
    useEventsStore.getState().addRows([detectionEvent(1).data as EventLog, detectionEvent(2).data as EventLog], false);
    applyIncoming(
      { type: 'alarm-acknowledged', source: 'x', eventId: 2, by: 4, at: '2026-01-01T03:00:09.000Z' },
      'main',
    );
    const rows = useEventsStore.getState().rows;
    expect(rows.find((r) => r.id === 2)).toMatchObject({
      acknowledged_by: 4,
      acknowledged_at: '2026-01-01T03:00:09.000Z',
    });
    expect(rows.find((r) => r.id === 1)).toMatchObject({ acknowledged_by: null });
  });

  it('announces this wall’s maximise and layout, and does not echo a mirrored maximise', () => {
    const { transport, published, deliver } = fakeTransport();
    const sync = startWallSync({ transport, wallId: 'screen-1', source: 's1' });
    useWallStore.getState().setLayout(layout(7));
    useWallStore.getState().maximise(4);
    expect(published).toEqual([
      { type: 'layout-selected', source: 's1', wallId: 'screen-1', layoutId: 7 },
      { type: 'tile-maximised', source: 's1', wallId: 'screen-1', layoutId: 7, position: 4 },
    ]);
    deliver({ type: 'tile-maximised', source: 's2', wallId: 'screen-2', layoutId: 7, position: 1 });
    expect(useWallStore.getState().maximised).toBe(1);
    expect(published).toHaveLength(2);
    sync.acknowledged(9, 1, '2026-01-01T00:00:00.000Z');
    expect(published.at(-1)).toEqual({
      type: 'alarm-acknowledged',
      source: 's1',
      eventId: 9,
      by: 1,
      at: '2026-01-01T00:00:00.000Z',
    });
    sync.stop();
    useWallStore.getState().maximise(2);
    expect(published).toHaveLength(3);
  });
});
