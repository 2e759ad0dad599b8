/**
 * Issue 16 item 3, end to end: no camera password on the command line of any ffmpeg or ffprobe
 * the server runs (every local user can read /proc/<pid>/cmdline), while video flows — remuxes
 * of a digest-auth and a basic-auth camera (TCP and UDP), a probe, stills — and for an HTTP
 * camera (MPEG-TS behind Digest). Every child of this process is read while it runs.
 */
import { readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCameraServer, type CameraServer } from '../simulator/camera-server.js';
import { relayTargetOf } from './camera-input.js';
import { FfmpegUpstream } from './ffmpeg-upstream.js';
import { probeStream } from './stream-probe.js';
import { waitFor } from './test-fixtures/processes.js';
import { makeSampleTs } from './test-fixtures/sample-ts.js';
import { getLive, openViewer, startTestApp, type TestApp, type TestViewer } from './test-fixtures/test-app.js';

const PASSWORD = 'p@ss:w/rd#1 ok';
const FAST = { idleTimeoutMs: 600, backoffMs: [200, 400, 800], stallTimeoutMs: 3000 };

let digestCam: CameraServer;
let basicCam: CameraServer;
let dir: string;
const apps: TestApp[] = [];
const viewers: TestViewer[] = [];

const withCredentials = (url: string, password = PASSWORD): string => {
  const u = new URL(url);
  u.username = 'admin';
  u.password = encodeURIComponent(password);
  return u.toString();
};

/** ffmpeg and ffprobe processes whose parent is this test process: pid → argv. */
function children(): Map<number, string[]> {
  const found = new Map<number, string[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid || (comm !== 'ffmpeg' && comm !== 'ffprobe')) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      // a zombie (exited, not yet reaped) has an empty command line
      if (cmdline !== '') found.set(Number(entry), cmdline.split('\0'));
    } catch {
      // gone while we looked
    }
  }
  return found;
}

/** Reads every child's command line every 20 ms until stopped; returns all it saw. */
function watchChildren(): { stop(): Map<number, string[]> } {
  const seen = new Map<number, string[]>();
  const look = () => {
    for (const [pid, argv] of children()) seen.set(pid, argv);
  };
  look();
  const timer = setInterval(look, 20);
  return {
    stop: () => {
      clearInterval(timer);
      look();
      return seen;
    },
  };
}

/** No form of the password, nor `user:…@`, in any argument. */
function expectNoSecrets(seen: Map<number, string[]>, password = PASSWORD): void {
  const forms = [password, encodeURIComponent(password), password.replace('@', '%40')];
  for (const argv of seen.values()) {
    const line = argv.join(' ');
    for (const form of forms) expect(line).not.toContain(form);
    expect(line).not.toMatch(/[a-z]+:\/\/[^\s/]*@/i);
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'pantau-passwords-'));
  [digestCam, basicCam] = await Promise.all([
    startCameraServer({ cameras: 1, port: 0, auth: { method: 'digest', user: 'admin', password: PASSWORD } }),
    startCameraServer({ cameras: 1, port: 0, auth: { method: 'basic', user: 'admin', password: PASSWORD } }),
  ]);
});

afterEach(async () => {
  for (const v of viewers.splice(0)) v.socket.terminate();
  await Promise.all(apps.splice(0).map((t) => t.close()));
});

afterAll(async () => {
  await Promise.all([digestCam?.stop(), basicCam?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('no camera password on a command line', () => {
  it('remuxes of a digest and a basic camera (TCP and UDP) play through the relay, and no ffmpeg shows a password', async () => {
    const t = await startTestApp(
      new Map([
        ['1/main', { url: withCredentials(digestCam.urls[0]!), protocol: 'rtsp' }],
        ['2/main', { url: withCredentials(basicCam.urls[0]!), protocol: 'rtsp' }],
        ['2/sub', { url: withCredentials(basicCam.subUrls[0]!), protocol: 'rtsp', transport: 'udp' as const }],
      ]),
      FAST,
    );
    apps.push(t);
    const watch = watchChildren();
    for (const query of ['1/live?quality=main', '2/live?quality=main', '2/live?quality=sub']) {
      const { body } = await getLive(t, `/api/v1/streams/${query}`);
      viewers.push(openViewer(`${t.ws}${body.data!.url}`));
    }
    await waitFor('video from all three', () => viewers.every((v) => v.bytes() > 60_000), 20_000);
    const seen = watch.stop();
    const ffmpegs = [...seen.values()].filter((argv) => argv[0]!.endsWith('ffmpeg') && argv.includes('-i'));
    expect(ffmpegs.length).toBeGreaterThanOrEqual(3);
    for (const argv of ffmpegs)
      expect(argv[argv.indexOf('-i') + 1]).toMatch(/^rtsp:\/\/127\.0\.0\.1:\d+\/cam1(\/sub)?$/);
    expect(ffmpegs.some((argv) => argv.join(' ').includes('-rtsp_transport udp'))).toBe(true);
    expectNoSecrets(seen);
    // each relay leads to its camera (for diagnostics), again without credentials
    const targets = [...children().keys()].map(relayTargetOf).filter(Boolean).sort();
    expect(targets).toEqual(
      [
        `rtsp://127.0.0.1:${basicCam.port}/cam1`,
        `rtsp://127.0.0.1:${basicCam.port}/cam1/sub`,
        `rtsp://127.0.0.1:${digestCam.port}/cam1`,
      ].sort(),
    );
    expect(t.gateway.stats().perStream.every((s) => s.state === 'live')).toBe(true);
  });

  it('a probe of each camera reads its media, and ffprobe shows no password', async () => {
    const watch = watchChildren();
    const [digest, basic] = await Promise.all([
      probeStream(withCredentials(digestCam.urls[0]!)),
      probeStream(withCredentials(basicCam.subUrls[0]!)),
    ]);
    const seen = watch.stop();
    expect(digest).toMatchObject({ ok: true, media: { video_codec: 'h264', width: 640, height: 360 } });
    expect(basic).toMatchObject({ ok: true, media: { video_codec: 'h264', width: 320, height: 180 } });
    expect([...seen.values()].filter((argv) => argv[0]!.endsWith('ffprobe'))).toHaveLength(2);
    expectNoSecrets(seen);
  });

  it('a still of a camera nobody watches comes from a remux through the relay', async () => {
    const t = await startTestApp(new Map(), FAST);
    apps.push(t);
    const watch = watchChildren();
    const still = await t.gateway.still({
      streamId: 1,
      quality: 'sub',
      source: { url: withCredentials(digestCam.subUrls[0]!), protocol: 'rtsp' },
      height: null,
    });
    const seen = watch.stop();
    expect(still.jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect([...seen.values()].some((argv) => argv.includes('pipe:3'))).toBe(true);
    expectNoSecrets(seen);
  });

  it('the gateway still tells a wrong password (401) and a camera that does not answer apart through the relay', async () => {
    const wrong = await probeStream(withCredentials(digestCam.urls[0]!, 'not-it-9'));
    expect(wrong).toMatchObject({ ok: false, problem: 'unauthorized' });
    expect(wrong.error).toContain('401 Unauthorized');
    const dead = await probeStream('rtsp://admin:secret-9@127.0.0.1:9/cam1', { timeoutMs: 3000 });
    expect(dead).toMatchObject({
      ok: false,
      problem: 'unreachable',
      error: 'Connection to tcp://127.0.0.1:9 failed: Connection refused',
    });
  });
});

describe('an HTTP camera (MPEG-TS behind Digest)', () => {
  /** Serves sample.ts at /video.ts behind Digest (RFC 7616, MD5, qop=auth), counting 401s. */
  async function httpCamera(): Promise<{
    url: (password: string) => string;
    unauthorized: () => number;
    close: () => void;
  }> {
    const ts = makeSampleTs(dir).bytes;
    const realm = 'cam';
    const nonce = randomBytes(8).toString('hex');
    let unauthorized = 0;
    const md5 = (s: string) => createHash('md5').update(s).digest('hex');
    const server = http.createServer((req, res) => {
      const h = req.headers.authorization ?? '';
      const p = Object.fromEntries([...h.matchAll(/(\w+)="?([^",]*)"?/g)].map((m) => [m[1], m[2]]));
      const ha1 = md5(`admin:${realm}:${PASSWORD}`);
      const expected = md5(`${ha1}:${nonce}:${p.nc}:${p.cnonce}:auth:${md5(`${req.method}:${req.url}`)}`);
      if (!h.startsWith('Digest ') || p.uri !== req.url || p.response !== expected) {
        unauthorized++;
        res.writeHead(401, { 'www-authenticate': `Digest realm="${realm}", nonce="${nonce}", qop="auth"` });
        return void res.end();
      }
      res.writeHead(200, { 'content-type': 'video/mp2t', 'content-length': ts.length }).end(ts);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: (password) => `http://admin:${encodeURIComponent(password)}@127.0.0.1:${port}/video.ts?profile=1`,
      unauthorized: () => unauthorized,
      close: () => (server.closeAllConnections(), server.close()),
    };
  }

  it('probes and remuxes it through the HTTP relay; a wrong password reads as unauthorized; no password on a command line', async () => {
    const cam = await httpCamera();
    try {
      const watch = watchChildren();
      const probe = await probeStream(cam.url(PASSWORD));
      expect(probe).toMatchObject({ ok: true, media: { video_codec: 'h264', width: 320, height: 240 } });
      let bytes = 0;
      const upstream = new FfmpegUpstream({
        source: { url: cam.url(PASSWORD), protocol: 'mpegts' },
        label: 'http',
        onData: (c) => (bytes += c.length),
        backoffMs: [5000],
      });
      upstream.start();
      await waitFor('remuxed bytes', () => bytes > 50_000, 10_000);
      await upstream.stop();
      const wrong = await probeStream(cam.url('not-it-9'));
      const seen = watch.stop();
      expect(wrong).toMatchObject({ ok: false, problem: 'unauthorized' });
      expect(seen.size).toBeGreaterThanOrEqual(3);
      for (const argv of seen.values())
        expect(argv.join(' ')).toMatch(/http:\/\/127\.0\.0\.1:\d+\/video\.ts\?profile=1/);
      expectNoSecrets(seen);
    } finally {
      cam.close();
    }
  });
});
