/**
 * The device API (issue 4): credential security (missing, wrong, expired, revoked, rotated,
 * out of scope, without the permission), the hourly limit with its headers, the failed-auth
 * limit per address, store-and-forward batches equal to live posting, integrator reads, and
 * the request log folded into api_usage_summary.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '@pantau/shared';
import { startHarness, waitFor, type Harness } from '../test-support/harness.js';
import { siteDay } from '../services/site-time.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const url = () => `${h.server.url}/api/v1/detection/log`;
const body = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ re_id: 'sec-1', branch_id: h.branches[0]!.id, device_id: 'cam-1', detected_count: 1, ...over });
const post = (key: string, secret: string, b = body(), type = 'application/json') =>
  fetch(url(), {
    method: 'POST',
    headers: { 'content-type': type, 'x-api-key': key, 'x-api-secret': secret },
    body: b,
  });
const errorOf = async (r: Response) =>
  ((await r.json()) as { error: { code: string; details?: { field?: string } } }).error;
const jobs = () =>
  (h.server.services.db.conn.prepare('SELECT COUNT(*) AS n FROM jobs').get() as { n: number }).n +
  (h.server.services.db.conn.prepare('SELECT COUNT(*) AS n FROM event_logs').get() as { n: number }).n;
const drained = () => waitFor(() => h.server.services.queue.stats().pending === 0, 5000, 'drain');

describe('credential security', () => {
  it('refuses revoked credentials at once and rotated-out secrets after their grace period', async () => {
    const c = await h.admin.createCredential({ credential_name: 'gate' });
    expect((await post(c.api_key, c.api_secret)).status).toBe(202);
    // rotate with a grace period: both secrets work
    const rotated = await h.admin.request<{ api_secret: string }>('POST', `/api/v1/credentials/${c.id}/rotate`, {
      grace_seconds: 1,
    });
    expect((await post(c.api_key, rotated.data.api_secret)).status).toBe(202);
    expect((await post(c.api_key, c.api_secret)).status).toBe(202);
    await new Promise((r) => setTimeout(r, 1100));
    const old = await post(c.api_key, c.api_secret);
    expect(old.status).toBe(401);
    expect((await errorOf(old)).code).toBe('INVALID_CREDENTIALS');
    // revoke: refused on the next request, though the row was cached
    const t0 = Date.now();
    await h.admin.revokeCredential(c.id);
    const revoked = await post(c.api_key, rotated.data.api_secret);
    expect(revoked.status).toBe(401);
    expect(Date.now() - t0).toBeLessThan(5000);
    await drained();
  });

  it('refuses what is out of the credential’s scope or permissions, and stores nothing', async () => {
    const [b1, b2] = h.branches;
    const scoped = await h.admin.request<{ api_key: string; api_secret: string }>('POST', '/api/v1/credentials', {
      credential_name: 'jkt only',
      branch_id: b1!.id,
    });
    const before = jobs();
    const out = await post(
      scoped.data.api_key,
      scoped.data.api_secret,
      body({ branch_id: b2!.id, device_id: 'cam-2' }),
    );
    expect(out.status).toBe(403);
    expect(await errorOf(out)).toMatchObject({ code: 'OUT_OF_SCOPE', details: { field: 'branch_id' } });
    const readOnly = await h.admin.request<{ api_key: string; api_secret: string }>('POST', '/api/v1/credentials', {
      credential_name: 'reader',
      permissions: ['detections:read'],
    });
    const noWrite = await post(readOnly.data.api_key, readOnly.data.api_secret);
    expect(noWrite.status).toBe(403);
    expect((await errorOf(noWrite)).code).toBe('FORBIDDEN');
    expect(jobs()).toBe(before);
  });

  it('counts requests per hour with X-RateLimit headers, and answers 429 with Retry-After past the limit', async () => {
    const c = await h.admin.request<{ api_key: string; api_secret: string }>('POST', '/api/v1/credentials', {
      credential_name: 'tiny',
      rate_limit_per_hour: 3,
    });
    const seen: Array<[number, string | null, string | null, string | null]> = [];
    for (let i = 0; i < 4; i++) {
      const r = await post(c.data.api_key, c.data.api_secret, body({ event_id: `rl-${i}` }));
      seen.push([
        r.status,
        r.headers.get('x-ratelimit-limit'),
        r.headers.get('x-ratelimit-remaining'),
        r.headers.get('retry-after'),
      ]);
      if (i === 0) {
        const reset = Number(r.headers.get('x-ratelimit-reset'));
        expect(reset * 1000).toBeGreaterThan(Date.now());
        expect(reset * 1000).toBeLessThanOrEqual(Date.now() + 3_600_000);
      }
    }
    expect(seen.map((x) => x.slice(0, 3))).toEqual([
      [202, '3', '2'],
      [202, '3', '1'],
      [202, '3', '0'],
      [429, '3', '0'],
    ]);
    expect(Number(seen[3]![3])).toBeGreaterThan(0);
    expect(
      (
        await h.admin.request<{ requests_this_hour: number }>(
          'GET',
          `/api/v1/credentials/${(c.data as unknown as { id: number }).id}`,
        )
      ).data.requests_this_hour,
    ).toBe(3);
  });

  it('refuses malformed JSON, oversized bodies and wrong content types with clear errors', async () => {
    const before = jobs();
    const bad = await post(h.credential.key, h.credential.secret, '{"re_id":');
    expect([bad.status, (await errorOf(bad)).code]).toEqual([400, 'INVALID_JSON']);
    const big = await post(
      h.credential.key,
      h.credential.secret,
      body({ detection_data: { pad: 'x'.repeat(80_000) } }),
    );
    expect([big.status, (await errorOf(big)).code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const text = await post(h.credential.key, h.credential.secret, 'hello', 'text/plain');
    expect([text.status, (await errorOf(text)).code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    expect(jobs()).toBe(before);
  });

  it('limits failed authentications per address', async () => {
    let last = 0;
    for (let i = 0; i < 31; i++) last = (await post('pantau_live_nope', 'wrong')).status;
    expect(last).toBe(429);
    // the valid key from the same address is refused too while the address is blocked
    const r = await post(h.credential.key, h.credential.secret);
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('store and forward', () => {
  it('counts a replayed batch exactly as the same detections posted live', async () => {
    // a fresh server: the per-address failure block of the test above would refuse us
    const h2 = await startHarness();
    try {
      const [b1, b2] = h2.branches;
      const items = Array.from({ length: 120 }, (_, i) => ({
        re_id: `sf-${i % 17}`,
        branch_id: (i % 2 ? b2 : b1)!.id,
        device_id: i % 2 ? 'cam-2' : 'cam-1',
        detected_count: 1 + (i % 3),
        detection_timestamp: new Date(Date.UTC(2026, 10, 20, 8, 0, i)).toISOString(),
        event_id: `sf-${i}`,
      }));
      const live = items.filter((_, i) => i % 3 === 0);
      for (const it of live) await h2.device.logDetection(it);
      const batch = await h2.device.request<{
        accepted: number;
        duplicate: number;
        rejected: number;
        results: Array<{ status: string }>;
      }>('POST', '/api/v1/detection/batch', {
        detections: [
          ...items,
          { re_id: 'bad', branch_id: b1!.id, device_id: 'cam-1', detected_count: 0, event_id: 'bad-1' },
          { re_id: 'no-event-id', branch_id: b1!.id, device_id: 'cam-1', detected_count: 1 },
        ],
      });
      expect(batch.data).toMatchObject({ accepted: 80, duplicate: 40, rejected: 2 });
      expect(batch.data.results).toHaveLength(122);
      expect(batch.data.results.slice(0, 3).map((r) => r.status)).toEqual(['duplicate', 'accepted', 'accepted']);
      expect(batch.data.results[120]).toMatchObject({
        status: 'rejected',
        error: { code: 'VALIDATION_ERROR', field: 'detected_count' },
      });
      expect(batch.data.results[121]).toMatchObject({ status: 'rejected', error: { field: 'event_id' } });
      await waitFor(() => h2.server.services.queue.stats().pending === 0, 5000, 'drain');

      // the same detections, all live, on another server: identical counts
      const h3 = await startHarness();
      try {
        for (const it of items) await h3.device.logDetection(it);
        await waitFor(() => h3.server.services.queue.stats().pending === 0, 5000, 'drain');
        const snapshot = (hh: Harness) =>
          hh.server.services.db.conn
            .prepare(
              'SELECT re_id, total_actual_count, total_detection_branch_count, first_detected_at, last_detected_at FROM re_id_masters ORDER BY re_id',
            )
            .all();
        expect(snapshot(h2)).toEqual(snapshot(h3));
        expect(snapshot(h2)).toHaveLength(17);
      } finally {
        await h3.stop();
      }
    } finally {
      await h2.stop();
    }
  });
});

describe('integrator reads, request log and usage', () => {
  it('reads detections and daily counts within the credential’s scope, logs every request and folds the day', async () => {
    const h4 = await startHarness();
    try {
      const [b1, b2] = h4.branches;
      for (let i = 0; i < 6; i++) {
        await h4.device.logDetection({
          re_id: `rd-${i % 4}`,
          branch_id: (i < 4 ? b1 : b2)!.id,
          device_id: i < 4 ? 'cam-1' : 'cam-2',
          detected_count: 2,
          detection_timestamp: '2026-11-20T18:30:00.000Z',
          event_id: `rd-${i}`,
        });
      }
      await waitFor(() => h4.server.services.queue.stats().pending === 0, 5000, 'drain');
      const all = await h4.device.request<Array<{ branch_id: number }>>('GET', '/api/v1/detections', undefined, {
        per_page: 100,
      });
      expect(all.data).toHaveLength(6);
      expect(all.meta).toEqual({ page: 1, per_page: 100, total: 6 });
      const scoped = await h4.admin.request<{ api_key: string; api_secret: string }>('POST', '/api/v1/credentials', {
        credential_name: 'bdg reader',
        branch_id: b2!.id,
      });
      const reader = new ApiClient({
        baseUrl: h4.server.url,
        apiKey: { key: scoped.data.api_key, secret: scoped.data.api_secret },
      });
      expect(
        (await reader.request<Array<{ branch_id: number }>>('GET', '/api/v1/detections')).data.every(
          (d) => d.branch_id === b2!.id,
        ),
      ).toBe(true);
      await expect(reader.detections({ branch_id: b1!.id })).rejects.toMatchObject({ code: 'OUT_OF_SCOPE' });
      // 18:30 UTC on the 20th is 01:30 on the 21st in Jakarta: the site's day
      const counts = await h4.device.request<Array<Record<string, unknown>>>(
        'GET',
        '/api/v1/counting/summary',
        undefined,
        { from: '2026-11-20', to: '2026-11-21' },
      );
      expect(counts.data).toEqual([
        { branch_id: b1!.id, date: '2026-11-21', detections: 4, total_detected_count: 8, unique_persons: 4 },
        { branch_id: b2!.id, date: '2026-11-21', detections: 2, total_detected_count: 4, unique_persons: 2 },
      ]);
      const denied = await fetch(`${h4.server.url}/api/v1/detections`, {
        headers: { 'x-api-key': scoped.data.api_key, 'x-api-secret': 'wrong' },
      });
      expect(denied.status).toBe(401);

      // the log holds every request made with a key (and the refused one), and folds into the summary
      const s = h4.server.services;
      s.requestLog.flush();
      const today = siteDay(Date.now(), s.config.timezone);
      const lines = fs
        .readFileSync(s.requestLog.fileFor(today), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.filter((l) => l.route === '/api/v1/detection/log')).toHaveLength(6);
      expect(lines.filter((l) => l.route === '/api/v1/detections')).toHaveLength(4);
      expect(lines.find((l) => l.status === 401)).toMatchObject({ credential_id: null, route: '/api/v1/detections' });
      expect(lines[0]).toEqual({
        time: expect.any(String),
        credential_id: expect.any(Number),
        api_key: expect.stringMatching(/^pantau_live_/),
        method: 'POST',
        route: '/api/v1/detection/log',
        status: 202,
        response_ms: expect.any(Number),
        bytes: expect.any(Number),
      });
      const r = await s.usage.aggregate(today);
      expect(r).toMatchObject({ lines: lines.length, skipped: 0 });
      const rows = s.db.conn
        .prepare(
          'SELECT credential_id, route, method, request_count, success_count, error_count FROM api_usage_summary WHERE date = ? ORDER BY route, credential_id',
        )
        .all(today);
      expect(rows).toEqual(
        expect.arrayContaining([
          {
            credential_id: h4.server.services.db.conn
              .prepare('SELECT id FROM api_credentials WHERE api_key = ?')
              .pluck()
              .get(h4.credential.key),
            route: '/api/v1/detection/log',
            method: 'POST',
            request_count: 6,
            success_count: 6,
            error_count: 0,
          },
          {
            credential_id: null,
            route: '/api/v1/detections',
            method: 'GET',
            request_count: 1,
            success_count: 0,
            error_count: 1,
          },
        ]),
      );
      // idempotent
      await s.usage.aggregate(today);
      expect(s.db.conn.prepare('SELECT COUNT(*) FROM api_usage_summary WHERE date = ?').pluck().get(today)).toBe(
        rows.length,
      );
    } finally {
      await h4.stop();
    }
  });
});
