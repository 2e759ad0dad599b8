/**
 * Detection ingestion end to end inside one server: 202 after commit, the worker's
 * transaction, person counters, idempotency, and bad input that changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PantauError } from '@pantau/shared';
import { startHarness, waitFor, type Harness } from '../test-support/harness.js';
import { SYSTEM } from '../services/auth-service.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const counts = () => {
  const db = h.server.services.db.conn;
  const n = (t: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
  return {
    jobs: n('jobs'),
    detections: n('re_id_branch_detections'),
    events: n('event_logs'),
    idem: n('detection_idempotency'),
  };
};
const drained = () => waitFor(() => counts().jobs === 0, 5000, 'queue drained');

describe('POST /api/v1/detection/log', () => {
  it('answers 202 with a job id, and the worker applies the detection with correct counters', async () => {
    const [jkt, bdg] = h.branches;
    const post = (
      branch_id: number,
      device_id: string,
      detected_count: number,
      detection_timestamp: string,
      event_id: string,
    ) =>
      h.device.logDetection({ re_id: 'person-A', branch_id, device_id, detected_count, detection_timestamp, event_id });
    const r1 = await post(jkt!.id, 'cam-1', 2, '2026-11-20T10:00:00.000+07:00', 'e-1');
    expect(r1.status).toBe(202);
    expect(r1.data).toEqual({ status: 'processing', job_id: expect.any(Number) });
    // arrives later but happened earlier: first_detected_at must follow detection time, not arrival
    await post(bdg!.id, 'cam-2', 3, '2026-11-20T08:30:00.000+07:00', 'e-2');
    await post(jkt!.id, 'cam-1', 1, '2026-11-20T12:00:00.000+07:00', 'e-3');
    await drained();
    const p = await h.admin.person('person-A');
    expect(p.total_actual_count).toBe(6);
    expect(p.total_detection_branch_count).toBe(2);
    expect(p.first_detected_at).toBe('2026-11-20T01:30:00.000Z');
    expect(p.last_detected_at).toBe('2026-11-20T05:00:00.000Z');
    expect(p.branches).toEqual([
      {
        branch_id: jkt!.id,
        branch_name: 'Jakarta Pusat',
        detection_count: 2,
        total_detected_count: 3,
        first_detection: '2026-11-20T03:00:00.000Z',
        last_detection: '2026-11-20T05:00:00.000Z',
      },
      {
        branch_id: bdg!.id,
        branch_name: 'Bandung Kota',
        detection_count: 1,
        total_detected_count: 3,
        first_detection: '2026-11-20T01:30:00.000Z',
        last_detection: '2026-11-20T01:30:00.000Z',
      },
    ]);
    const events = await h.admin.listEvents({ limit: 10 });
    expect(events.map((e) => e.re_id)).toEqual(['person-A', 'person-A', 'person-A']);
    expect(events[0]!.id).toBeGreaterThan(events[1]!.id);
    expect(events[0]).toMatchObject({ device_name: 'Lobby', branch_name: 'Jakarta Pusat', detected_count: 1 });
  });

  it('answers a repeated event_id with 200 duplicate and the same job, counting it once', async () => {
    const body = {
      re_id: 'person-B',
      branch_id: h.branches[0]!.id,
      device_id: 'cam-1',
      detected_count: 4,
      event_id: 'dup-1',
    };
    const first = await h.device.logDetection(body);
    const again = await h.device.logDetection({ ...body, detected_count: 9 });
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(again.data).toEqual({ status: 'duplicate', job_id: first.data.job_id });
    await drained();
    expect((await h.admin.person('person-B')).total_actual_count).toBe(4);
    // the same event_id from another device is another event
    const other = await h.device.logDetection({ ...body, branch_id: h.branches[1]!.id, device_id: 'cam-2' });
    expect(other.status).toBe(202);
  });

  it('settles each detection of one group commit on its own: good ones accepted, bad ones refused, repeats duplicate', async () => {
    const b = h.branches[0]!.id;
    const results = await Promise.all([
      h.device.logDetection({ re_id: 'group-1', branch_id: b, device_id: 'cam-1', detected_count: 1, event_id: 'g-1' }),
      h.device
        .logDetection({ re_id: 'group-2', branch_id: 999, device_id: 'cam-1', detected_count: 1, event_id: 'g-2' })
        .catch((e: PantauError) => e.code),
      h.device.logDetection({ re_id: 'group-1', branch_id: b, device_id: 'cam-1', detected_count: 1, event_id: 'g-1' }),
      h.device.logDetection({ re_id: 'group-3', branch_id: b, device_id: 'cam-1', detected_count: 2, event_id: 'g-3' }),
    ]);
    expect(results.map((r) => (typeof r === 'string' ? r : r.status))).toEqual([202, 'UNKNOWN_BRANCH', 200, 202]);
    await drained();
    expect((await h.admin.person('group-1')).total_actual_count).toBe(1);
    expect((await h.admin.person('group-3')).total_actual_count).toBe(2);
  });

  const valid = () => ({ re_id: 'person-C', branch_id: h.branches[0]!.id, device_id: 'cam-1', detected_count: 1 });
  const badBodies: Array<[string, () => unknown, string, string]> = [
    ['missing re_id', () => ({ ...valid(), re_id: undefined }), 'VALIDATION_ERROR', 're_id'],
    ['re_id longer than 128', () => ({ ...valid(), re_id: 'x'.repeat(129) }), 'VALIDATION_ERROR', 're_id'],
    ['detected_count 0', () => ({ ...valid(), detected_count: 0 }), 'VALIDATION_ERROR', 'detected_count'],
    ['detected_count 1.5', () => ({ ...valid(), detected_count: 1.5 }), 'VALIDATION_ERROR', 'detected_count'],
    ['detected_count as string', () => ({ ...valid(), detected_count: '2' }), 'VALIDATION_ERROR', 'detected_count'],
    ['branch_id as string', () => ({ ...valid(), branch_id: 'one' }), 'VALIDATION_ERROR', 'branch_id'],
    [
      'timestamp not ISO',
      () => ({ ...valid(), detection_timestamp: 'yesterday' }),
      'VALIDATION_ERROR',
      'detection_timestamp',
    ],
    [
      'timestamp in the future',
      () => ({ ...valid(), detection_timestamp: new Date(Date.now() + 3600_000).toISOString() }),
      'VALIDATION_ERROR',
      'detection_timestamp',
    ],
    ['event_id longer than 128', () => ({ ...valid(), event_id: 'e'.repeat(129) }), 'VALIDATION_ERROR', 'event_id'],
    [
      'detection_data too big',
      () => ({ ...valid(), detection_data: { blob: 'x'.repeat(17_000) } }),
      'VALIDATION_ERROR',
      'detection_data',
    ],
    [
      'detection_data not an object',
      () => ({ ...valid(), detection_data: [1, 2] }),
      'VALIDATION_ERROR',
      'detection_data',
    ],
    ['unknown branch', () => ({ ...valid(), branch_id: 999 }), 'UNKNOWN_BRANCH', 'branch_id'],
    ['unknown device', () => ({ ...valid(), device_id: 'cam-x' }), 'UNKNOWN_DEVICE', 'device_id'],
    ['device of another branch', () => ({ ...valid(), device_id: 'cam-2' }), 'DEVICE_BRANCH_MISMATCH', 'device_id'],
  ];
  it.each(badBodies)('refuses %s with a code and the field, and stores nothing', async (_name, body, code, field) => {
    await drained();
    const before = counts();
    const err = await h.device.request('POST', '/api/v1/detection/log', body()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PantauError);
    expect((err as PantauError).code).toBe(code);
    expect((err as PantauError).details?.field).toBe(field);
    expect(counts()).toEqual(before);
  });

  it('refuses malformed JSON, a wrong content type and an oversized body', async () => {
    const url = `${h.server.url}/api/v1/detection/log`;
    const headers = { 'x-api-key': h.credential.key, 'x-api-secret': h.credential.secret };
    const before = counts();
    const bad = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: '{"re_id": ',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('INVALID_JSON');
    const xml = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/xml' },
      body: '<x/>',
    });
    expect(xml.status).toBe(415);
    expect(((await xml.json()) as { error: { code: string } }).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const big = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ pad: 'x'.repeat(70_000) }),
    });
    expect(big.status).toBe(413);
    expect(counts()).toEqual(before);
  });

  it('refuses missing, unknown, wrong and expired credentials with 401', async () => {
    const url = `${h.server.url}/api/v1/detection/log`;
    const body = JSON.stringify(valid());
    const post = (headers: Record<string, string>) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const none = await post({});
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: unknown }).error).toMatchObject({
      code: 'UNAUTHENTICATED',
      details: { field: 'X-API-Key' },
    });
    expect((await post({ 'x-api-key': 'pantau_live_nope', 'x-api-secret': 'x' })).status).toBe(401);
    expect((await post({ 'x-api-key': h.credential.key, 'x-api-secret': 'wrong' })).status).toBe(401);
    const expiring = h.server.services.credentials.create(
      { credential_name: 'short', expires_at: new Date(Date.now() + 300).toISOString() },
      SYSTEM,
    );
    expect((await post({ 'x-api-key': expiring.api_key, 'x-api-secret': expiring.api_secret })).status).toBe(202);
    await new Promise((r) => setTimeout(r, 400));
    const expired = await post({ 'x-api-key': expiring.api_key, 'x-api-secret': expiring.api_secret });
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { error: { code: string } }).error.code).toBe('CREDENTIAL_EXPIRED');
  });
});

describe('idempotency window', () => {
  it('forgets event_ids older than the window, oldest first, and keeps the younger ones as duplicates', async () => {
    const branch_id = h.branches[0]!.id;
    const body = (event_id: string) => ({
      re_id: 'person-W',
      branch_id,
      device_id: 'cam-1',
      detected_count: 1,
      event_id,
    });
    expect((await h.device.logDetection(body('w-old'))).status).toBe(202);
    expect((await h.device.logDetection(body('w-new'))).status).toBe(202);
    await drained();
    const db = h.server.services.db.conn;
    db.prepare(`UPDATE detection_idempotency SET created_at = ? WHERE event_id = 'w-old'`).run(
      new Date(Date.now() - 8 * 86_400_000).toISOString(),
    );
    expect(h.server.services.detections.pruneIdempotency(7)).toBe(1);
    expect(db.prepare(`SELECT event_id FROM detection_idempotency WHERE event_id LIKE 'w-%'`).pluck().all()).toEqual([
      'w-new',
    ]);
    // within the window a resend is still a duplicate
    expect((await h.device.logDetection(body('w-new'))).data.status).toBe('duplicate');
    expect(h.server.services.detections.pruneIdempotency(7)).toBe(0);
  });
});
