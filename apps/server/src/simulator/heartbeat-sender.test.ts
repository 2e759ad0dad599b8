/**
 * The simulator's heartbeat sender against a real server: the cameras it reports go online,
 * it keeps to a third of a short server timeout so they stay online, and after stop() it
 * sends nothing more; failures are counted without stopping it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '@pantau/shared';
import { startHarness, waitFor, type Harness } from '../test-support/harness.js';
import { cameraHeartbeats, MIN_HEARTBEAT_INTERVAL_MS, startHeartbeatSender } from './heartbeat-sender.js';

let h: Harness;
beforeAll(async () => {
  // 3 s timeout: the sender must speed up from its 60 s interval to 1 s
  h = await startHarness({ heartbeatTimeoutMs: 3_000 });
});
afterAll(async () => {
  await h?.stop();
});

const statusOf = async (deviceId: string) =>
  (await h.admin.listDevices()).find((d) => d.device_id === deviceId)?.status;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('startHeartbeatSender', () => {
  it('brings the reported cameras online and beats at a third of the server timeout while running', async () => {
    const cams = h.devices.filter((d) => d.device_type === 'camera');
    expect(cams.length).toBe(2);
    for (const c of cams) expect(await statusOf(c.device_id)).toBe('offline');
    const sender = startHeartbeatSender({ client: h.device, reports: cameraHeartbeats(cams), intervalMs: 60_000 });
    try {
      await sender.settled();
      expect(sender.stats()).toMatchObject({ rounds: 1, sent: 2, failed: 0, intervalMs: 1_000 });
      for (const c of cams) expect(await statusOf(c.device_id)).toBe('online');
      const seen = (await h.admin.listDevices()).find((d) => d.device_id === cams[0]!.device_id)!.last_seen_at!;
      await waitFor(() => sender.stats().rounds >= 3, 5_000, 'three rounds');
      const later = (await h.admin.listDevices()).find((d) => d.device_id === cams[0]!.device_id)!.last_seen_at!;
      expect(Date.parse(later)).toBeGreaterThan(Date.parse(seen));
    } finally {
      await sender.stop();
    }
    const rounds = sender.stats().rounds;
    await sleep(1_300);
    expect(sender.stats().rounds).toBe(rounds);
  });

  it('asks a report function every round, so a camera switched off falls silent and goes offline', async () => {
    const cams = h.devices.filter((d) => d.device_type === 'camera');
    const on = new Set(cams.map((c) => c.device_id));
    const sender = startHeartbeatSender({
      client: h.device,
      reports: () => cameraHeartbeats(cams.filter((c) => on.has(c.device_id))),
      intervalMs: 500,
    });
    try {
      await waitFor(
        async () =>
          (await statusOf(cams[0]!.device_id)) === 'online' && (await statusOf(cams[1]!.device_id)) === 'online',
        5_000,
        'both online',
      );
      on.delete(cams[0]!.device_id);
      await waitFor(
        async () => (await statusOf(cams[0]!.device_id)) === 'offline',
        10_000,
        'the silent camera offline',
      );
      expect(await statusOf(cams[1]!.device_id)).toBe('online');
      on.add(cams[0]!.device_id);
      await waitFor(async () => (await statusOf(cams[0]!.device_id)) === 'online', 5_000, 'back online');
    } finally {
      await sender.stop();
    }
  });

  it('counts refused heartbeats and keeps going', async () => {
    const bad = new ApiClient({ baseUrl: h.server.url, apiKey: { key: 'pantau_live_nope', secret: 'wrong' } });
    const warnings: object[] = [];
    const sender = startHeartbeatSender({
      client: bad,
      reports: [{ device_id: 'cam-1' }],
      intervalMs: MIN_HEARTBEAT_INTERVAL_MS,
      logger: { warn: (o) => warnings.push(o) },
    });
    try {
      await waitFor(() => sender.stats().rounds >= 2, 5_000, 'two rounds');
      expect(sender.stats()).toMatchObject({ sent: 0, intervalMs: MIN_HEARTBEAT_INTERVAL_MS });
      expect(sender.stats().failed).toBeGreaterThanOrEqual(2);
      expect(warnings[0]).toMatchObject({ err: { code: 'INVALID_CREDENTIALS' } });
    } finally {
      await sender.stop();
    }
  });

  it('refuses an empty report list or a bad interval', () => {
    expect(() => startHeartbeatSender({ client: h.device, reports: [] })).toThrow(RangeError);
    expect(() => startHeartbeatSender({ client: h.device, reports: [{ device_id: 'cam-1' }], intervalMs: 0 })).toThrow(
      RangeError,
    );
  });
});
