/**
 * The loopback RTSP relay (issue 16 item 3) against a scripted camera: Basic, Digest with and
 * without qop, an expired nonce, a wrong password, CSeq kept as the client sent it, interleaved
 * frames byte for byte, UDP SETUP, one connection only, only from the bound process, and a
 * camera that cannot be reached. The test process plays the child where a client must connect
 * (its own sockets are in /proc/self/fd); real ffmpeg runs are in rtsp-auth-relay.ffmpeg.test.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseChallenges } from './camera-auth.js';
import { openRtspRelay, type CameraRelay } from './rtsp-auth-relay.js';
import { streamProblemOf } from './stream-problem.js';
import { startFakeRtspCamera, RtspTestClient, type FakeAuth } from './test-fixtures/fake-rtsp-camera.js';
import { waitFor } from './test-fixtures/processes.js';

const USER = 'admin';
const PASSWORD = 'p@ss:w/rd#1 "ok"';

/** This test process standing in for the child the relay serves. */
const SELF = { pid: process.pid, exitCode: null, signalCode: null, once: () => SELF } as unknown as ChildProcess;

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function setup(auth: FakeAuth, password = PASSWORD, child: ChildProcess = SELF) {
  const camera = await startFakeRtspCamera(auth, USER, PASSWORD);
  cleanup.push(() => camera.close());
  const relay = await openRtspRelay(camera.url(USER, password));
  cleanup.push(() => relay.close());
  relay.bind(child);
  const port = Number(new URL(relay.url).port);
  return { camera, relay, port };
}

function client(port: number): RtspTestClient {
  const c = new RtspTestClient(port);
  cleanup.push(() => c.socket.destroy());
  return c;
}

/** OPTIONS, DESCRIBE, SETUP (TCP interleaved), PLAY through the relay. */
async function play(c: RtspTestClient, relay: CameraRelay) {
  const options = await c.request('OPTIONS', relay.url);
  const describe = await c.request('DESCRIBE', relay.url, { Accept: 'application/sdp' });
  const base = describe.headers['content-base']!;
  const setup = await c.request('SETUP', `${base}track1`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' });
  const playing = await c.request('PLAY', base, { Session: '4711', Range: 'npt=0.000-' });
  return { options, describe, setup, playing };
}

describe('RTSP relay: authentication', () => {
  it.each<FakeAuth>(['basic', 'digest', 'digest-qop'])(
    '%s: answers the challenge itself and the client sees only 200s, under its own CSeq',
    async (auth) => {
      const { camera, relay, port } = await setup(auth);
      expect(relay.url).toMatch(/^rtsp:\/\/127\.0\.0\.1:\d+\/cam\?channel=1$/);
      expect(relay.url).not.toContain(USER);
      const c = client(port);
      const r = await play(c, relay);
      for (const [i, res] of [r.options, r.describe, r.setup, r.playing].entries()) {
        expect(res.status).toBe(200);
        expect(res.headers.cseq).toBe(String(i + 1));
      }
      expect(r.describe.body).toContain('m=video');
      // the camera saw its own address in every Request-URI, as it would without the relay
      expect(camera.requests.map((q) => q.uri)).toContain(`rtsp://127.0.0.1:${camera.port}/cam?channel=1`);
      expect(camera.requests.every((q) => !q.uri.includes(`:${port}/`))).toBe(true);
      // one challenge (the first request, sent without credentials), then every request authorized
      expect(camera.requests.filter((q) => !q.authorized)).toHaveLength(1);
      expect(camera.requests.slice(1).every((q) => q.authorized)).toBe(true);
      if (auth === 'digest-qop') {
        const ncs = camera.requests.slice(1).map((q) => /nc=(\w+)/.exec(q.headers.authorization!)?.[1]);
        expect(ncs).toEqual(['00000001', '00000002', '00000003', '00000004']);
      }
      if (auth === 'digest') expect(camera.requests[1]!.headers.authorization).not.toContain('qop=');
      // the camera's CSeqs are new numbers after the retry (RFC 2326 §12.17), strictly increasing
      const cseqs = camera.requests.map((q) => Number(q.headers.cseq));
      expect(cseqs).toEqual([1, 2, 3, 4, 5]);
    },
  );

  it('retries with the new nonce when the camera says the old one is stale', async () => {
    const { camera, relay, port } = await setup('digest-qop');
    const c = client(port);
    await play(c, relay);
    camera.expireNonce();
    const keepAlive = await c.request('GET_PARAMETER', relay.url, { Session: '4711' });
    expect(keepAlive).toMatchObject({ status: 200, headers: { cseq: '5' } });
    const last = camera.requests.slice(-2);
    expect(last.map((q) => [q.method, q.authorized])).toEqual([
      ['GET_PARAMETER', false],
      ['GET_PARAMETER', true],
    ]);
    expect(last[1]!.headers.authorization).toContain('nc=00000001');
  });

  it('passes a wrong password on as the 401 the client would have got, after one authorized try', async () => {
    const { camera, relay, port } = await setup('digest', 'not-it');
    const c = client(port);
    const options = await c.request('OPTIONS', relay.url);
    expect(options).toMatchObject({ status: 401, headers: { cseq: '1' } });
    expect(parseChallenges([options.headers['www-authenticate']!])[0]).toMatchObject({ scheme: 'digest' });
    // ffmpeg retries once by itself; that try goes without credentials (no second failed login)
    const again = await c.request('OPTIONS', relay.url);
    expect(again).toMatchObject({ status: 401, headers: { cseq: '2' } });
    expect(camera.requests.map((q) => Boolean(q.headers.authorization))).toEqual([false, true, false]);
    expect(streamProblemOf(`method OPTIONS failed: ${options.status} Unauthorized`)).toBe('unauthorized');
  });
});

describe('RTSP relay: the media', () => {
  it('passes interleaved frames through byte for byte, with a response among them', async () => {
    const { camera, relay, port } = await setup('digest');
    const c = client(port);
    await play(c, relay);
    const sent: Buffer[] = [];
    for (let i = 0; i < 400; i++) {
      const size = i === 0 ? 0 : i === 1 ? 65_535 : Math.floor(Math.random() * 3000);
      const frame = Buffer.concat([Buffer.from([0x24, i % 2, size >> 8, size & 0xff]), randomBytes(size)]);
      sent.push(frame);
    }
    const all = Buffer.concat(sent);
    // a keep-alive's answer lands between two frames, in the middle of the camera's writes
    const keepAlive = c.request('GET_PARAMETER', relay.url, { Session: '4711' });
    await waitFor('the keep-alive at the camera', () => camera.requests.at(-1)?.method === 'GET_PARAMETER');
    const half = sent.slice(0, 200).reduce((n, f) => n + f.length, 0);
    // odd cuts: inside a frame header and inside a payload
    camera.send(all.subarray(0, 2));
    camera.send(all.subarray(2, 7001));
    camera.send(all.subarray(7001, half));
    const cseq = camera.requests.at(-1)!.headers.cseq!;
    camera.send(Buffer.from(`RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nSession: 4711\r\n\r\n`));
    camera.send(all.subarray(half));
    expect(await keepAlive).toMatchObject({ status: 200, headers: { cseq: '5' } });
    await waitFor('every frame', () => c.frames.length === sent.length, 10_000);
    expect(Buffer.concat(c.frames).equals(all)).toBe(true);
  });

  it('names the camera as the RTP source of a UDP SETUP, so the child sends RTCP there and not to the relay', async () => {
    const { relay, port } = await setup('basic');
    const c = client(port);
    await c.request('OPTIONS', relay.url);
    const describe = await c.request('DESCRIBE', relay.url);
    const res = await c.request('SETUP', `${describe.headers['content-base']}track1`, {
      Transport: 'RTP/AVP;unicast;client_port=5000-5001',
    });
    expect(res.status).toBe(200);
    expect(res.headers.transport).toBe('RTP/AVP;unicast;client_port=5000-5001;server_port=6970-6971;source=127.0.0.1');
  });
});

describe('RTSP relay: who may connect', () => {
  it('takes one connection: a second one to its port is refused', async () => {
    const { camera, relay, port } = await setup('basic');
    const first = client(port);
    expect((await first.request('OPTIONS', relay.url)).status).toBe(200);
    const second = await new Promise<string>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      s.on('connect', () => resolve('connected'));
    });
    expect(second).toBe('ECONNREFUSED');
    expect(camera.connections).toBe(1);
  });

  it('refuses a connection from a process that is not its child, without a byte, and still serves the child', async () => {
    const { camera, relay, port } = await setup('basic');
    // another local process (a Node one-liner) gets there first and asks for the stream
    const script = `const s = require('net').connect(${port}, '127.0.0.1', () => s.write('DESCRIBE ${relay.url} RTSP/1.0\\r\\nCSeq: 1\\r\\n\\r\\n'));
      let got = 0; s.on('data', (d) => (got += d.length)); s.on('error', () => {}); s.on('close', () => console.log('got ' + got));`;
    const intruder = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanup.push(() => intruder.kill('SIGKILL'));
    let out = '';
    intruder.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((r) => intruder.once('exit', r));
    expect(out.trim()).toBe('got 0');
    expect(relay.refused).toBe(1);
    expect(camera.requests).toEqual([]);
    // the refused connection did not use up the relay's one connection
    const c = client(port);
    expect((await play(c, relay)).playing.status).toBe(200);
  });

  it('refuses every connection while bound to a process that makes none', async () => {
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    cleanup.push(() => sleeper.kill('SIGKILL'));
    const { camera, relay, port } = await setup('basic', PASSWORD, sleeper);
    const intruder = client(port);
    void intruder.request('DESCRIBE', relay.url);
    await waitFor('the intruder refused', () => intruder.closed);
    expect(intruder.responses).toEqual([]);
    expect(relay.refused).toBe(1);
    expect(camera.requests).toEqual([]);
  });

  it('lets the TEARDOWN a child sends on its way out reach the camera', async () => {
    const { camera, relay, port } = await setup('digest-qop');
    const c = client(port);
    await play(c, relay);
    void c.request('TEARDOWN', relay.url, { Session: '4711' });
    c.socket.end();
    await waitFor('the TEARDOWN at the camera', () => camera.requests.at(-1)?.method === 'TEARDOWN');
    expect(camera.requests.at(-1)!.authorized).toBe(true);
  });

  it('closes when its child exits', async () => {
    const child = spawn('sleep', ['0.2'], { stdio: 'ignore' });
    const { port } = await setup('basic', PASSWORD, child);
    await new Promise((r) => child.once('exit', r));
    await waitFor(
      'the port closed',
      () =>
        new Promise<boolean>((resolve) => {
          const s = net.connect({ host: '127.0.0.1', port });
          s.on('error', () => resolve(true));
          s.on('connect', () => (s.destroy(), resolve(false)));
        }),
      3000,
    );
  });
});

describe('RTSP relay: a camera it cannot reach', () => {
  it('says why in the words ffmpeg uses, which the gateway reads as unreachable, and refuses the child', async () => {
    const dead = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as net.AddressInfo;
        s.close(() => resolve(port));
      });
    });
    const relay = await openRtspRelay(`rtsp://admin:secret@127.0.0.1:${dead}/cam`);
    cleanup.push(() => relay.close());
    relay.bind(SELF);
    await waitFor('the failure', () => relay.failure);
    expect(relay.failure).toBe(`Connection to tcp://127.0.0.1:${dead} failed: Connection refused`);
    expect(streamProblemOf(relay.failure)).toBe('unreachable');
    expect(relay.failure).not.toContain('secret');
    const c = client(Number(new URL(relay.url).port));
    await waitFor('the child refused', () => c.closed);
  });

  it('gives up on a camera that does not answer within connectTimeoutMs: "Connection timed out"', async () => {
    // an rtsps camera that accepts TCP but never answers the TLS handshake
    const mute = net.createServer(() => undefined);
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => (mute.close(), undefined));
    const { port } = mute.address() as net.AddressInfo;
    const relay = await openRtspRelay(`rtsps://admin:secret@127.0.0.1:${port}/cam`, { connectTimeoutMs: 300 });
    cleanup.push(() => relay.close());
    await waitFor('the failure', () => relay.failure, 3000);
    expect(relay.failure).toBe(`Connection to tcp://127.0.0.1:${port} failed: Connection timed out`);
    expect(streamProblemOf(relay.failure)).toBe('unreachable');
  });
});
