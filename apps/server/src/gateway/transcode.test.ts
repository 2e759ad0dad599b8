/**
 * Integration (issue 15): cameras as they ship, through the real gateway — simulated cameras
 * (GStreamer) with H.265, G.711 audio, digest auth and reboots; real ffmpeg; real WebSocket
 * viewers. A console that cannot decode H.265 gets one shared H.264 transcode at its tile's size;
 * one that can gets the camera's own video; the transcode limit falls back to the substream;
 * wrong credentials and a dead address are told apart; a rebooted camera comes back to the same
 * viewers without a reconnect.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCameraServer, type CameraServer } from '../simulator/camera-server.js';
import { ffmpegPids, waitFor } from './test-fixtures/processes.js';
import {
  getLive,
  openViewer,
  startTestApp,
  type TestApp,
  type TestSource,
  type TestViewer,
} from './test-fixtures/test-app.js';
import type { StreamGatewayOptions } from './stream-gateway.js';

const FAST: StreamGatewayOptions = { idleTimeoutMs: 600, backoffMs: [200, 400, 800], stallTimeoutMs: 3000 };
const PASSWORD = 'p@ss:w/rd#1 ok';

let dir: string;
/** H.265 main (640×360) with G.711 A-law, H.264 substream (320×180), digest auth. */
let field: CameraServer;
const apps: TestApp[] = [];
const viewers: TestViewer[] = [];

/** `rtsp://admin:<password>@host:port/camN…` with the password URL-encoded, as the server builds it. */
const withCredentials = (url: string, password = PASSWORD): string => {
  const u = new URL(url);
  u.username = 'admin';
  u.password = encodeURIComponent(password);
  return u.toString();
};

function probeFile(bytes: Buffer, name: string): { codec: string; height: number; frames: number } {
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
      'stream=codec_name,height,nb_read_frames',
      '-of',
      'json',
      file,
    ],
    { encoding: 'utf8' },
  );
  const s = (JSON.parse(r.stdout) as { streams: Array<{ codec_name: string; height: number; nb_read_frames: string }> })
    .streams[0];
  return { codec: s?.codec_name ?? '', height: s?.height ?? 0, frames: Number(s?.nb_read_frames ?? 0) };
}

async function app(sources: Record<string, TestSource>, options: StreamGatewayOptions = FAST): Promise<TestApp> {
  const t = await startTestApp(new Map(Object.entries(sources)), options);
  apps.push(t);
  return t;
}

async function watch(
  t: TestApp,
  query: string,
): Promise<{ viewer: TestViewer; live: NonNullable<Awaited<ReturnType<typeof getLive>>['body']['data']> }> {
  const { status, body } = await getLive(t, `/api/v1/streams/1/live?${query}`);
  expect(status, JSON.stringify(body)).toBe(200);
  const viewer = openViewer(`${t.ws}${body.data!.url}`);
  viewers.push(viewer);
  return { viewer, live: body.data! };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'pantau-transcode-'));
  field = await startCameraServer({
    cameras: 1,
    port: 0,
    width: 640,
    height: 360,
    codec: 'h265',
    audio: 'pcma',
    auth: { method: 'digest', user: 'admin', password: PASSWORD },
    rebootMs: 1500,
  });
});

afterEach(async () => {
  for (const v of viewers.splice(0)) v.socket.terminate();
  await Promise.all(apps.splice(0).map((t) => t.close()));
});

afterAll(async () => {
  await field?.stop();
  rmSync(dir, { recursive: true, force: true });
  expect(ffmpegPids(`127.0.0.1:${field.port}/`)).toEqual([]);
});

describe('codec negotiation', () => {
  const sources = (): Record<string, TestSource> => ({
    '1/main': { url: withCredentials(field.urls[0]!), protocol: 'rtsp', codec: 'hevc', height: 360 },
    '1/sub': { url: withCredentials(field.subUrls[0]!), protocol: 'rtsp', codec: 'h264', height: 180 },
  });

  it('transcodes H.265 to H.264 for a console that decodes only H.264, at the height its tile asks for, shared by both of its viewers', async () => {
    const t = await app(sources());
    const a = await watch(t, 'quality=main&codecs=h264&height=200');
    expect(a.live).toMatchObject({ quality: 'main', codec: 'hevc', delivery: 'transcode', fallback: null });
    expect(a.live.url).toContain('delivery=transcode');
    await waitFor('transcoded bytes', () => a.viewer.bytes() > 40_000, 20_000);
    const b = await watch(t, 'quality=main&codecs=h264&height=200');
    await waitFor('second viewer bytes', () => b.viewer.bytes() > 40_000, 10_000);
    // one ffmpeg for both: the transcode is per stream and quality, not per viewer
    expect(ffmpegPids(`127.0.0.1:${field.port}/cam1`)).toHaveLength(1);
    const probed = probeFile(a.viewer.data(), 'transcoded.ts');
    // 200 px asked: the next step of the ladder is 270, below the camera's 360
    expect(probed).toMatchObject({ codec: 'h264', height: 270 });
    expect(probed.frames).toBeGreaterThan(10);
    await waitFor('a CPU reading', () => (t.gateway.stats().perStream[0]?.cpu_percent ?? 0) > 0, 6000);
    const stats = t.gateway.stats().perStream[0]!;
    expect(stats).toMatchObject({
      stream_id: 1,
      quality: 'main',
      delivery: 'transcode',
      codec: 'h264',
      encoder: 'libx264',
      output_height: 270,
      viewers: 2,
      state: 'live',
    });
    console.info(`transcode H.265 640x360 -> H.264 270p: ${stats.cpu_percent} % of one core`);
  });

  it('copies H.265 as it is to a console that decodes it, and never transcodes an H.264 substream', async () => {
    const t = await app(sources());
    const main = await watch(t, 'quality=main&codecs=h264,hevc');
    expect(main.live).toMatchObject({ codec: 'hevc', delivery: 'copy' });
    const sub = await watch(t, 'quality=sub&codecs=h264');
    expect(sub.live).toMatchObject({ codec: 'h264', delivery: 'copy' });
    await waitFor('both play', () => main.viewer.bytes() > 30_000 && sub.viewer.bytes() > 20_000, 20_000);
    expect(probeFile(main.viewer.data(), 'copied.ts')).toMatchObject({ codec: 'hevc', height: 360 });
    expect(t.gateway.transcodes).toBe(0);
  });

  it('past the transcode limit, serves the H.264 substream with the reason; with no substream, says 503 naming codecs', async () => {
    const t = await app(sources(), { ...FAST, maxTranscodes: () => 0 });
    const r = await watch(t, 'quality=main&codecs=h264');
    expect(r.live).toMatchObject({ quality: 'sub', codec: 'h264', delivery: 'copy', fallback: 'transcode_limit' });
    const only = await app({ '1/main': sources()['1/main']! }, { ...FAST, maxTranscodes: () => 0 });
    const refused = await getLive(only, '/api/v1/streams/1/live?quality=main&codecs=h264');
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatchObject({
      code: 'UNAVAILABLE',
      details: { field: 'codecs', reason: 'transcode_limit' },
    });
    // a socket that asks for a transcode anyway is refused at the door
    const forced = openViewer(`${t.ws}${r.live.url}&delivery=transcode`);
    viewers.push(forced);
    expect((await forced.closed).code).toBe(4429);
  });
});

describe('still frames for walls that go live on activity', () => {
  it('decodes a JPEG of the latest key frame, H.265 included, keeps one remux running for stills and stops it once nobody asks', async () => {
    const t = await app(
      {
        '1/main': { url: withCredentials(field.urls[0]!), protocol: 'rtsp', codec: 'hevc', height: 360 },
        '1/sub': { url: withCredentials(field.subUrls[0]!), protocol: 'rtsp', codec: 'h264', height: 180 },
      },
      { ...FAST, idleTimeoutMs: 3000, stillIdleMs: 3000 },
    );
    const still = async (query: string) => {
      const res = await fetch(`${t.http}/api/v1/streams/1/still?${query}`, {
        headers: { authorization: 'Bearer good' },
      });
      return {
        status: res.status,
        type: res.headers.get('content-type'),
        at: res.headers.get('x-still-at'),
        bytes: Buffer.from(await res.arrayBuffer()),
      };
    };
    const started = Date.now();
    // a camera nobody watched: 503 until its remux has a key frame (the route waits 1.5 s), as the console retries
    let first = await still('quality=main&height=90');
    while (first.status === 503 && Date.now() - started < 10_000) first = await still('quality=main&height=90');
    console.info(`still of a camera nobody watched: ${Date.now() - started} ms`);
    expect(first).toMatchObject({ status: 200, type: 'image/jpeg' });
    expect(first.bytes.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8])); // JPEG SOI
    const file = path.join(dir, 'still.jpg');
    writeFileSync(file, first.bytes);
    const probed = spawnSync(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-of', 'json', file],
      { encoding: 'utf8' },
    );
    // written by ffmpeg beside the remux: the key frame as it is, up to 360 px tall (the height asked is a hint)
    expect(JSON.parse(probed.stdout).streams[0]).toMatchObject({ codec_name: 'mjpeg', height: 360, width: 640 });
    // asked again at once: the same key frame, not decoded again
    const again = await still('quality=main&height=90');
    expect(again.at).toBe(first.at);
    const warm = Date.now();
    for (let r = await still('quality=sub'); r.status === 503 && Date.now() - warm < 10_000;)
      r = await still('quality=sub');
    console.info(`still of the substream: ${Date.now() - warm} ms`);
    expect(ffmpegPids(`127.0.0.1:${field.port}/cam1`)).toHaveLength(2); // one remux per quality asked for
    expect(t.gateway.stats().perStream.map((s) => s.viewers)).toEqual([0, 0]);
    // a second later the camera's next key frame (one a second) makes a new still
    await new Promise((r) => setTimeout(r, 1100));
    expect((await still('quality=main&height=90')).at).not.toBe(first.at);
    await waitFor('idle remuxes stopped', () => ffmpegPids(`127.0.0.1:${field.port}/cam1`).length === 0, 8000);
  });

  it('answers 503 naming the problem when the camera refuses, and 404 for an unknown stream', async () => {
    const t = await app({ '1/sub': { url: withCredentials(field.subUrls[0]!, 'wrong'), protocol: 'rtsp' } });
    const res = await fetch(`${t.http}/api/v1/streams/1/still?quality=sub`, {
      headers: { authorization: 'Bearer good' },
    });
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { code: string; details: { problem?: string } } };
    expect(body.error).toMatchObject({ code: 'UNAVAILABLE', details: { problem: 'unauthorized' } });
    const unknown = await fetch(`${t.http}/api/v1/streams/9/still`, { headers: { authorization: 'Bearer good' } });
    expect(unknown.status).toBe(404);
    expect((await fetch(`${t.http}/api/v1/streams/1/still`)).status).toBe(401);
  });
});

describe('cameras as found in the field', () => {
  it('tells wrong credentials (401) from a camera that does not answer', async () => {
    const statuses: Array<{ stream_id: number; state: string; problem?: string | null }> = [];
    const t = await app(
      {
        '1/sub': { url: withCredentials(field.subUrls[0]!, 'wrong'), protocol: 'rtsp' },
        '2/sub': { url: 'rtsp://admin:x@127.0.0.1:9/cam1/sub', protocol: 'rtsp' },
      },
      { ...FAST, onStatus: (s) => statuses.push(s) },
    );
    const wrong = openViewer(`${t.ws}${(await getLive(t, '/api/v1/streams/1/live?quality=sub')).body.data!.url}`);
    const dead = openViewer(`${t.ws}${(await getLive(t, '/api/v1/streams/2/live?quality=sub')).body.data!.url}`);
    viewers.push(wrong, dead);
    await waitFor(
      'both reconnecting with a problem',
      () => {
        const of = (id: number) => statuses.find((s) => s.stream_id === id && s.state === 'reconnecting' && s.problem);
        return of(1) && of(2);
      },
      15_000,
    );
    const problems = Object.fromEntries(t.gateway.stats().perStream.map((s) => [s.stream_id, s.problem]));
    expect(problems).toEqual({ 1: 'unauthorized', 2: 'unreachable' });
    expect(JSON.stringify(t.gateway.stats())).not.toContain('wrong');
  });

  it('pulls RTSP over UDP when the stream says so (RTP/UDP flows beside the RTSP connection)', async () => {
    const t = await app({ '1/sub': { url: withCredentials(field.subUrls[0]!), protocol: 'rtsp', transport: 'udp' } });
    const v = await watch(t, 'quality=sub');
    await waitFor('bytes over UDP', () => v.viewer.bytes() > 20_000, 15_000);
    const cmdline = ffmpegPids(`127.0.0.1:${field.port}/cam1/sub`).map((pid) =>
      readFileSync(`/proc/${pid}/cmdline`, 'utf8'),
    );
    expect(cmdline.join(' ')).toContain('-rtsp_transport\0udp');
  });

  it('plays a digest-auth camera whose password has special characters, and a rebooted camera comes back to the same viewer', async () => {
    const t = await app({ '1/sub': { url: withCredentials(field.subUrls[0]!), protocol: 'rtsp' } });
    const v = await watch(t, 'quality=sub');
    await waitFor('first bytes', () => v.viewer.bytes() > 20_000, 15_000);
    await field.reboot(1);
    await waitFor('the gateway saw it go', () => t.gateway.stats().perStream[0]?.state !== 'live', 10_000);
    const before = v.viewer.bytes();
    await waitFor('live again', () => t.gateway.stats().perStream[0]?.state === 'live', 20_000);
    await waitFor('bytes after the reboot', () => v.viewer.bytes() > before + 20_000, 10_000);
    expect(v.viewer.socket.readyState).toBe(1); // the same socket: no reload, no reconnect
    expect(t.gateway.stats().perStream[0]!.restarts).toBeGreaterThanOrEqual(1);
    const after = probeFile(v.viewer.data(), 'rebooted.ts');
    expect(after).toMatchObject({ codec: 'h264', height: 180 });
  });
});
