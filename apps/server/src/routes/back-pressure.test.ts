/**
 * Back-pressure on ingestion (issue 11): past the detection queue's backlog limit, or with more
 * detections waiting for their accept commit than the in-flight limit, the server answers 503
 * UNAVAILABLE with `Retry-After` and stores nothing; once it catches up it takes them again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PantauError, type DetectionAccepted } from '@pantau/shared';
import { startHarness, waitFor, type Harness } from '../test-support/harness.js';
import { DetectionRepository } from '../repositories/detection-repository.js';
import { AlarmMatchRepository } from '../repositories/alarm-match-repository.js';
import { AlarmRuleMatcher } from '../services/alarm-rule-matcher.js';
import { DetectionService, type RemoteDetectionStore } from '../services/detection-service.js';
import type { DetectionJobPayload } from '../queue/job-payloads.js';

let h: Harness;
beforeAll(async () => {
  // no worker: the backlog stays where the test puts it
  h = await startHarness({ runWorker: false, intakeLimits: { maxInFlight: 2_000, maxBacklog: 5 } });
});
afterAll(async () => {
  await h?.stop();
});

const counts = () => {
  const db = h.server.services.db.conn;
  const n = (t: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
  return { jobs: n('jobs'), idem: n('detection_idempotency') };
};

describe('back-pressure on POST /detection/log and /detection/batch', () => {
  it('answers 503 with Retry-After past the backlog limit, stores nothing, and takes detections again once it drained', async () => {
    const branch_id = h.branches[0]!.id;
    const body = (i: number) => ({
      re_id: `bp-${i}`,
      branch_id,
      device_id: 'cam-1',
      detected_count: 1,
      event_id: `bp-${i}`,
    });
    for (let i = 0; i < 5; i++) expect((await h.device.raw('POST', '/api/v1/detection/log', body(i))).status).toBe(202);
    // the backlog figure is read at most every 250 ms: let it see the five
    await new Promise((r) => setTimeout(r, 300));
    const before = counts();
    const refused = await h.device.raw('POST', '/api/v1/detection/log', body(5));
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('10');
    expect(refused.body).toMatchObject({
      success: false,
      error: { code: 'UNAVAILABLE', details: { retry_after_s: 10, reason: 'backlog' } },
    });
    const batch = await h.device.raw('POST', '/api/v1/detection/batch', { detections: [body(6), body(7)] });
    expect(batch.status).toBe(503);
    expect(batch.headers.get('retry-after')).toBe('10');
    expect(counts()).toEqual(before);

    // the worker catches up: the refused detection is taken when sent again
    h.server.services.worker.start();
    await waitFor(() => counts().jobs === 0, 5_000, 'queue drained');
    await new Promise((r) => setTimeout(r, 300));
    const again = await h.device.raw('POST', '/api/v1/detection/log', body(5));
    expect(again.status).toBe(202);
    const b2 = await h.device.logDetectionBatch({ detections: [body(6), body(7)] });
    expect(b2.accepted).toBe(2);
  });

  it('refuses with Retry-After: 1 while more detections wait for their accept commit than the in-flight limit', async () => {
    // a store that holds its answers, as a busy detection thread does
    const held: Array<() => void> = [];
    const remote: RemoteDetectionStore & { inFlight: number } = {
      inFlight: 0,
      store(payloads: readonly DetectionJobPayload[]) {
        this.inFlight += payloads.length;
        return new Promise<Array<DetectionAccepted | PantauError>>((resolve) =>
          held.push(() => {
            this.inFlight -= payloads.length;
            resolve(payloads.map((_, i) => ({ status: 'processing', job_id: i + 1 })));
          }),
        );
      },
    };
    const s = h.server.services;
    const svc = new DetectionService(
      new DetectionRepository(s.db.conn),
      s.exec,
      s.queue,
      s.events,
      new AlarmRuleMatcher(new AlarmMatchRepository(s.db.conn)),
      {
        remote,
        limits: { maxInFlight: 3, maxBacklog: 1_000_000 },
      },
    );
    const branch_id = h.branches[0]!.id;
    const credential = { branch_id: null, device_id: null };
    const post = (i: number) =>
      svc.accept(
        { re_id: `if-${i}`, branch_id, device_id: 'cam-1', detected_count: 1, event_id: `if-${i}` },
        credential,
      );
    const first = [post(1), post(2), post(3)];
    await new Promise((r) => setImmediate(r));
    expect(remote.inFlight).toBe(3);
    const err = await post(4).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PantauError);
    expect(err).toMatchObject({ code: 'UNAVAILABLE', details: { retry_after_s: 1, reason: 'in_flight' } });
    // a batch is judged as a whole
    await expect(
      svc.acceptBatch([{ re_id: 'x', branch_id, device_id: 'cam-1', detected_count: 1 }], credential),
    ).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
    for (const release of held.splice(0)) release();
    expect((await Promise.all(first)).map((a) => a.status)).toEqual(['processing', 'processing', 'processing']);
    const later = post(5);
    await new Promise((r) => setImmediate(r));
    for (const release of held.splice(0)) release();
    await expect(later).resolves.toMatchObject({ status: 'processing' });
  });
});
