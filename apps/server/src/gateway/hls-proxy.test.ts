/**
 * The HLS proxy: pure helpers, then a real HLS source (ffmpeg writing a live playlist into a
 * temporary folder, served by a small HTTP server that demands Basic credentials) played
 * through the gateway's routes, then the figures it keeps (a fake source with exact byte
 * counts and a clock the tests move).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLiveTicket } from './live-ticket.js';
import { isHlsSource, rewritePlaylist, upstreamFailure, upstreamUrl } from './hls-proxy.js';
import { HLS_MIN_VIEWER_WINDOW_MS } from './hls-stats.js';
import { FAKE_HLS_TOKEN, startFakeHlsSource, type FakeHlsSource } from './test-fixtures/hls-source.js';
import { waitFor } from './test-fixtures/processes.js';
import { TEST_SECRET, getLive, startTestApp, type TestApp } from './test-fixtures/test-app.js';

describe('HLS helpers', () => {
  it('plays http(s) playlists with hls.js, everything else over the MPEG-TS gateway', () => {
    expect(isHlsSource({ url: 'http://10.0.0.7/live/index.m3u8', protocol: 'hls' })).toBe(true);
    expect(isHlsSource({ url: 'https://cam.example/a/b.M3U8?token=1', protocol: 'mpegts' })).toBe(true);
    expect(isHlsSource({ url: 'http://10.0.0.7/stream', protocol: 'hls' })).toBe(true);
    expect(isHlsSource({ url: 'rtsp://10.0.0.7/live.m3u8', protocol: 'rtsp' })).toBe(false);
    expect(isHlsSource({ url: 'http://10.0.0.7/live.ts', protocol: 'mpegts' })).toBe(false);
    expect(isHlsSource({ url: 'not a url', protocol: 'hls' })).toBe(false);
  });

  it('maps proxy paths under the playlist folder only, the playlist itself with its query', () => {
    const src = { url: 'http://u:p@cam:8080/live/ch1/index.m3u8?token=abc', protocol: 'hls' };
    expect(upstreamUrl(src, 'index.m3u8', '')?.toString()).toBe('http://cam:8080/live/ch1/index.m3u8?token=abc');
    expect(upstreamUrl(src, 'seg 12.ts', 'x=1')?.toString()).toBe('http://cam:8080/live/ch1/seg%2012.ts?x=1');
    expect(upstreamUrl(src, 'low/index.m3u8', '')?.toString()).toBe('http://cam:8080/live/ch1/low/index.m3u8');
    expect(upstreamUrl(src, '../ch2/index.m3u8', '')).toBeNull();
    expect(upstreamUrl(src, '..%2F..%2Fetc/passwd', '')?.pathname).toMatch(/^\/live\/ch1\//);
  });

  it('rewrites absolute URIs into the playlist folder to relative ones with the ticket, leaves others', () => {
    const src = { url: 'http://cam/live/index.m3u8', protocol: 'hls' };
    const text = [
      '#EXTM3U',
      '#EXT-X-MAP:URI="http://cam/live/init.mp4"',
      '#EXTINF:1.0,',
      'http://cam/live/seg1.ts?t=2',
      '#EXTINF:1.0,',
      'seg2.ts',
      '#EXTINF:1.0,',
      'http://cdn.example/seg3.ts',
    ].join('\n');
    expect(rewritePlaylist(text, src, 'v1.a+b').split('\n')).toEqual([
      '#EXTM3U',
      '#EXT-X-MAP:URI="init.mp4?ticket=v1.a%2Bb"',
      '#EXTINF:1.0,',
      'seg1.ts?t=2&ticket=v1.a%2Bb',
      '#EXTINF:1.0,',
      'seg2.ts?ticket=v1.a%2Bb',
      '#EXTINF:1.0,',
      'http://cdn.example/seg3.ts',
    ]);
  });

  it('describes a failed fetch by origin and path only: no user info, password or query token', () => {
    const src = { url: 'http://admin:hunter22@cam:8080/live/index.m3u8?token=abc123', protocol: 'hls' };
    const target = upstreamUrl(src, 'index.m3u8', '')!;
    expect(upstreamFailure(src, target, 'answered 503 Service Unavailable')).toBe(
      'http://cam:8080/live/index.m3u8: answered 503 Service Unavailable',
    );
    expect(upstreamFailure(src, target, 'unreachable (rtsp://admin:hunter22@cam/ said hunter22)')).not.toMatch(
      /admin|hunter22/,
    );
  });
});

describe('HLS through the gateway', () => {
  let dir: string;
  let ffmpeg: ChildProcess;
  let camera: http.Server;
  let cameraPort: number;
  let t: TestApp;
  const requests: Array<{ url: string; auth: string | undefined }> = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pantau-hls-'));
    ffmpeg = spawn(
      'ffmpeg',
      [
        '-v',
        'error',
        '-re',
        '-f',
        'lavfi',
        '-i',
        'testsrc=size=320x180:rate=25',
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-tune',
        'zerolatency',
        '-g',
        '25',
        '-keyint_min',
        '25',
        '-sc_threshold',
        '0',
        '-f',
        'hls',
        '-hls_time',
        '1',
        '-hls_list_size',
        '4',
        '-hls_flags',
        'delete_segments+independent_segments',
        path.join(dir, 'index.m3u8'),
      ],
      { stdio: 'ignore' },
    );
    camera = http.createServer((req, res) => {
      requests.push({ url: req.url ?? '', auth: req.headers.authorization });
      if (req.headers.authorization !== `Basic ${Buffer.from('viewer:p@ss word').toString('base64')}`) {
        res.writeHead(401).end();
        return;
      }
      const file = path.join(dir, path.basename(new URL(req.url ?? '/', 'http://x').pathname));
      if (!existsSync(file)) {
        res.writeHead(404).end();
        return;
      }
      res
        .writeHead(200, { 'content-type': file.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : 'video/mp2t' })
        .end(readFileSync(file));
    });
    await new Promise<void>((r) => camera.listen(0, '127.0.0.1', r));
    cameraPort = (camera.address() as AddressInfo).port;
    const url = `http://viewer:${encodeURIComponent('p@ss word')}@127.0.0.1:${cameraPort}/live/index.m3u8`;
    t = await startTestApp(new Map([['5/sub', { url, protocol: 'hls' }]]), {}, { ticketTtlMs: 1500 });
    await waitFor(
      'ffmpeg playlist with 2 segments',
      () =>
        existsSync(path.join(dir, 'index.m3u8')) &&
        (readFileSync(path.join(dir, 'index.m3u8'), 'utf8').match(/\.ts/g)?.length ?? 0) >= 2,
      20_000,
    );
  }, 30_000);

  afterAll(async () => {
    ffmpeg?.kill('SIGKILL');
    await t?.close();
    await new Promise((r) => camera?.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers player hls with a proxied playlist; segments come through with the camera credentials added', async () => {
    const { status, body } = await getLive(t, '/api/v1/streams/5/live?quality=sub');
    expect(status).toBe(200);
    expect(body.data).toMatchObject({ stream_id: 5, player: 'hls' });
    const url = body.data!.url;
    expect(url).toMatch(/^\/hls\/streams\/5\/sub\/index\.m3u8\?ticket=[^&]+$/);
    expect(url).not.toMatch(/viewer|p@ss|127\.0\.0\.1/);
    const playlist = await fetch(`${t.http}${url}`);
    expect(playlist.status).toBe(200);
    expect(playlist.headers.get('cache-control')).toBe('no-store');
    const text = await playlist.text();
    expect(text).toMatch(/^#EXTM3U/);
    const segment = text.split('\n').find((l) => l.includes('.ts?ticket='))!;
    expect(segment).toBeDefined();
    const seg = await fetch(new URL(segment, `${t.http}${url}`));
    expect(seg.status).toBe(200);
    const bytes = Buffer.from(await seg.arrayBuffer());
    expect(bytes.length).toBeGreaterThan(1000);
    expect(bytes[0]).toBe(0x47);
    expect(requests.at(-1)?.url).toBe(`/live/${segment.replace(/\?.*$/, '')}`);
    expect(requests.every((r) => r.auth?.startsWith('Basic '))).toBe(true);
    const figures = t.gateway.stats().perStream.find((p) => p.protocol === 'hls');
    expect(figures).toMatchObject({
      stream_id: 5,
      quality: 'sub',
      state: 'live',
      viewers: 1,
      restarts: 0,
      last_error: null,
    });
    expect(figures!.bytes_in).toBeGreaterThan(bytes.length);
  });

  it('keeps a ticket in use good past its expiry; refuses an unused expired one, a forged one and paths outside the stream', async () => {
    const { body } = await getLive(t, '/api/v1/streams/5/live?quality=sub');
    const inUse = body.data!.url;
    const unused = (await getLive(t, '/api/v1/streams/5/live?quality=sub')).body.data!.url;
    for (let i = 0; i < 4; i++) {
      expect((await fetch(`${t.http}${inUse}`)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 600));
    }
    expect((await fetch(`${t.http}${unused}`)).status).toBe(401);
    const other = createLiveTicket(Buffer.from('another secret of 32 bytes......'), {
      streamId: 5,
      quality: 'sub',
      userId: 7,
      ttlMs: 60_000,
    });
    expect(
      (await fetch(`${t.http}/hls/streams/5/sub/index.m3u8?ticket=${encodeURIComponent(other.ticket)}`)).status,
    ).toBe(401);
    expect((await fetch(`${t.http}/hls/streams/5/sub/index.m3u8`)).status).toBe(401);
    const good = createLiveTicket(TEST_SECRET, { streamId: 5, quality: 'sub', userId: 7, ttlMs: 60_000 });
    const q = `ticket=${encodeURIComponent(good.ticket)}`;
    expect((await fetch(`${t.http}/hls/streams/5/main/index.m3u8?${q}`)).status).toBe(401);
    expect((await fetch(`${t.http}/hls/streams/5/sub/..%2F..%2Fsecret.m3u8?${q}`)).status).toBe(404);
    expect((await fetch(`${t.http}/hls/streams/5/sub/nothing.ts?${q}`)).status).toBe(404);
    expect((await fetch(`${t.http}/hls/streams/5/sub/index.m3u8?${q}`)).status).toBe(200);
  });
});

describe('HLS figures', () => {
  const USER = 'hls-admin';
  const PASSWORD = 'p@ss word';
  let cam: FakeHlsSource;
  let t: TestApp;
  let clock: number;
  const told: Array<{ stream_id: number; state: string }> = [];

  /** A fresh `/live` URL (a new ticket: a new player) for stream `id`. */
  const liveUrl = async (id = 7): Promise<string> =>
    (await getLive(t, `/api/v1/streams/${id}/live?quality=sub`)).body.data!.url;
  const figures = (id = 7) => t.gateway.stats().perStream.find((p) => p.stream_id === id && p.protocol === 'hls');

  beforeAll(async () => {
    cam = await startFakeHlsSource(USER, PASSWORD);
  });

  afterEach(async () => {
    await t?.close();
    told.length = 0;
    cam.failWith = null;
  });

  afterAll(async () => {
    await cam?.close();
  });

  async function start(
    sources: Record<string, { url: string; protocol: string }> = { '7/sub': { url: cam.url, protocol: 'hls' } },
  ): Promise<void> {
    clock = 5_000_000;
    t = await startTestApp(new Map(Object.entries(sources)), {
      idleTimeoutMs: 3000,
      hls: { now: () => clock },
      onStatus: (s) => told.push({ stream_id: s.stream_id, state: s.state }),
    });
  }

  it('two players reloading the playlist are 2 viewers; every byte fetched from the source is counted', async () => {
    await start();
    const a = await liveUrl();
    const b = await liveUrl();
    for (const url of [a, b, a]) expect((await fetch(`${t.http}${url}`)).status).toBe(200);
    const segment = await fetch(new URL(`seg1.ts?${new URL(a, t.http).search.slice(1)}`, new URL(a, t.http)));
    expect(segment.status).toBe(200);
    expect((await segment.arrayBuffer()).byteLength).toBe(cam.segmentBytes);
    clock += 2500;
    const f = figures()!;
    const expected = 3 * Buffer.byteLength(cam.playlist) + cam.segmentBytes;
    expect(f).toEqual({
      stream_id: 7,
      quality: 'sub',
      protocol: 'hls',
      state: 'live',
      viewers: 2,
      bytes_in: expected,
      bitrate_bps: Math.round((expected * 8 * 1000) / 2500),
      uptime_ms: 2500,
      restarts: 0,
      last_error: null,
      problem: null,
      // the HLS proxy relays the camera's own segments: never a transcode, no process of its own
      delivery: 'copy',
      audio: null,
      codec: null,
      encoder: null,
      output_height: null,
      cpu_percent: 0,
    });
    expect(t.gateway.stats()).toMatchObject({ streams: 1, viewers: 2 });
    expect(told).toEqual([
      { stream_id: 7, state: 'starting' },
      { stream_id: 7, state: 'live' },
    ]);
  });

  it('viewers drop to 0 after the viewer window; the stream leaves the list after idleTimeoutMs more', async () => {
    await start();
    const a = await liveUrl();
    expect((await fetch(`${t.http}${a}`)).status).toBe(200);
    expect(figures()?.viewers).toBe(1);
    clock += HLS_MIN_VIEWER_WINDOW_MS + 1; // target duration 2 s: the 10 s floor applies
    expect(figures()).toMatchObject({ viewers: 0, state: 'live' });
    clock += 3000;
    expect(figures()).toBeUndefined();
    expect(t.gateway.stats()).toEqual({ streams: 0, viewers: 0, perStream: [] });
    expect(told.at(-1)).toEqual({ stream_id: 7, state: 'stopped' });
    // A player that comes back starts a new run.
    expect((await fetch(`${t.http}${a}`)).status).toBe(200);
    expect(figures()).toMatchObject({
      viewers: 1,
      state: 'live',
      uptime_ms: 0,
      bytes_in: Buffer.byteLength(cam.playlist),
    });
  });

  it('a failing source: reconnecting, failures counted, last_error without credentials; live again when it answers', async () => {
    const gone = await startFakeHlsSource();
    await gone.close(); // nothing listens on its port any more
    const closedPort = gone.port;
    await start({
      '7/sub': { url: cam.url, protocol: 'hls' },
      '8/sub': {
        url: `http://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${closedPort}/live/index.m3u8?token=${FAKE_HLS_TOKEN}`,
        protocol: 'hls',
      },
    });
    const a = await liveUrl();
    expect((await fetch(`${t.http}${a}`)).status).toBe(200);
    clock += 1000;
    cam.failWith = 503;
    expect((await fetch(`${t.http}${a}`)).status).toBe(502);
    expect((await fetch(`${t.http}${a}`)).status).toBe(502);
    expect(figures()).toMatchObject({
      state: 'reconnecting',
      viewers: 1,
      uptime_ms: 0,
      restarts: 2,
      last_error: `http://127.0.0.1:${cam.port}/live/index.m3u8: answered 503 Service Unavailable`,
    });

    expect((await fetch(`${t.http}${await liveUrl(8)}`)).status).toBe(502);
    expect(figures(8)).toMatchObject({ state: 'reconnecting', restarts: 1 });
    expect(figures(8)!.last_error).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/live\/index\.m3u8: unreachable \(.*ECONNREFUSED/,
    );

    const shown = JSON.stringify(t.gateway.stats());
    for (const secret of [USER, PASSWORD, encodeURIComponent(PASSWORD), FAKE_HLS_TOKEN])
      expect(shown).not.toContain(secret);

    cam.failWith = null;
    expect((await fetch(`${t.http}${a}`)).status).toBe(200);
    clock += 700;
    expect(figures()).toMatchObject({ state: 'live', uptime_ms: 700, restarts: 2, last_error: null });
    expect(told.filter((s) => s.stream_id === 7).map((s) => s.state)).toEqual([
      'starting',
      'live',
      'reconnecting',
      'live',
    ]);
  });

  it('a segment the source no longer has (404) is not a failure', async () => {
    await start();
    const a = await liveUrl();
    expect((await fetch(`${t.http}${a}`)).status).toBe(200);
    const gone = await fetch(new URL(`seg0999.ts?${new URL(a, t.http).search.slice(1)}`, new URL(a, t.http)));
    expect(gone.status).toBe(404);
    expect(figures()).toMatchObject({ state: 'live', restarts: 0, last_error: null });
  });
});
