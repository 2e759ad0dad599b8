/**
 * The loopback HTTP relay (issue 16 item 3, http cameras) against a camera demanding Basic: the
 * challenge answered on the child's behalf, the camera's Host, a redirect pointed back at the
 * relay, only the bound process served, an unreachable camera reported in ffmpeg's words. The
 * test process plays the child; ffprobe and ffmpeg through it (Digest) are in camera-passwords.test.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openHttpRelay } from './http-auth-relay.js';
import { streamProblemOf } from './stream-problem.js';

const SELF = { pid: process.pid, exitCode: null, signalCode: null, once: () => SELF } as unknown as ChildProcess;
const PASSWORD = 'p@ss word:1';
const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

interface Seen {
  url: string;
  host: string | undefined;
  authorization: string | undefined;
}

async function camera(): Promise<{ port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const good = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', host: req.headers.host, authorization: req.headers.authorization });
    if (req.headers.authorization !== good)
      return void res.writeHead(401, { 'www-authenticate': 'Basic realm="cam"' }).end();
    if (req.url === '/old') return void res.writeHead(302, { location: `http://127.0.0.1:${port}/video?x=1` }).end();
    res.writeHead(200, { 'content-type': 'video/mp2t' }).end('TS-BYTES');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  cleanup.push(() => (server.closeAllConnections(), new Promise((r) => server.close(r))));
  return { port, seen };
}

function get(url: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string } | string> {
  return new Promise((resolve) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

describe('HTTP relay', () => {
  it('answers Basic for the child, sends the camera its own Host, and points a redirect back at itself', async () => {
    const cam = await camera();
    const relay = await openHttpRelay(`http://admin:${encodeURIComponent(PASSWORD)}@127.0.0.1:${cam.port}/old`);
    cleanup.push(() => relay.close());
    relay.bind(SELF);
    expect(relay.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/old$/);
    const moved = await get(relay.url);
    const origin = new URL(relay.url).origin;
    expect(moved).toMatchObject({ status: 302, headers: { location: `${origin}/video?x=1` } });
    const ok = await get(`${origin}/video?x=1`);
    expect(ok).toMatchObject({ status: 200, body: 'TS-BYTES' });
    expect(cam.seen.map((s) => [s.url, Boolean(s.authorization)])).toEqual([
      ['/old', false],
      ['/old', true],
      ['/video?x=1', true],
    ]);
    expect(cam.seen.every((s) => s.host === `127.0.0.1:${cam.port}`)).toBe(true);
  });

  it('passes a wrong password on as 401, once tried', async () => {
    const cam = await camera();
    const relay = await openHttpRelay(`http://admin:wrong@127.0.0.1:${cam.port}/video`);
    cleanup.push(() => relay.close());
    relay.bind(SELF);
    expect(await get(relay.url)).toMatchObject({ status: 401 });
    expect(cam.seen.map((s) => Boolean(s.authorization))).toEqual([false, true]);
  });

  it('serves no other process: its connection is dropped before any request reaches the camera', async () => {
    const cam = await camera();
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    cleanup.push(() => sleeper.kill('SIGKILL'));
    const relay = await openHttpRelay(`http://admin:${encodeURIComponent(PASSWORD)}@127.0.0.1:${cam.port}/video`);
    cleanup.push(() => relay.close());
    relay.bind(sleeper);
    expect(await get(relay.url)).toBe('ECONNRESET');
    expect(relay.refused).toBe(1);
    expect(cam.seen).toEqual([]);
  });

  it("reports a camera it cannot reach in ffmpeg's words and drops the child's connection", async () => {
    const dead = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as net.AddressInfo;
        s.close(() => resolve(port));
      });
    });
    const relay = await openHttpRelay(`http://admin:secret@127.0.0.1:${dead}/video`);
    cleanup.push(() => relay.close());
    relay.bind(SELF);
    expect(await get(relay.url)).toBe('ECONNRESET');
    expect(relay.failure).toBe(`Connection to tcp://127.0.0.1:${dead} failed: Connection refused`);
    expect(streamProblemOf(relay.failure)).toBe('unreachable');
  });
});
