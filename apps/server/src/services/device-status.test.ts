/**
 * Heartbeats (issue 4) with a controllable clock: a device silent past the timeout goes
 * offline, an offline NVR takes its cameras with it, every change is recorded and broadcast,
 * and the heartbeat route keeps devices online.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PantauError } from '@pantau/shared';
import { startHarness, waitFor, WsRecorder, type Harness } from '../test-support/harness.js';
import { DeviceStatusRepository } from '../repositories/device-status-repository.js';
import { DeviceStatusService } from './device-status-service.js';

let h: Harness;
let clock = Date.parse('2026-11-21T08:00:00Z');
let svc: DeviceStatusService;
beforeAll(async () => {
  h = await startHarness();
  const b1 = h.branches[0]!.id;
  await h.admin.createDevice({ device_id: 'nvr-1', device_name: 'NVR', device_type: 'nvr', branch_id: b1 });
  await h.admin.createDevice({
    device_id: 'cam-n1',
    device_name: 'Cam A',
    device_type: 'camera',
    branch_id: b1,
    parent_device_id: 'nvr-1',
  });
  await h.admin.createDevice({
    device_id: 'cam-n2',
    device_name: 'Cam B',
    device_type: 'camera',
    branch_id: b1,
    parent_device_id: 'nvr-1',
  });
  const s = h.server.services;
  svc = new DeviceStatusService(new DeviceStatusRepository(s.db.kysely, s.exec), s.exec, s.events, 60_000, () => clock);
});
afterAll(async () => {
  await h?.stop();
});

const status = (id: string) =>
  h.server.services.db.conn.prepare('SELECT status FROM device_masters WHERE device_id = ?').pluck().get(id);
const credential = { branch_id: null, device_id: null };

describe('device status', () => {
  it('keeps a device online while it beats, and takes it offline after 60 s of silence', () => {
    svc.heartbeat({ device_id: 'cam-1' }, credential);
    expect(status('cam-1')).toBe('online');
    clock += 59_000;
    expect(svc.sweep()).toEqual([]);
    svc.heartbeat({ device_id: 'cam-1' }, credential);
    clock += 59_000;
    expect(svc.sweep()).toEqual([]);
    clock += 2_000;
    expect(svc.sweep()).toEqual(['cam-1']);
    expect(status('cam-1')).toBe('offline');
    const history = h.server.services.db.conn
      .prepare("SELECT from_status, to_status, reason FROM device_status_history WHERE device_id = 'cam-1' ORDER BY id")
      .all();
    expect(history).toEqual([
      { from_status: 'offline', to_status: 'online', reason: 'heartbeat' },
      { from_status: 'online', to_status: 'offline', reason: 'heartbeat timeout' },
    ]);
  });

  it('takes the cameras of an NVR that went silent offline with it, and broadcasts each change', async () => {
    const ws = new WsRecorder(h.server.url);
    await ws.opened;
    ws.send({ type: 'auth', token: h.admin.token });
    await waitFor(() => ws.frames.find((f) => f.type === 'ready'), 3000, 'ready');
    svc.heartbeat(
      {
        device_id: 'nvr-1',
        cameras: [
          { device_id: 'cam-n1', status: 'online' },
          { device_id: 'cam-n2', status: 'online' },
        ],
      },
      credential,
    );
    expect([status('nvr-1'), status('cam-n1'), status('cam-n2')]).toEqual(['online', 'online', 'online']);
    clock += 61_000;
    expect(svc.sweep().sort()).toEqual(['cam-n1', 'cam-n2', 'nvr-1']);
    expect([status('nvr-1'), status('cam-n1'), status('cam-n2')]).toEqual(['offline', 'offline', 'offline']);
    const reasons = h.server.services.db.conn
      .prepare(
        "SELECT device_id, reason FROM device_status_history WHERE to_status = 'offline' AND device_id LIKE 'cam-n%' ORDER BY device_id",
      )
      .all();
    expect(reasons).toEqual([
      { device_id: 'cam-n1', reason: 'NVR nvr-1 offline' },
      { device_id: 'cam-n2', reason: 'NVR nvr-1 offline' },
    ]);
    await waitFor(() => ws.events().some((e) => e.type === 'nvr_offline'), 3000, 'nvr_offline');
    const types = ws.events().map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['nvr_online', 'camera_status_update', 'stats_updated', 'nvr_offline']),
    );
    const stats = ws
      .events()
      .filter((e) => e.type === 'stats_updated')
      .at(-1)!.data as Record<string, number>;
    expect(stats).toMatchObject({ branch_id: h.branches[0]!.id, nvrs_offline: 1, cameras_offline: expect.any(Number) });
    ws.close();
  });

  it('refuses unknown devices, cameras of another branch and out-of-scope credentials', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
        return 'OK';
      } catch (e) {
        return `${(e as PantauError).code}:${String((e as PantauError).details?.field)}`;
      }
    };
    expect(code(() => svc.heartbeat({ device_id: 'ghost' }, credential))).toBe('UNKNOWN_DEVICE:device_id');
    expect(
      code(() =>
        svc.heartbeat({ device_id: 'nvr-1', cameras: [{ device_id: 'cam-2', status: 'online' }] }, credential),
      ),
    ).toBe('VALIDATION_ERROR:cameras.0.device_id');
    expect(code(() => svc.heartbeat({ device_id: 'cam-1' }, { branch_id: h.branches[1]!.id, device_id: null }))).toBe(
      'OUT_OF_SCOPE:device_id',
    );
    expect(status('nvr-1')).toBe('offline'); // the refused heartbeat changed nothing
  });

  it('answers POST /api/v1/devices/heartbeat with the timeout and the cameras reported', async () => {
    const r = await h.device.heartbeat({
      device_id: 'nvr-1',
      cameras: [{ device_id: 'cam-n1', status: 'online' }],
    });
    expect(r).toEqual({
      device_id: 'nvr-1',
      status: 'online',
      timeout_s: 60,
      cameras: [{ device_id: 'cam-n1', status: 'online' }],
    });
    expect(
      (await h.admin.branchesPage({})).items.find((b) => b.id === h.branches[0]!.id)!.cameras_online,
    ).toBeGreaterThanOrEqual(1);
  });
});
