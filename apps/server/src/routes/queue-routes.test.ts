/**
 * The queue monitor (issue 5, first part): depths per named queue, failed jobs listed,
 * retried (one and all) and deleted, `queue_stats` broadcast on change, the alert flag.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FailedJob, QueueInfo } from '@pantau/shared';
import { startHarness, waitFor, WsRecorder, type Harness } from '../test-support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ queueAlertThreshold: 5 });
});
afterAll(async () => {
  await h?.stop();
});

/** A failed detection job as the worker leaves it once its retries are spent. */
function failedDetection(reId: string): void {
  const payload = {
    re_id: reId,
    branch_id: h.branches[0]!.id,
    device_id: 'cam-1',
    detected_count: 2,
    detection_timestamp: new Date().toISOString(),
    detection_data: null,
    event_id: null,
    received_at: new Date().toISOString(),
  };
  h.server.services.db.conn
    .prepare(
      `INSERT INTO failed_jobs (job_id, queue, type, payload, attempts, error, failed_at) VALUES (?, 'detections', 'detection.process', ?, 4, 'database locked', ?)`,
    )
    .run(1000 + reId.length, JSON.stringify(payload), new Date().toISOString());
}

describe('queue monitor', () => {
  it('lists every named queue with its numbers', async () => {
    const q = (await h.admin.request<QueueInfo[]>('GET', '/api/v1/queues')).data;
    expect(q.map((x) => x.queue)).toEqual([
      'critical',
      'notifications',
      'detections',
      'images',
      'reports',
      'maintenance',
    ]);
    expect(q.find((x) => x.queue === 'detections')).toMatchObject({
      pending: 0,
      running: 0,
      failed: 0,
      threshold: 5,
      over_threshold: false,
      priority: 2,
      concurrency: 1,
    });
    expect(q.find((x) => x.queue === 'notifications')).toMatchObject({ priority: 1, concurrency: 4 });
  });

  it('retries a failed job (its effect happens once), retries all, deletes, and broadcasts the numbers', async () => {
    const ws = new WsRecorder(h.server.url);
    await ws.opened;
    ws.send({ type: 'auth', token: h.admin.token });
    await waitFor(() => ws.frames.find((f) => f.type === 'ready'), 3000, 'ready');
    failedDetection('retry-me');
    failedDetection('retry-too');
    failedDetection('delete-me');
    h.server.services.queueMonitor.tick();
    await waitFor(() => ws.events().some((e) => e.type === 'queue_stats'), 3000, 'queue_stats');
    const stats = ws
      .events()
      .filter((e) => e.type === 'queue_stats')
      .at(-1)!.data as { queues: Array<{ queue: string; failed: number }> };
    expect(stats.queues.find((q) => q.queue === 'detections')!.failed).toBe(3);

    const failed = (
      await h.admin.request<FailedJob[]>('GET', '/api/v1/failed-jobs', undefined, { queue: 'detections' })
    ).data;
    expect(failed).toHaveLength(3);
    expect(failed[0]).toMatchObject({
      type: 'detection.process',
      attempts: 4,
      error: 'database locked',
      payload: { re_id: 'delete-me' },
    });
    await h.admin.deleteFailedJob(failed[0]!.id);
    await h.admin.retryFailedJob(failed[2]!.id);
    await waitFor(
      async () => (await h.admin.person('retry-me').catch(() => null)) !== null,
      5000,
      'retried job processed',
    );
    expect((await h.admin.person('retry-me')).total_actual_count).toBe(2);
    expect((await h.admin.request<{ retried: number }>('POST', '/api/v1/failed-jobs/retry-all', {})).data.retried).toBe(
      1,
    );
    await waitFor(async () => (await h.admin.person('retry-too').catch(() => null)) !== null, 5000, 'all retried');
    expect((await h.admin.request<FailedJob[]>('GET', '/api/v1/failed-jobs')).data).toEqual([]);
    await expect(h.admin.retryFailedJob(failed[2]!.id)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    ws.close();
  });

  it('flags a queue past its threshold', async () => {
    await h.server.services.worker.stop();
    for (let i = 0; i < 7; i++)
      await h.device.logDetection({
        re_id: `deep-${i}`,
        branch_id: h.branches[0]!.id,
        device_id: 'cam-1',
        detected_count: 1,
      });
    const q = (await h.admin.request<QueueInfo[]>('GET', '/api/v1/queues')).data.find((x) => x.queue === 'detections')!;
    expect(q).toMatchObject({ pending: 7, over_threshold: true, oldest_pending_age_ms: expect.any(Number) });
    h.server.services.worker.start();
    await waitFor(() => h.server.services.queue.stats().pending === 0, 5000, 'drain');
  });
});
