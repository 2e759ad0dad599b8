import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventLog } from '@pantau/shared';
import { startLiveSession, type LiveSession } from './live-session.js';
import { useEventsStore } from '../stores/events-store.js';
import { useWallStore } from '../stores/wall-store.js';
import { detectionEvent, fakeSocketFactory } from '../realtime/fake-websocket.js';
import type { FrameScheduler } from '../realtime/event-batcher.js';
import { createRealtimeBus } from '../realtime/event-bus.js';

function setup(restRows: EventLog[] = [], bus = createRealtimeBus(), onSynced?: () => void) {
  let frames: Array<() => void> = [];
  const schedule: FrameScheduler = (cb) => {
    frames.push(cb);
    return () => (frames = frames.filter((f) => f !== cb));
  };
  const factory = fakeSocketFactory();
  const listEvents = vi.fn(() => Promise.resolve(restRows));
  const session = startLiveSession({
    api: { listEvents },
    serverUrl: 'http://127.0.0.1:8080',
    token: 'tok',
    createSocket: factory.create,
    schedule,
    onStatus: () => undefined,
    onAuthFailed: () => undefined,
    bus,
    ...(onSynced && { onSynced }),
  });
  const fireFrame = () => {
    const f = frames;
    frames = [];
    for (const cb of f) cb();
  };
  return { session, factory, listEvents, fireFrame };
}

let session: LiveSession | undefined;

beforeEach(() => {
  useEventsStore.getState().reset();
  useWallStore.getState().reset();
});
afterEach(() => session?.stop());

describe('live session', () => {
  it('connects to /ws on the server and loads the recent events', async () => {
    const s = setup([detectionEvent(3).data, detectionEvent(2).data]);
    session = s.session;
    expect(s.factory.last().url).toBe('ws://127.0.0.1:8080/ws');
    await vi.waitFor(() => expect(useEventsStore.getState().rows.map((r) => r.id)).toEqual([3, 2]));
    expect(s.listEvents).toHaveBeenCalledWith({ limit: 100 });
  });

  it('asks the console to refetch its queries once the first ready has set the cursor', async () => {
    const synced = vi.fn();
    const s = setup([], createRealtimeBus(), synced);
    session = s.session;
    const ws = s.factory.last();
    ws.open();
    expect(synced).not.toHaveBeenCalled();
    ws.receive({ type: 'ready', last_id: 7, user_id: 1 });
    // a layout edited between the console's first reads and this cursor sent no event to it
    await vi.waitFor(() => expect(synced).toHaveBeenCalledTimes(1));
  });

  it('applies a burst of 500 events as one store update per frame', async () => {
    const s = setup();
    session = s.session;
    await vi.waitFor(() => expect(s.listEvents).toHaveBeenCalled());
    const ws = s.factory.last();
    ws.open();
    ws.receive({ type: 'ready', last_id: 0, user_id: 1 });
    let updates = 0;
    const unsubscribe = useEventsStore.subscribe(() => (updates += 1));
    for (let id = 1; id <= 500; id++) ws.receive(detectionEvent(id, id, { device_id: id % 2 ? 'cam-1' : 'cam-2' }));
    expect(updates).toBe(0);
    s.fireFrame();
    unsubscribe();
    expect(updates).toBe(1);
    const { rows, received } = useEventsStore.getState();
    expect(rows).toHaveLength(500);
    expect(rows[0]?.id).toBe(500);
    expect(received).toBe(500);
    expect(useWallStore.getState().detections['cam-1']?.eventId).toBe(499);
    expect(useWallStore.getState().detections['cam-2']?.reId).toBe('P-500');
  });

  it('a resumed replay adds no duplicate rows', () => {
    const s = setup();
    session = s.session;
    const first = s.factory.last();
    first.open();
    first.receive({ type: 'ready', last_id: 0, user_id: 1 });
    first.receive(detectionEvent(1));
    first.receive(detectionEvent(2));
    s.fireFrame();
    s.session.reconnectNow();
    const second = s.factory.last();
    second.open();
    second.receive({ type: 'ready', last_id: 4, user_id: 1 });
    for (const id of [1, 2, 3, 4]) second.receive(detectionEvent(id));
    second.receive({ type: 'resumed', since: 2, last_id: 4, replayed: 2 });
    s.fireFrame();
    expect(useEventsStore.getState().rows.map((r) => r.id)).toEqual([4, 3, 2, 1]);
  });

  it('fans each batch out on the realtime bus after the stores took it', () => {
    const bus = createRealtimeBus();
    const batches: number[][] = [];
    bus.subscribe((events) => {
      batches.push(events.map((e) => e.id));
      // the feed already holds the batch's rows when listeners run
      expect(useEventsStore.getState().rows.length).toBeGreaterThan(0);
    });
    const s = setup([], bus);
    session = s.session;
    const ws = s.factory.last();
    ws.open();
    ws.receive({ type: 'ready', last_id: 0, user_id: 1 });
    ws.receive(detectionEvent(1));
    ws.receive({
      id: 2,
      type: 'branch_updated',
      channel: 'branch:1',
      ts: '2026-01-01T00:00:00.000Z',
      data: { branch_id: 1, group_id: 1, action: 'updated' },
    });
    s.fireFrame();
    expect(batches).toEqual([[1, 2]]);
  });
});
