/**
 * Integration: a real RTSP camera (GStreamer test server), real ffmpeg, a real Fastify server
 * on a random port, real WebSocket viewers.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GatewayStream, LiveStream } from '@pantau/shared';
import { createLiveTicket } from './live-ticket.js';
import { startFakeHlsSource } from './test-fixtures/hls-source.js';
import { ffmpegPids, waitFor } from './test-fixtures/processes.js';
import { startRtspSource } from './test-fixtures/rtsp-source.js';
import type { RtspTestSource } from './test-fixtures/rtsp-source.js';
import { TEST_SECRET, getLive, openViewer, startTestApp } from './test-fixtures/test-app.js';
import type { TestApp, TestViewer } from './test-fixtures/test-app.js';
import { TS_PACKET_SIZE, packetPid, payloadUnitStart, randomAccess } from './ts-packets.js';
import type { StreamSource } from './gateway-types.js';

const PASSWORD = 's3cr:et/pa@ss';
const FAST = { idleTimeoutMs: 600, backoffMs: [200, 400, 800], stallTimeoutMs: 3000 };

let dir: string;
let camera: RtspTestSource;
let source: StreamSource;
const apps: TestApp[] = [];
const viewers: TestViewer[] = [];
const extraCameras: RtspTestSource[] = [];
/** Every camera port this file used (other suites may run ffmpeg against their own). */
const usedPorts = new Set<number>();

/** ffmpeg processes pulling from `cam`. */
const ffmpegsFor = (cam: RtspTestSource): number[] => {
  usedPorts.add(cam.port);
  return ffmpegPids(`127.0.0.1:${cam.port}/`);
};

async function app(sources: Record<string, StreamSource>, options = FAST): Promise<TestApp> {
  const t = await startTestApp(new Map(Object.entries(sources)), options);
  apps.push(t);
  return t;
}

/** Ask the API for a live URL and connect a viewer to it. */
async function watch(t: TestApp, streamId: number, quality: 'sub' | 'main' = 'sub'): Promise<TestViewer> {
  const { status, body } = await getLive(t, `/api/v1/streams/${streamId}/live?quality=${quality}`);
  expect(status).toBe(200);
  const v = openViewer(`${t.ws}${body.data!.url}`);
  viewers.push(v);
  return v;
}

function openRaw(t: TestApp, pathAndQuery: string): TestViewer {
  const v = openViewer(`${t.ws}${pathAndQuery}`);
  viewers.push(v);
  return v;
}

/** Whether a message starts with PAT, PMT, then the first packet of a key frame. */
function startsAtKeyFrame(msg: Buffer | undefined): boolean {
  if (!msg || msg.length < 3 * TS_PACKET_SIZE) return false;
  const at = 2 * TS_PACKET_SIZE;
  return packetPid(msg, 0) === 0 && payloadUnitStart(msg, at) && randomAccess(msg, at);
}

function ffprobe(bytes: Buffer, name: string): { codec: string; width: number; frames: number } {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  const r = spawnSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-count_frames',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=codec_name,width,nb_read_frames',
      '-of',
      'json',
      file,
    ],
    { encoding: 'utf8' },
  );
  const s = (JSON.parse(r.stdout) as { streams: Array<{ codec_name: string; width: number; nb_read_frames: string }> })
    .streams[0];
  return { codec: s?.codec_name ?? '', width: s?.width ?? 0, frames: Number(s?.nb_read_frames ?? 0) };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'pantau-gateway-'));
  camera = await startRtspSource({ user: 'admin', password: PASSWORD });
  source = { url: camera.url, protocol: 'rtsp' };
});

afterEach(async () => {
  for (const v of viewers.splice(0)) v.socket.terminate();
  await Promise.all(apps.splice(0).map((t) => t.close()));
  await Promise.all(extraCameras.splice(0).map((c) => c.kill()));
});

afterAll(async () => {
  await camera?.kill();
  rmSync(dir, { recursive: true, force: true });
  for (const port of usedPorts) expect(ffmpegPids(`127.0.0.1:${port}/`)).toEqual([]);
});

describe('GET /api/v1/streams/:id/live', () => {
  it('answers a ticketed WebSocket URL without camera credentials', async () => {
    const t = await app({ '1/sub': source });
    const before = Date.now();
    const { status, body } = await getLive(t, '/api/v1/streams/1/live?quality=sub');
    expect(status).toBe(200);
    expect(body.success).toBe(true);
    const data = LiveStream.parse(body.data);
    expect(data).toMatchObject({ stream_id: 1, player: 'mpegts' });
    expect(data.url).toMatch(/^\/ws\/streams\/1\?quality=sub&ticket=v1\.[\w-]+\.[\w-]+$/);
    const expires = Date.parse(data.expires_at);
    expect(expires).toBeGreaterThanOrEqual(before + 59_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 60_000);
    expect(JSON.stringify(body)).not.toMatch(/rtsp|admin|s3cr/);
    expect(t.resolved.at(-1)).toEqual({ streamId: 1, quality: 'sub', userId: 7 });
    // Default quality is sub.
    expect((await getLive(t, '/api/v1/streams/1/live')).body.data?.url).toContain('quality=sub');
  });

  it('refuses strangers (401), bad input (400) and unknown streams (404)', async () => {
    const t = await app({ '1/sub': source });
    const noAuth = await getLive(t, '/api/v1/streams/1/live', null);
    expect(noAuth.status).toBe(401);
    expect(noAuth.body.error?.code).toBe('UNAUTHENTICATED');
    // Authentication comes first: a stranger learns nothing about the input.
    expect((await getLive(t, '/api/v1/streams/abc/live', 'bad')).status).toBe(401);
    expect((await getLive(t, '/api/v1/streams/abc/live')).status).toBe(400);
    expect((await getLive(t, '/api/v1/streams/1/live?quality=hd')).status).toBe(400);
    const missing = await getLive(t, '/api/v1/streams/9/live');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'NOT_FOUND', details: { field: 'id' } });
    expect(t.gateway.stats().streams).toBe(0);
  });
});

describe('WS /ws/streams/:id', () => {
  it('shares one ffmpeg between two viewers; both get H.264 in MPEG-TS; a late joiner starts at a key frame', async () => {
    const t = await app({ '1/sub': source });
    const a = await watch(t, 1);
    await waitFor('first viewer bytes', () => a.bytes() > 50_000, 15_000);
    const b = await watch(t, 1);
    await waitFor('second viewer bytes', () => b.firstMessageMs !== null);
    console.info(
      `gateway: first bytes after connect: cold ${a.firstMessageMs} ms (ffmpeg start + RTSP + next key frame), warm ${b.firstMessageMs} ms (cached GOP ${b.messages[0]!.length} bytes)`,
    );
    expect(startsAtKeyFrame(a.messages[0])).toBe(true);
    expect(startsAtKeyFrame(b.messages[0])).toBe(true);
    expect(b.firstMessageMs!).toBeLessThan(500);

    expect(ffmpegsFor(camera)).toHaveLength(1);
    expect(t.gateway.stats()).toMatchObject({ streams: 1, viewers: 2 });

    await waitFor('300 KB each', () => a.bytes() > 300_000 && b.bytes() > 300_000, 20_000);
    for (const v of [a, b]) {
      const data = v.data();
      for (const m of v.messages) expect(m.length % TS_PACKET_SIZE).toBe(0);
      for (let off = 0; off < data.length; off += TS_PACKET_SIZE)
        if (data[off] !== 0x47) throw new Error(`no sync byte at ${off}`);
    }
    expect(ffprobe(a.data(), 'a.ts')).toMatchObject({ codec: 'h264', width: 640 });
    const probedB = ffprobe(b.data(), 'b.ts');
    expect(probedB).toMatchObject({ codec: 'h264', width: 640 });
    expect(probedB.frames).toBeGreaterThan(25);

    const stats = t.gateway.stats();
    const s = stats.perStream[0]!;
    expect(s).toMatchObject({ stream_id: 1, quality: 'sub', viewers: 2, restarts: 0, state: 'live', last_error: null });
    expect(s.bytes_in).toBeGreaterThan(300_000);
    expect(s.bitrate_bps).toBeGreaterThan(100_000);
    expect(s.uptime_ms).toBeGreaterThan(0);
    expect(JSON.stringify(stats)).not.toMatch(/rtsp:\/\/|admin|s3cr/);
    const status = t.gateway.status(1, 'sub')!;
    expect(status.viewer_status.map((v) => v.state)).toEqual(['playing', 'playing']);
    expect(status.gop_cache_bytes).toBeGreaterThan(0);
    expect(ffmpegsFor(camera)).toHaveLength(1);
  });

  it('refuses a missing, forged, expired or misdirected ticket with 4401, a bad id with 4400, an unknown stream with 4404', async () => {
    const t = await app({ '1/sub': source });
    const ticket = (streamId: number, quality: 'sub' | 'main', now = Date.now()) =>
      encodeURIComponent(createLiveTicket(TEST_SECRET, { streamId, quality, userId: 7, now }).ticket);
    const cases: Array<[string, number]> = [
      ['/ws/streams/1?quality=sub', 4401],
      ['/ws/streams/1?quality=sub&ticket=garbage', 4401],
      [`/ws/streams/1?quality=sub&ticket=${ticket(1, 'sub', Date.now() - 61_000)}`, 4401],
      [`/ws/streams/1?quality=sub&ticket=${ticket(2, 'sub')}`, 4401],
      [`/ws/streams/1?quality=main&ticket=${ticket(1, 'sub')}`, 4401],
      [`/ws/streams/abc?quality=sub&ticket=${ticket(1, 'sub')}`, 4400],
      [`/ws/streams/5?quality=sub&ticket=${ticket(5, 'sub')}`, 4404],
    ];
    const forged = createLiveTicket(Buffer.alloc(32, 1), { streamId: 1, quality: 'sub', userId: 7 }).ticket;
    cases.push([`/ws/streams/1?quality=sub&ticket=${forged}`, 4401]);
    for (const [url, code] of cases) {
      const v = openRaw(t, url);
      const closed = await v.closed;
      expect({ url, code: closed.code, bytes: v.bytes() }).toEqual({ url, code, bytes: 0 });
      expect(closed.reason.length).toBeGreaterThan(0);
    }
    expect(t.gateway.stats().streams).toBe(0);
    expect(ffmpegsFor(camera)).toEqual([]);
  });

  it('keeps viewers attached when the camera drops and feeds them again when it is back', async () => {
    const cam = await startRtspSource();
    extraCameras.push(cam);
    const t = await app({ '3/sub': { url: cam.url, protocol: 'rtsp' } });
    const v = await watch(t, 3);
    await waitFor('bytes', () => v.bytes() > 100_000, 15_000);
    await cam.kill();
    await waitFor('reconnecting', () => t.gateway.stats().perStream[0]?.state === 'reconnecting', 10_000);
    const reconnectStats = t.gateway.stats().perStream[0]!;
    expect(reconnectStats.last_error).not.toBeNull();
    const before = v.bytes();
    await new Promise((r) => setTimeout(r, 1000)); // a few failed restarts (backoff 200, 400, 800 ms)
    const back = await startRtspSource({ port: cam.port });
    extraCameras.push(back);
    const upAt = Date.now();
    await waitFor('bytes again', () => v.bytes() > before + 100_000, 20_000);
    console.info(`gateway: camera back → viewer fed again after ${Date.now() - upAt} ms (incl. backoff and key frame)`);
    const s = t.gateway.stats().perStream[0]!;
    expect(s.state).toBe('live');
    expect(s.restarts).toBeGreaterThanOrEqual(1);
    expect(s.viewers).toBe(1);
    expect(v.socket.readyState).toBe(1);
    expect(ffmpegsFor(back)).toHaveLength(1);
    // The new run starts with a key frame too: decodable end to end.
    expect(ffprobe(v.data().subarray(before), 'after-restart.ts')).toMatchObject({ codec: 'h264', width: 640 });
  });

  it('stops ffmpeg once the last viewer has been gone for idleTimeoutMs', async () => {
    const t = await app({ '1/sub': source });
    const a = await watch(t, 1);
    const b = await watch(t, 1);
    await waitFor('bytes', () => a.bytes() > 0 && b.bytes() > 0, 15_000);
    a.socket.close();
    await a.closed;
    await new Promise((r) => setTimeout(r, 800));
    expect(ffmpegsFor(camera)).toHaveLength(1); // b still watches
    b.socket.close();
    await b.closed;
    const leftAt = Date.now();
    await new Promise((r) => setTimeout(r, 300));
    expect(ffmpegsFor(camera)).toHaveLength(1); // within the idle window: kept warm
    await waitFor('ffmpeg gone', () => ffmpegsFor(camera).length === 0, 5000);
    console.info(`gateway: ffmpeg gone ${Date.now() - leftAt} ms after the last viewer left (idleTimeoutMs 600)`);
    expect(t.gateway.stats()).toEqual({ streams: 0, viewers: 0, perStream: [] });
  });

  it('a viewer returning within the idle window reuses the running ffmpeg', async () => {
    const t = await app({ '1/sub': source }, { ...FAST, idleTimeoutMs: 5000 });
    const a = await watch(t, 1);
    await waitFor('bytes', () => a.bytes() > 50_000, 15_000);
    const pid = ffmpegsFor(camera);
    a.socket.close();
    await a.closed;
    const b = await watch(t, 1);
    await waitFor('bytes', () => b.bytes() > 0);
    expect(startsAtKeyFrame(b.messages[0])).toBe(true);
    expect(ffmpegsFor(camera)).toEqual(pid);
  });

  it('close() closes every viewer with 1001 and leaves no ffmpeg', async () => {
    const t = await startTestApp(new Map(Object.entries({ '1/sub': source, '1/main': source })), FAST);
    const sub = openViewer(`${t.ws}${(await getLive(t, '/api/v1/streams/1/live?quality=sub')).body.data!.url}`);
    const main = openViewer(`${t.ws}${(await getLive(t, '/api/v1/streams/1/live?quality=main')).body.data!.url}`);
    await waitFor('bytes on both', () => sub.bytes() > 0 && main.bytes() > 0, 15_000);
    expect(ffmpegsFor(camera)).toHaveLength(2);
    await t.close();
    expect(ffmpegsFor(camera)).toEqual([]);
    expect((await sub.closed).code).toBe(1001);
    expect((await main.closed).code).toBe(1001);
    // A closed gateway refuses newcomers instead of starting ffmpeg.
    const late = {
      closed: null as number | null,
      readyState: 1,
      bufferedAmount: 0,
      send: () => undefined,
      once: () => undefined,
      close: (code?: number) => void (late.closed = code ?? null),
    };
    t.gateway.attach({ streamId: 1, quality: 'sub', source, socket: late });
    expect(late.closed).toBe(1001);
    expect(ffmpegsFor(camera)).toEqual([]);
  });
});

describe('GET /api/v1/gateway/streams', () => {
  it('lists viewers, bitrate and uptime of the streams the user may see, and refuses strangers', async () => {
    const sources = new Map([
      ['1/sub', source],
      ['2/sub', source],
    ]);
    const t = await startTestApp(sources, FAST);
    apps.push(t);
    const a = await watch(t, 1);
    const b = await watch(t, 1);
    const c = await watch(t, 2);
    await waitFor(
      'bytes on every viewer',
      () => a.bytes() > 100_000 && b.bytes() > 100_000 && c.bytes() > 100_000,
      20_000,
    );
    const list = async () => {
      const res = await fetch(`${t.http}/api/v1/gateway/streams`, { headers: { authorization: 'Bearer good' } });
      const body = (await res.json()) as { data: Array<Record<string, unknown>> };
      expect(res.status, JSON.stringify(body)).toBe(200);
      return body.data;
    };
    const rows = await list();
    expect(rows.map((r) => [r.stream_id, r.quality, r.viewers, r.state])).toEqual([
      [1, 'sub', 2, 'live'],
      [2, 'sub', 1, 'live'],
    ]);
    for (const r of rows) {
      expect(r.protocol).toBe('rtsp');
      expect(r.bitrate_bps).toBeGreaterThan(100_000);
      expect(r.uptime_ms).toBeGreaterThan(0);
      expect(r.restarts).toBe(0);
    }
    expect(JSON.stringify(rows)).not.toMatch(/rtsp:\/\/|admin|s3cr/);
    // stream 2 leaves the user's scope: still pulled (its viewer stays), no longer listed
    sources.delete('2/sub');
    expect((await list()).map((r) => r.stream_id)).toEqual([1]);
    expect(t.gateway.stats().streams).toBe(2);
    expect((await fetch(`${t.http}/api/v1/gateway/streams`)).status).toBe(401);
  });

  it('lists HLS streams with protocol hls beside the MPEG-TS ones (protocol rtsp), in the same shape', async () => {
    const hls = await startFakeHlsSource('hls-admin', 'hls-pass');
    try {
      const t = await app({ '1/sub': source, '9/sub': { url: hls.url, protocol: 'hls' } });
      const v = await watch(t, 1);
      const player = (await getLive(t, '/api/v1/streams/9/live?quality=sub')).body.data!;
      expect(player.player).toBe('hls');
      expect((await fetch(`${t.http}${player.url}`)).status).toBe(200);
      await waitFor('bytes', () => v.bytes() > 50_000, 15_000);
      const res = await fetch(`${t.http}/api/v1/gateway/streams`, { headers: { authorization: 'Bearer good' } });
      expect(res.status).toBe(200);
      const rows = GatewayStream.array().parse(((await res.json()) as { data: unknown }).data);
      expect(rows.map((r) => [r.stream_id, r.quality, r.protocol, r.state, r.viewers])).toEqual([
        [1, 'sub', 'rtsp', 'live', 1],
        [9, 'sub', 'hls', 'live', 1],
      ]);
      expect(rows[1]!.bytes_in).toBe(Buffer.byteLength(hls.playlist));
      expect(JSON.stringify(rows)).not.toMatch(/hls-admin|hls-pass|token|admin|s3cr/);
      expect(t.gateway.stats()).toMatchObject({ streams: 2, viewers: 2 });
    } finally {
      await hls.close();
    }
  });
});

describe('slow viewers over a real socket', () => {
  it('skips a viewer that stops reading to the next key frame instead of queueing; the others keep playing', async () => {
    const threshold = 64 * 1024;
    const t = await app({ '1/sub': source }, {
      ...FAST,
      maxViewerBufferedBytes: threshold,
      slowViewerTimeoutMs: 60_000,
    } as typeof FAST);
    const fast = await watch(t, 1);
    const slow = await watch(t, 1);
    await waitFor('both playing', () => fast.bytes() > 50_000 && slow.bytes() > 50_000, 15_000);
    // Stop reading: the kernel buffers fill, then ws.bufferedAmount on the server grows.
    const tcp = (slow.socket as unknown as { _socket: import('node:net').Socket })._socket;
    tcp.pause();
    let maxBuffered = 0;
    const slowStatus = () => t.gateway.status(1, 'sub')!.viewer_status[1]!;
    await waitFor(
      'slow viewer skipping',
      () => {
        maxBuffered = Math.max(maxBuffered, slowStatus().buffered_bytes);
        return slowStatus().state === 'skipping' && slowStatus().bytes_dropped > 200_000;
      },
      30_000,
    );
    const fastBefore = fast.bytes();
    for (let i = 0; i < 20; i++) {
      maxBuffered = Math.max(maxBuffered, slowStatus().buffered_bytes);
      await new Promise((r) => setTimeout(r, 100));
    }
    // Bounded: the threshold plus the rest of the frame in flight, not everything since it stopped.
    expect(maxBuffered).toBeLessThan(threshold + 512 * 1024);
    expect(fast.bytes() - fastBefore).toBeGreaterThan(50_000);
    expect(t.gateway.status(1, 'sub')!.viewer_status[0]!.state).toBe('playing');
    // Reading again: it drains and resumes at a key frame, PAT and PMT first.
    const received = slow.messages.length;
    tcp.resume();
    await waitFor('slow viewer playing again', () => slowStatus().state === 'playing', 15_000);
    await waitFor('fresh bytes', () => slow.messages.length > received + 5, 10_000);
    const resumedAt = slow.messages.findIndex((m, i) => i >= received && startsAtKeyFrame(m));
    expect(resumedAt).toBeGreaterThanOrEqual(received);
    expect(ffprobe(Buffer.concat(slow.messages.slice(resumedAt)), 'resumed.ts')).toMatchObject({
      codec: 'h264',
      width: 640,
    });
  }, 90_000);
});
