/**
 * WebSocket abuse limits (issue 16, item 12; realtime/socket-guard.ts) over real sockets: the
 * per-address cap closes the excess with 4429 while existing clients keep every event, it covers
 * the live-video sockets too, a flooding socket is closed with 1008, a normal console is never
 * touched, and behind a trusted proxy the cap is per forwarded client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { SOCKET_CLOSE_CODES, type Health } from '@pantau/shared';
import { startHarness, waitFor, WsRecorder, type Harness } from '../test-support/harness.js';
import type { WebSocketLimits } from './socket-guard.js';

const stops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const s of stops) await s();
});
async function harness(limits: Partial<WebSocketLimits>, trustedProxies: string[] = []): Promise<Harness> {
  const h = await startHarness({
    trustedProxies,
    websocketLimits: { maxConnectionsPerAddress: 200, messagesPerSecond: 20, messageBurst: 50, ...limits },
  });
  stops.push(() => h.stop());
  return h;
}

interface Raw {
  ws: WebSocket;
  opened: Promise<void>;
  closed: Promise<{ code: number; reason: string }>;
}

/** A bare socket to `path`, optionally saying (to a trusting server) that it is `forwardedFor`. */
function raw(h: Harness, path = '/ws', forwardedFor?: string): Raw {
  const ws = new WebSocket(h.server.url.replace(/^http/, 'ws') + path, {
    ...(forwardedFor && { headers: { 'x-forwarded-for': forwardedFor } }),
  });
  return {
    ws,
    opened: new Promise((res, rej) => {
      ws.once('open', () => res());
      ws.once('error', rej);
    }),
    closed: new Promise((res) => ws.once('close', (code, reason) => res({ code, reason: String(reason) }))),
  };
}

async function connect(h: Harness): Promise<WsRecorder> {
  const ws = new WsRecorder(h.server.url);
  await ws.opened;
  ws.send({ type: 'auth', token: h.admin.token! });
  await waitFor(() => ws.frames.find((f) => f.type === 'ready'), 3000, 'ready');
  return ws;
}

const health = (h: Harness) =>
  fetch(`${h.server.url}/health`)
    .then((r) => r.json())
    .then((b) => (b as { data: Health }).data.websocket);

const post = (h: Harness, n: number, prefix: string) =>
  Promise.all(
    Array.from({ length: n }, (_, i) =>
      h.device.logDetection({
        re_id: `${prefix}-${i}`,
        branch_id: h.branches[0]!.id,
        device_id: 'cam-1',
        detected_count: 1,
        event_id: `${prefix}-${i}`,
      }),
    ),
  );

/** Resolves with the socket's close, or `open` when it is still open after `ms`. */
const stillOpenAfter = (r: Raw, ms: number) =>
  Promise.race([r.closed, new Promise<'open'>((res) => setTimeout(() => res('open'), ms))]);

describe('connections per address', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness({ maxConnectionsPerAddress: 4 });
  });

  it('closes sockets past the cap with 4429 and a reason; the clients already there get every event', async () => {
    const console1 = await connect(h);
    const others = [raw(h), raw(h), raw(h)];
    await Promise.all(others.map((o) => o.opened));
    const excess = raw(h);
    expect(await excess.closed).toEqual({
      code: SOCKET_CLOSE_CODES.TOO_MANY_CONNECTIONS,
      reason: 'too many connections from this address',
    });
    // the live-video endpoint counts against the same cap (and is refused before its ticket check)
    const video = raw(h, '/ws/streams/1?quality=sub&ticket=x');
    expect((await video.closed).code).toBe(SOCKET_CLOSE_CODES.TOO_MANY_CONNECTIONS);

    const before = console1.events().length;
    await post(h, 10, 'cap');
    await waitFor(() => console1.events().filter((e) => e.type === 'detection_update').length >= 10, 5000, '10 events');
    const ids = console1.events().map((e) => e.id);
    expect(ids.slice(before)).toEqual(Array.from({ length: ids.length - before }, (_, i) => ids[before]! + i));
    expect(console1.closeCode).toBeNull();

    const w = await health(h);
    expect(w).toMatchObject({ connections: 4, addresses: 1, max_connections_per_address: 4 });
    expect(w.refused.too_many_connections).toBe(2);

    // a socket that leaves frees its place
    others[0]!.ws.close();
    await others[0]!.closed;
    await waitFor(async () => (await health(h)).connections === 3, 3000, 'count down');
    const again = raw(h);
    await again.opened;
    expect(await stillOpenAfter(again, 300)).toBe('open');
    for (const o of [...others, again]) o.ws.close();
    console1.close();
  });
});

describe('frames per socket', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness({});
  });

  it('closes a socket that floods frames with 1008 and a reason; others keep their feed', async () => {
    const bystander = await connect(h);
    const flooder = raw(h);
    await flooder.opened;
    flooder.ws.send(JSON.stringify({ type: 'auth', token: h.admin.token! }));
    for (let i = 0; i < 500; i++) flooder.ws.send(JSON.stringify({ type: 'ping' }));
    expect(await flooder.closed).toEqual({
      code: SOCKET_CLOSE_CODES.MESSAGE_RATE,
      reason: 'message rate limit exceeded',
    });
    await post(h, 5, 'flood');
    await waitFor(
      () => bystander.events().filter((e) => e.type === 'detection_update').length >= 5,
      5000,
      'bystander events',
    );
    expect(bystander.closeCode).toBeNull();
    expect((await health(h)).refused.message_rate).toBe(1);
    bystander.close();
  });

  it('counts WebSocket-level pings too', async () => {
    const pinger = raw(h);
    await pinger.opened;
    for (let i = 0; i < 200; i++) pinger.ws.ping();
    expect((await pinger.closed).code).toBe(SOCKET_CLOSE_CODES.MESSAGE_RATE);
  });

  it('never touches a normal console: auth, resume, a burst of pings at start, then a ping every 100 ms', async () => {
    const c = await connect(h);
    c.send({ type: 'resume', since: 0 });
    for (let i = 0; i < 20; i++) c.send({ type: 'ping' });
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 100));
      c.send({ type: 'ping' });
    }
    await waitFor(() => c.frames.filter((f) => f.type === 'pong').length >= 40, 3000, '40 pongs');
    expect(c.closeCode).toBeNull();
    expect(c.frames.some((f) => f.type === 'resumed')).toBe(true);
    c.close();
  });
});

describe('behind a reverse proxy', () => {
  it('with the proxy trusted, the cap is per forwarded client address', async () => {
    const h = await harness({ maxConnectionsPerAddress: 2 }, ['127.0.0.1']);
    const a = [raw(h, '/ws', '203.0.113.1'), raw(h, '/ws', '203.0.113.1')];
    await Promise.all(a.map((s) => s.opened));
    expect((await raw(h, '/ws', '203.0.113.1').closed).code).toBe(SOCKET_CLOSE_CODES.TOO_MANY_CONNECTIONS);
    const b = raw(h, '/ws', '203.0.113.2');
    await b.opened;
    expect(await stillOpenAfter(b, 300)).toBe('open');
    expect((await health(h)).addresses).toBe(2);
    for (const s of [...a, b]) s.ws.close();
  });

  it('without it, a forged X-Forwarded-For changes nothing: every socket counts against the peer', async () => {
    const h = await harness({ maxConnectionsPerAddress: 2 });
    const a = [raw(h, '/ws', '203.0.113.1'), raw(h, '/ws', '203.0.113.2')];
    await Promise.all(a.map((s) => s.opened));
    expect((await raw(h, '/ws', '203.0.113.3').closed).code).toBe(SOCKET_CLOSE_CODES.TOO_MANY_CONNECTIONS);
    for (const s of a) s.ws.close();
  });
});
