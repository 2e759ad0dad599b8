/**
 * The transport (issue 16): TLS on the same port with plain HTTP redirected, a self-signed
 * certificate kept across restarts, HSTS; time limits and the per-address cap on connections;
 * security headers and the console's CSP with a style nonce; CORS for every method the API
 * uses; a private data directory.
 */
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import path from 'node:path';
import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { ROUTES, STYLE_NONCE_META, type Health } from '@pantau/shared';
import { testEngine } from '../test-support/postgres.js';
import { startHarness, tempDataDir, type Harness } from '../test-support/harness.js';
import { startServer, type RunningServer } from '../server.js';
import { apiMethods } from '../app.js';
import type { HttpLimits } from './http-server.js';

const running: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

/** GET over https trusting `ca`: status, headers, body. */
function httpsGet(
  url: string,
  ca: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

/** A raw connection: everything the server wrote, and how long until it closed (ms). */
function rawConnection(
  port: number,
  send: (s: net.Socket) => void,
  maxMs = 8000,
): Promise<{ got: string; ms: number }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const socket = net.connect(port, '127.0.0.1', () => send(socket));
    let got = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (got += d));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ got, ms: Date.now() - t0 }));
    setTimeout(() => socket.destroy(), maxMs).unref();
  });
}

async function tlsServer(dataDir = tempDataDir()): Promise<RunningServer> {
  const s = await startServer({ port: 0, dataDir, consoleDir: null, logLevel: 'silent', tls: { mode: 'self-signed' } });
  running.push(s);
  return s;
}

describe('TLS', () => {
  it('serves HTTPS and WSS on one port with a kept self-signed certificate, HSTS, and plain HTTP redirected', async () => {
    const dataDir = tempDataDir();
    const s = await tlsServer(dataDir);
    expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const id = s.tls!;
    expect(id.created).toBe(true);
    expect(id.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(id.subjectAltNames).toEqual(expect.arrayContaining(['DNS:localhost', 'IP:127.0.0.1']));
    expect(fs.statSync(path.join(dataDir, 'tls', 'server.key')).mode & 0o777).toBe(0o600);
    const ca = fs.readFileSync(id.certFile, 'utf8');

    const health = await httpsGet(`${s.url}/health`, ca);
    expect(health.status).toBe(200);
    expect(health.headers['strict-transport-security']).toBe('max-age=31536000');
    expect((JSON.parse(health.body) as { data: Health }).data.http.tls).toBe(true);

    // the real-time socket over wss, trusting the same certificate
    const ws = new WebSocket(`${s.url.replace('https', 'wss')}/ws`, { ca });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.close();

    // plain HTTP on the TLS port: redirected, never served; no HSTS over plain HTTP
    const plain = await fetch(`${s.url.replace('https', 'http')}/api/v1/branches?x=1`, { redirect: 'manual' });
    expect(plain.status).toBe(308);
    expect(plain.headers.get('location')).toBe(`${s.url}/api/v1/branches?x=1`);
    expect(plain.headers.get('strict-transport-security')).toBeNull();
    // nor a WebSocket over plain HTTP
    const plainWs = new WebSocket(`${s.url.replace('https', 'ws')}/ws`);
    const refused = await new Promise<string>((resolve) => {
      plainWs.once('open', () => resolve('open'));
      plainWs.once('unexpected-response', (req, res) => {
        resolve(String(res.statusCode));
      });
      plainWs.once('error', (e) => resolve(e.message));
    });
    expect(refused).toBe('308');
    const h2 = JSON.parse((await httpsGet(`${s.url}/health`, ca)).body) as { data: Health };
    expect(h2.data.http.plain_http_redirected).toBe(2);

    // the time limits hold over TLS too (httpolyglot's inner server tracks its connections)
    const tlsLimited = await startServer({
      port: 0,
      dataDir: tempDataDir(),
      consoleDir: null,
      logLevel: 'silent',
      tls: { mode: 'self-signed' },
      httpLimits: {
        requestTimeoutMs: 1200,
        headersTimeoutMs: 800,
        keepAliveTimeoutMs: 500,
        maxConnectionsPerAddress: 50,
      },
    });
    running.push(tlsLimited);
    const t0 = Date.now();
    const limitedCa = fs.readFileSync(tlsLimited.tls!.certFile, 'utf8');
    const cut = await new Promise<string>((resolve) => {
      const socket = tls.connect(
        { port: tlsLimited.port, host: '127.0.0.1', ca: limitedCa, servername: 'localhost' },
        () => {
          socket.write(
            'POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{',
          );
          const t = setInterval(() => (socket.writable ? socket.write(' ') : clearInterval(t)), 200);
          socket.once('close', () => clearInterval(t));
        },
      );
      let got = '';
      socket.setEncoding('utf8');
      socket.on('data', (d: string) => (got += d));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(got));
    });
    expect(cut).toMatch(/^HTTP\/1\.1 408 /);
    expect(Date.now() - t0).toBeLessThan(4000);

    // a restart keeps the certificate (the fingerprint operators pinned stays true)
    await s.close();
    const again = await tlsServer(dataDir);
    expect(again.tls!.created).toBe(false);
    expect(again.tls!.fingerprint256).toBe(id.fingerprint256);
  });

  it('uses a named certificate and key, and refuses a key that is not the certificate’s', async () => {
    const made = tempDataDir();
    const first = await tlsServer(made);
    const certFile = first.tls!.certFile;
    const keyFile = path.join(made, 'tls', 'server.key');
    await first.close();
    const s = await startServer({
      port: 0,
      dataDir: tempDataDir(),
      consoleDir: null,
      logLevel: 'silent',
      tls: { mode: 'files', certFile, keyFile },
    });
    running.push(s);
    expect(s.tls!.fingerprint256).toBe(first.tls!.fingerprint256);
    expect((await httpsGet(`${s.url}/health`, fs.readFileSync(certFile, 'utf8'))).status).toBe(200);

    const other = await tlsServer();
    const otherKey = path.join(path.dirname(other.tls!.certFile), 'server.key');
    await expect(
      startServer({
        port: 0,
        dataDir: tempDataDir(),
        logLevel: 'silent',
        tls: { mode: 'files', certFile, keyFile: otherKey },
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'tls-key' } });
  });
});

describe('time limits and connection caps', () => {
  const limits: HttpLimits = {
    requestTimeoutMs: 1500,
    headersTimeoutMs: 800,
    keepAliveTimeoutMs: 500,
    maxConnectionsPerAddress: 5,
  };
  let h: Harness;
  afterEach(() => h?.stop());

  it('cuts a body trickled a byte at a time, headers that never end and a connection that sends nothing; caps connections per address', async () => {
    h = await startHarness({ httpLimits: limits });
    const port = h.server.port;
    const trickle = rawConnection(port, (s) => {
      s.write(
        'POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
      );
      const t = setInterval(() => (s.writable ? s.write(' ') : clearInterval(t)), 200);
      s.once('close', () => clearInterval(t));
    });
    const slowHeaders = rawConnection(port, (s) => {
      s.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      const t = setInterval(() => (s.writable ? s.write('X-A: b\r\n') : clearInterval(t)), 200);
      s.once('close', () => clearInterval(t));
    });
    const silent = rawConnection(port, () => undefined);
    // a body paused longer than the headers' limit between two bytes is still within its own
    // limit: cut at the request limit, not before (the socket's idle timer must not cut it)
    const paused = rawConnection(port, (s) => {
      s.write(
        'POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
      );
      const t = setInterval(() => (s.writable ? s.write(' ') : clearInterval(t)), 1000);
      s.once('close', () => clearInterval(t));
    });
    const [a, b, c, d] = await Promise.all([trickle, slowHeaders, silent, paused]);
    expect(d.got).toMatch(/^HTTP\/1\.1 408 /);
    expect(d.ms).toBeGreaterThanOrEqual(1400);
    expect(a.got).toMatch(/^HTTP\/1\.1 408 /);
    expect(JSON.parse(a.got.slice(a.got.indexOf('\r\n\r\n') + 4))).toMatchObject({
      success: false,
      error: { code: 'REQUEST_TIMEOUT' },
    });
    expect(a.ms).toBeLessThan(4000);
    expect(b.got).toMatch(/^HTTP\/1\.1 408 /);
    expect(b.ms).toBeLessThan(3000);
    expect(c.got).toBe('');
    expect(c.ms).toBeLessThan(3000);

    // five held connections (each mid-request, so not idle): the sixth is told 429 at once, in the envelope
    const held = Array.from({ length: 5 }, () => net.connect(port, '127.0.0.1'));
    await Promise.all(held.map((s) => new Promise((r) => s.once('connect', r))));
    for (const s of held) s.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const sixth = await rawConnection(port, (s) => s.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
    expect(sixth.got).toMatch(/^HTTP\/1\.1 429 /);
    expect(sixth.got).toContain('Retry-After: 1');
    expect(JSON.parse(sixth.got.slice(sixth.got.indexOf('\r\n\r\n') + 4))).toMatchObject({
      success: false,
      error: { code: 'RATE_LIMITED', details: { reason: 'connections_per_address' } },
    });
    expect(sixth.ms).toBeLessThan(1000);
    for (const s of held) s.destroy();
    await new Promise((r) => setTimeout(r, 100));

    const health = (await (await fetch(`${h.server.url}/health`)).json()) as { data: Health };
    expect(health.data.http).toMatchObject({
      tls: false,
      request_timeout_ms: 1500,
      headers_timeout_ms: 800,
      keep_alive_timeout_ms: 500,
      max_connections_per_address: 5,
      refused_over_cap: 1,
      headers_too_large: 0,
    });
    expect(health.data.http.timed_out).toBeGreaterThanOrEqual(3);
    expect(health.data.http.peak_connections).toBeGreaterThanOrEqual(5);
  });
});

describe('headers', () => {
  let h: Harness;
  afterEach(() => h?.stop());

  it('sends nosniff, DENY, no-referrer and a no-frame CSP everywhere; the console page a CSP with its own style nonce', async () => {
    const consoleDir = tempDataDir();
    fs.writeFileSync(
      path.join(consoleDir, 'index.html'),
      '<!doctype html><html><head><title>Pantau</title></head><body><div id="root"></div></body></html>',
    );
    fs.writeFileSync(path.join(consoleDir, 'app.js'), 'console.log(1)');
    h = await startHarness({ consoleDir });
    const api = await fetch(`${h.server.url}/health`);
    expect(api.headers.get('x-content-type-options')).toBe('nosniff');
    expect(api.headers.get('x-frame-options')).toBe('DENY');
    expect(api.headers.get('referrer-policy')).toBe('no-referrer');
    expect(api.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(api.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(api.headers.get('strict-transport-security')).toBeNull();
    // the device API (machine clients with key headers, never rendered by a browser) goes without
    const ingest = await fetch(`${h.server.url}/api/v1/detection/log`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': h.credential.key,
        'x-api-secret': h.credential.secret,
      },
      body: JSON.stringify({ re_id: 'hdr-1', branch_id: h.branches[0]!.id, device_id: 'cam-1', detected_count: 1 }),
    });
    expect(ingest.status).toBe(202);
    expect(ingest.headers.get('x-frame-options')).toBeNull();

    const nonces: string[] = [];
    for (const p of ['/console/', '/console/index.html']) {
      const page = await fetch(`${h.server.url}${p}`);
      expect(page.status).toBe(200);
      const csp = page.headers.get('content-security-policy') ?? '';
      const html = await page.text();
      const nonce = new RegExp(`<meta name="${STYLE_NONCE_META}" content="([^"]+)"`).exec(html)?.[1];
      expect(nonce).toBeTruthy();
      expect(csp).toContain(`style-src 'self' 'nonce-${nonce}'`);
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${h.server.port}`);
      expect(csp).toMatch(/img-src 'self' data: blob:;/);
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      nonces.push(nonce!);
    }
    expect(nonces[0]).not.toBe(nonces[1]);
    const asset = await fetch(`${h.server.url}/console/app.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('sends HSTS for what a trusted proxy received over https, and only then', async () => {
    h = await startHarness({ trustedProxies: ['127.0.0.1'] });
    const viaHttps = await fetch(`${h.server.url}/health`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(viaHttps.headers.get('strict-transport-security')).toBe('max-age=31536000');
    const viaHttp = await fetch(`${h.server.url}/health`, { headers: { 'x-forwarded-proto': 'http' } });
    expect(viaHttp.headers.get('strict-transport-security')).toBeNull();
    await h.stop();
    // from a peer that is not a trusted proxy the header is ignored
    h = await startHarness({ trustedProxies: ['10.9.9.9'] });
    const forged = await fetch(`${h.server.url}/health`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(forged.headers.get('strict-transport-security')).toBeNull();
  });

  it('grants app://console every method the API uses (a preflight per method, then the answer)', async () => {
    h = await startHarness();
    const methods = apiMethods();
    expect(methods).toEqual(expect.arrayContaining(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']));
    for (const method of methods.filter((m) => m !== 'HEAD' && m !== 'GET')) {
      const route = Object.values(ROUTES).find((r) => r.method.toUpperCase() === method)!;
      const url = `${h.server.url}${route.path.replace(/:[a-z_]+/g, '1')}`;
      const pre = await fetch(url, {
        method: 'OPTIONS',
        headers: {
          origin: 'app://console',
          'access-control-request-method': method,
          'access-control-request-headers': 'authorization,content-type',
        },
      });
      expect(pre.status, `${method} ${route.path}`).toBe(204);
      expect(pre.headers.get('access-control-allow-origin')).toBe('app://console');
      expect((pre.headers.get('access-control-allow-methods') ?? '').split(',').map((m) => m.trim())).toContain(method);
    }
    // and the answer itself carries the grant: rename a branch, then delete a device, from app://console
    const headers = {
      origin: 'app://console',
      authorization: `Bearer ${h.admin.token}`,
      'content-type': 'application/json',
    };
    const patch = await fetch(`${h.server.url}/api/v1/branches/${h.branches[0]!.id}`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ branch_name: 'Jakarta Pusat 2' }),
    });
    expect(patch.status).toBe(200);
    expect(patch.headers.get('access-control-allow-origin')).toBe('app://console');
    const del = await fetch(`${h.server.url}/api/v1/devices/${h.devices[1]!.id}`, {
      method: 'DELETE',
      headers: { origin: 'app://console', authorization: `Bearer ${h.admin.token}` },
    });
    expect(del.status).toBeLessThan(300);
    expect(del.headers.get('access-control-allow-origin')).toBe('app://console');
  });
});

describe('data directory', () => {
  it('is private: the directory 0700, the database, its WAL, the logs and a file left 0644 by an older version 0600', async () => {
    const dataDir = tempDataDir();
    fs.chmodSync(dataDir, 0o755);
    fs.mkdirSync(path.join(dataDir, 'logs'), { mode: 0o755 });
    fs.writeFileSync(path.join(dataDir, 'logs', 'old.log'), 'x', { mode: 0o644 });
    const h = await startHarness({ dataDir });
    try {
      await h.device.logDetection({
        re_id: 'perm-1',
        branch_id: h.branches[0]!.id,
        device_id: 'cam-1',
        detected_count: 1,
      });
      const mode = (p: string) => fs.statSync(path.join(dataDir, p)).mode & 0o777;
      expect(mode('.')).toBe(0o700);
      expect(mode('logs')).toBe(0o700);
      expect(mode('logs/old.log')).toBe(0o600);
      for (const f of fs.readdirSync(dataDir).filter((f) => fs.statSync(path.join(dataDir, f)).isFile()))
        expect([f, mode(f)]).toEqual([f, 0o600]);
      // the database lives here on SQLite (on PostgreSQL it is the server's business)
      expect(fs.readdirSync(dataDir)).toEqual(
        expect.arrayContaining(
          testEngine === 'sqlite' ? ['pantau.sqlite', 'pantau.sqlite-wal', 'master.key'] : ['master.key'],
        ),
      );
      // a day's request log written now is private too
      await h.stop();
      const walk = (d: string): string[] =>
        fs
          .readdirSync(d, { withFileTypes: true })
          .flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
      const logs = walk(path.join(dataDir, 'logs'));
      expect(logs.length).toBeGreaterThan(1);
      for (const f of logs) expect([f, fs.statSync(f).mode & 0o077]).toEqual([f, 0]);
    } finally {
      await h.stop();
    }
  });
});
