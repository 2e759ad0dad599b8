import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HEARTBEAT_INTERVAL_MS, type RealtimeEvent } from '@pantau/shared';
import { OFFLINE_AFTER_MS, RealtimeClient, type ConnectionStatus, type SyncReason } from './realtime-client.js';
import { detectionEvent, fakeSocketFactory } from './fake-websocket.js';

function setup(opts: { poll?: () => Promise<void> } = {}) {
  const factory = fakeSocketFactory();
  const events: RealtimeEvent[] = [];
  const statuses: ConnectionStatus[] = [];
  const syncs: SyncReason[] = [];
  const authFailures: string[] = [];
  const invalid: string[] = [];
  const client = new RealtimeClient({
    url: 'ws://server/ws',
    token: 'tok',
    createSocket: factory.create,
    onEvent: (e) => events.push(e),
    onStatus: (s) => statuses.push(s),
    onSync: (r) => {
      syncs.push(r);
    },
    onAuthFailed: (m) => authFailures.push(m),
    onInvalidFrame: (e) => invalid.push(e),
    ...(opts.poll ? { poll: opts.poll } : {}),
    backoff: { random: () => 0.5 }, // no jitter: delays are exactly 500, 1000, 2000 … ms
  });
  return { factory, client, events, statuses, syncs, authFailures, invalid };
}

/** Opens the latest socket and answers auth with ready. */
function handshake(factory: ReturnType<typeof fakeSocketFactory>, lastId: number) {
  const ws = factory.last();
  ws.open();
  ws.receive({ type: 'ready', last_id: lastId, user_id: 1 });
  return ws;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('RealtimeClient', () => {
  it('authenticates first, then takes the server cursor and asks for an initial REST load', () => {
    const { factory, client, statuses, syncs } = setup();
    client.start();
    const ws = factory.last();
    expect(ws.url).toBe('ws://server/ws');
    ws.open();
    expect(ws.sent).toEqual([{ type: 'auth', token: 'tok' }]);
    ws.receive({ type: 'ready', last_id: 41, user_id: 1 });
    expect(client.lastId).toBe(41);
    expect(client.status).toBe('connected');
    expect(statuses).toEqual(['connected']);
    expect(syncs).toEqual(['initial']);
  });

  it('advances the cursor with each event and drops duplicates by id', () => {
    const { factory, client, events } = setup();
    client.start();
    const ws = handshake(factory, 10);
    ws.receive(detectionEvent(10)); // already covered by ready.last_id
    ws.receive(detectionEvent(11));
    ws.receive(detectionEvent(13)); // gaps are normal: other branches' events are not sent
    ws.receive(detectionEvent(13));
    ws.receive(detectionEvent(12)); // older than the cursor
    expect(events.map((e) => e.id)).toEqual([11, 13]);
    expect(client.lastId).toBe(13);
    expect(client.duplicatesDropped).toBe(3);
  });

  it('reconnects after a drop and resumes from the last id it processed, without duplicates', () => {
    const { factory, client, events, statuses } = setup();
    client.start();
    const first = handshake(factory, 0);
    first.receive(detectionEvent(1));
    first.receive(detectionEvent(2));
    first.drop();
    expect(client.status).toBe('reconnecting');
    expect(factory.sockets).toHaveLength(1);
    vi.advanceTimersByTime(499);
    expect(factory.sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(factory.sockets).toHaveLength(2);

    const second = handshake(factory, 5);
    expect(second.sent).toEqual([{ type: 'auth', token: 'tok', since: 2 }]);
    expect(client.status).toBe('reconnecting');
    // replay overlaps with what was already seen
    for (const id of [2, 3, 4, 5]) second.receive(detectionEvent(id));
    second.receive({ type: 'resumed', since: 2, last_id: 5, replayed: 3 });
    second.receive(detectionEvent(6));
    expect(events.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(client.status).toBe('connected');
    expect(statuses).toEqual(['connected', 'reconnecting', 'connected']);
  });

  it('backs off 0.5 s doubling to 10 s, and resets after a successful connection', () => {
    const { factory, client } = setup();
    client.start();
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      const before = factory.sockets.length;
      factory.last().drop();
      let waited = 0;
      while (factory.sockets.length === before) {
        vi.advanceTimersByTime(100);
        waited += 100;
      }
      delays.push(waited);
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
    handshake(factory, 0);
    factory.last().drop();
    vi.advanceTimersByTime(500);
    expect(factory.sockets).toHaveLength(9);
  });

  it('handles resync_required by asking for a REST reload and carrying on from the server cursor', () => {
    const { factory, client, events, syncs } = setup();
    client.start();
    handshake(factory, 100).drop();
    vi.advanceTimersByTime(500);
    const ws = handshake(factory, 90_000);
    expect(ws.sent).toContainEqual({ type: 'auth', token: 'tok', since: 100 });
    ws.receive({ type: 'resync_required', since: 100, oldest_id: 50_000 });
    expect(syncs).toEqual(['initial', 'resync']);
    expect(client.status).toBe('connected');
    expect(client.lastId).toBe(90_000);
    ws.receive(detectionEvent(90_001));
    expect(events.map((e) => e.id)).toEqual([90_001]);
  });

  it('resyncs when the server cursor went backwards (server data reset)', () => {
    const { factory, client, events, syncs } = setup();
    client.start();
    handshake(factory, 500).drop();
    vi.advanceTimersByTime(500);
    const ws = handshake(factory, 3);
    expect(ws.sent).not.toContainEqual(expect.objectContaining({ type: 'resume' }));
    expect(syncs).toEqual(['initial', 'resync']);
    ws.receive(detectionEvent(4));
    expect(events.map((e) => e.id)).toEqual([4]);
  });

  it('treats two heartbeat periods without any frame as a dead socket', () => {
    const { factory, client } = setup();
    client.start();
    const ws = handshake(factory, 0);
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(HEARTBEAT_INTERVAL_MS);
      ws.receive({ type: 'heartbeat', ts: new Date().toISOString(), last_id: 0 });
    }
    expect(factory.sockets).toHaveLength(1);
    vi.advanceTimersByTime(2 * HEARTBEAT_INTERVAL_MS - 1);
    expect(client.status).toBe('connected');
    vi.advanceTimersByTime(1);
    expect(ws.closed).toBe(true);
    expect(client.status).toBe('reconnecting');
    vi.advanceTimersByTime(500);
    expect(factory.sockets).toHaveLength(2);
  });

  it('polls over REST while down, reports offline after a while, and stops polling once back', async () => {
    const poll = vi.fn(() => Promise.resolve());
    const { factory, client } = setup({ poll });
    client.start();
    handshake(factory, 0);
    // the server is gone: every reconnect attempt fails
    const failAll = () => {
      const s = factory.last();
      if (!s.closed) s.drop();
    };
    failAll();
    for (let t = 0; t < OFFLINE_AFTER_MS; t += 100) {
      await vi.advanceTimersByTimeAsync(100);
      failAll();
    }
    expect(client.status).toBe('offline');
    expect(poll.mock.calls.length).toBeGreaterThanOrEqual(4);
    // back: the next attempt succeeds
    await vi.advanceTimersByTimeAsync(10_000);
    const ws = handshake(factory, 0);
    ws.receive({ type: 'resumed', since: 0, last_id: 0, replayed: 0 });
    expect(client.status).toBe('connected');
    const polls = poll.mock.calls.length;
    for (let i = 0; i < 6; i++) {
      await vi.advanceTimersByTimeAsync(5000);
      ws.receive({ type: 'heartbeat', ts: '', last_id: 0 });
    }
    expect(poll.mock.calls.length).toBe(polls);
  });

  it('reconnectNow drops the socket and connects at once', () => {
    const { factory, client } = setup();
    client.start();
    const ws = handshake(factory, 7);
    client.reconnectNow();
    expect(ws.closed).toBe(true);
    expect(factory.sockets).toHaveLength(2);
    expect(client.status).toBe('reconnecting');
    expect(handshake(factory, 7).sent).toContainEqual({ type: 'auth', token: 'tok', since: 7 });
  });

  it('stops and reports when the server refuses the token', () => {
    const { factory, client, authFailures } = setup();
    client.start();
    const ws = factory.last();
    ws.open();
    ws.receive({ type: 'error', code: 'UNAUTHENTICATED', message: 'token expired' });
    expect(authFailures).toEqual(['token expired']);
    expect(client.status).toBe('offline');
    vi.advanceTimersByTime(60_000);
    expect(factory.sockets).toHaveLength(1);
  });

  it('drops and reports frames off the protocol, without moving the cursor, and takes the next good event', () => {
    const { factory, client, events, invalid } = setup();
    client.start();
    const ws = handshake(factory, 0);
    const { person: _person, ...noPerson } = detectionEvent(1).data;
    ws.receive({ ...detectionEvent(1), data: noPerson });
    ws.receive({ ...detectionEvent(2), type: 'made_up_event' });
    ws.receive({ ...detectionEvent(3), data: { ...detectionEvent(3).data, detected_count: 'two' } });
    ws.receive(detectionEvent(4));
    expect(events.map((e) => e.id)).toEqual([4]);
    expect(client.invalidFrames).toBe(3);
    expect(invalid[0]).toMatch(/^detection_update: data\.person/);
    expect(invalid[2]).toMatch(/^detection_update: data\.detected_count/);
    client.stop();
  });

  it('ignores frames that are not JSON and frames from a replaced socket', () => {
    const { factory, client, events, invalid } = setup();
    client.start();
    const old = handshake(factory, 0);
    old.onmessage?.({ data: 'not json' });
    old.onmessage?.({ data: new Uint8Array(2) });
    client.reconnectNow();
    old.receive(detectionEvent(1)); // handlers were detached; nothing happens
    expect(events).toEqual([]);
    expect(invalid).toEqual(['not JSON']);
    client.stop();
  });
});
