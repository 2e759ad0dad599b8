/**
 * Hostile and malformed requests (issue 16): every refusal is the failure envelope with a code
 * and a field, changes nothing, and a client's mistake is not logged as a server error.
 */
import net from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DETECTION_DATA_MAX_DEPTH, jsonDepthWithin } from '@pantau/shared';
import { startHarness, type Harness } from '../test-support/harness.js';

/** `{"a":{"a":…1…}}` nested `depth` objects deep, built as text (a value this deep cannot be stringified). */
function nestedJson(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** A raw HTTP/1.1 exchange: what the server wrote until it closed or `ms` passed. */
function rawRequest(port: number, text: string, ms = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let got = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (got += d));
    socket.on('error', reject);
    socket.on('close', () => resolve(got));
    socket.write(text);
    setTimeout(() => socket.destroy(), ms).unref();
  });
}

describe('hostile input', () => {
  let h: Harness;
  const errorLines: string[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean))
          if ((JSON.parse(line) as { level: number }).level >= 50) errorLines.push(line);
        done();
      },
    });
    h = await startHarness({ logLevel: 'info' }, pino({ level: 'info' }, sink));
  });
  afterAll(() => h.stop());

  const post = (path: string, body: string) =>
    fetch(`${h.server.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': h.credential.key,
        'x-api-secret': h.credential.secret,
      },
      body,
    });

  it('counts depth without recursion', () => {
    expect(jsonDepthWithin({ a: [{ b: 1 }] }, 3)).toBe(true);
    expect(jsonDepthWithin({ a: [{ b: 1 }] }, 2)).toBe(false);
    expect(jsonDepthWithin(JSON.parse(nestedJson(100_000)), DETECTION_DATA_MAX_DEPTH)).toBe(false);
  });

  it('refuses detection_data nested 5,000 deep: 400 on /detection/log, the item rejected in /detection/batch; no error logged, nothing queued', async () => {
    const idempotencyKeys = () =>
      (h.server.services.db.conn.prepare('SELECT COUNT(*) AS n FROM detection_idempotency').get() as { n: number }).n;
    const jobs = () => (h.server.services.db.conn.prepare('SELECT COUNT(*) AS n FROM jobs').get() as { n: number }).n;
    const before = { keys: idempotencyKeys(), jobs: jobs() };
    const base = `"re_id":"deep-1","branch_id":${h.branches[0]!.id},"device_id":"cam-1","detected_count":1`;
    for (const field of ['detection_data', 'appearance_features']) {
      const one = await post('/api/v1/detection/log', `{${base},"${field}":${nestedJson(5_000)}}`);
      expect(one.status).toBe(400);
      const body = (await one.json()) as { success: boolean; error: { code: string; details: { field: string } } };
      expect(body).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR', details: { field } } });
    }
    // a batch checks its items one by one: the deep one is rejected with its field, the next goes through
    const batch = await post(
      '/api/v1/detection/batch',
      `{"detections":[{${base},"event_id":"deep-b1","detection_data":${nestedJson(5_000)}},{${base},"event_id":"deep-b2"}]}`,
    );
    expect(batch.status).toBe(200);
    const b = (await batch.json()) as {
      data: { accepted: number; results: Array<{ status: string; error?: unknown }> };
    };
    expect(b.data.accepted).toBe(1);
    expect(b.data.results[0]).toMatchObject({
      status: 'rejected',
      error: { code: 'VALIDATION_ERROR', field: 'detection_data' },
    });
    // 33 levels: just past the bound, still refused; 32 accepted
    expect((await post('/api/v1/detection/log', `{${base},"detection_data":${nestedJson(33)}}`)).status).toBe(400);
    expect((await post('/api/v1/detection/log', `{${base},"detection_data":${nestedJson(32)}}`)).status).toBe(202);
    // the two good ones only: the batch item with its event_id, and the 32-level one
    expect(idempotencyKeys()).toBe(before.keys + 1);
    expect(jobs()).toBeLessThanOrEqual(before.jobs + 2);
    expect(errorLines).toEqual([]);
  });

  it('answers a URL over 16 KiB (431) and a path parameter over 100 characters (414) in the envelope', async () => {
    const big = await rawRequest(
      h.server.port,
      `GET /api/v1/branches?x=${'a'.repeat(17_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
    );
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    const bigBody = JSON.parse(big.slice(big.indexOf('\r\n\r\n') + 4)) as unknown;
    expect(bigBody).toMatchObject({ success: false, error: { code: 'HEADERS_TOO_LARGE', details: { field: 'url' } } });

    const long = await fetch(`${h.server.url}/api/v1/branches/${'9'.repeat(101)}`, {
      headers: { authorization: `Bearer ${h.admin.token}` },
    });
    expect(long.status).toBe(414);
    expect(await long.json()).toMatchObject({
      success: false,
      error: { code: 'URI_TOO_LONG', details: { field: 'url' } },
    });
    const bad = await fetch(`${h.server.url}/api/v1/branches/%E0%A4%A`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      success: false,
      error: { code: 'VALIDATION_ERROR', details: { field: 'url' } },
    });
    expect(errorLines).toEqual([]);
  });
});
