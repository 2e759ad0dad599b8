import { describe, expect, it } from 'vitest';
import type { Device, RealtimeEvent, Stream } from '@pantau/shared';
import {
  applyDeviceEvents,
  applyStreamEvents,
  filterFleet,
  fleetRows,
  fleetStatus,
  relativeTime,
  STALE_CHANGE_MS,
  statusChanges,
  summarise,
} from './fleet-model.js';

const T0 = '2026-11-21T08:00:00.000Z';
let nextId = 1;
function device(device_id: string, over: Partial<Device> = {}): Device {
  return {
    id: nextId++,
    device_id,
    device_name: device_id.toUpperCase(),
    device_type: 'camera',
    branch_id: 1,
    parent_device_id: null,
    status: 'online',
    last_seen_at: T0,
    child_count: 0,
    created_at: T0,
    updated_at: T0,
    ...over,
  };
}
function stream(id: number, device_id: string, over: Partial<Stream> = {}): Stream {
  return {
    id,
    branch_id: 1,
    device_id,
    stream_name: `s${id}`,
    protocol: 'rtsp',
    main_url: 'rtsp://x/1',
    sub_url: null,
    has_credentials: false,
    resolution: '640x360',
    fps: 25,
    transport: 'tcp',
    status: 'online',
    problem: null,
    media: { main: null, sub: null },
    last_checked_at: T0,
    created_at: T0,
    updated_at: T0,
    ...over,
  };
}
let eventId = 1;
const ev = <K extends RealtimeEvent['type']>(type: K, data: Extract<RealtimeEvent, { type: K }>['data'], ts = T0) =>
  ({ id: eventId++, type, channel: 'branch:1', ts, data }) as RealtimeEvent;

describe('fleet status', () => {
  it('calls an offline device that never reported unknown', () => {
    expect(fleetStatus({ status: 'offline', last_seen_at: null })).toBe('unknown');
    expect(fleetStatus({ status: 'offline', last_seen_at: T0 })).toBe('offline');
    expect(fleetStatus({ status: 'maintenance', last_seen_at: null })).toBe('maintenance');
    expect(fleetStatus({ status: 'online', last_seen_at: T0 })).toBe('online');
  });

  it('applies NVR and camera status events, moving last seen on online only, and keeps the array when nothing changes', () => {
    const list = [
      device('nvr-1', { device_type: 'nvr', status: 'offline', last_seen_at: null }),
      device('cam-1'),
      device('cam-2'),
    ];
    const later = '2026-11-21T08:05:00.000Z';
    const out = applyDeviceEvents(list, [
      ev('nvr_online', { device_id: 'nvr-1', branch_id: 1 }, later),
      ev('camera_status_update', { device_id: 'cam-1', branch_id: 1, status: 'offline' }, later),
      ev('camera_status_update', { device_id: 'cam-9', branch_id: 1, status: 'offline' }, later),
    ]);
    expect(out).not.toBe(list);
    expect(out.map((d) => [d.device_id, d.status, d.last_seen_at])).toEqual([
      ['nvr-1', 'online', later],
      ['cam-1', 'offline', T0],
      ['cam-2', 'online', T0],
    ]);
    expect(out[2]).toBe(list[2]);
    // the same state again, or unrelated events: the very same array
    expect(
      applyDeviceEvents(out, [ev('camera_status_update', { device_id: 'cam-1', branch_id: 1, status: 'offline' })]),
    ).toBe(out);
    expect(applyDeviceEvents(out, [ev('queue_stats', { queues: [] })])).toBe(out);
    // the last event of a batch wins
    const flapped = applyDeviceEvents(out, [
      ev('nvr_offline', { device_id: 'nvr-1', branch_id: 1 }),
      ev('nvr_online', { device_id: 'nvr-1', branch_id: 1 }, later),
    ]);
    expect(flapped[0]!.status).toBe('online');
  });

  it('applies what the gateway knows of the main stream: a known problem (401), and live again', () => {
    const list = [stream(1, 'cam-1')];
    const at = '2026-11-21T08:10:00.000Z';
    const wrong = applyStreamEvents(list, [
      ev('stream_status', {
        stream_id: 1,
        quality: 'main',
        status: 'reconnecting',
        since: at,
        source: 'gateway',
        problem: 'unauthorized',
      }),
    ]);
    expect(wrong[0]).toMatchObject({ status: 'offline', problem: 'unauthorized', last_checked_at: at });
    // the substream's word is not the main stream's
    expect(
      applyStreamEvents(wrong, [
        ev('stream_status', { stream_id: 1, quality: 'sub', status: 'online', since: at, source: 'gateway' }),
      ]),
    ).toBe(wrong);
    const back = applyStreamEvents(wrong, [
      ev('stream_status', { stream_id: 1, quality: 'main', status: 'online', since: T0, source: 'gateway' }),
    ]);
    expect(back[0]).toMatchObject({ status: 'online', problem: null });
  });

  it('applies only the probe’s stream status, not the gateway’s viewer states', () => {
    const list = [stream(1, 'cam-1'), stream(2, 'cam-2')];
    const at = '2026-11-21T08:10:00.000Z';
    expect(
      applyStreamEvents(list, [
        ev('stream_status', { stream_id: 1, quality: 'main', status: 'reconnecting', since: at, source: 'gateway' }),
      ]),
    ).toBe(list);
    const out = applyStreamEvents(list, [
      ev('stream_status', {
        stream_id: 2,
        quality: 'main',
        status: 'offline',
        since: at,
        source: 'probe',
        error: 'timeout',
      }),
    ]);
    expect(out.map((s) => [s.id, s.status, s.last_checked_at])).toEqual([
      [1, 'online', T0],
      [2, 'offline', at],
    ]);
  });

  it('counts NVRs, cameras and edge boxes by status', () => {
    const s = summarise([
      device('n1', { device_type: 'nvr' }),
      device('n2', { device_type: 'nvr', status: 'offline' }),
      device('c1'),
      device('c2', { status: 'offline' }),
      device('c3', { status: 'offline', last_seen_at: null }),
      device('c4', { status: 'maintenance' }),
      device('e1', { device_type: 'edge' }),
    ]);
    expect(s.nvrs).toEqual({ online: 1, offline: 1, unknown: 0, maintenance: 0, total: 2 });
    expect(s.cameras).toEqual({ online: 1, offline: 1, unknown: 1, maintenance: 1, total: 4 });
    expect(s.edges.total).toBe(1);
  });

  it('filters by group (through the branch), branch and board status', () => {
    const list = [
      device('a', { branch_id: 1 }),
      device('b', { branch_id: 2, status: 'offline' }),
      device('c', { branch_id: 3, status: 'offline', last_seen_at: null }),
    ];
    const groupOf = new Map([
      [1, 10],
      [2, 10],
      [3, 20],
    ]);
    expect(filterFleet(list, { group_id: 10 }, groupOf).map((d) => d.device_id)).toEqual(['a', 'b']);
    expect(filterFleet(list, { branch_id: 3 }, groupOf).map((d) => d.device_id)).toEqual(['c']);
    expect(filterFleet(list, { status: 'offline' }, groupOf).map((d) => d.device_id)).toEqual(['b']);
    expect(filterFleet(list, { status: 'unknown' }, groupOf).map((d) => d.device_id)).toEqual(['c']);
    expect(filterFleet(list, { group_id: 20, status: 'online' }, groupOf)).toEqual([]);
  });

  it('orders rows by branch, each NVR followed by its cameras, and attaches streams', () => {
    const list = [
      device('cam-z', { device_name: 'Zeta', branch_id: 1 }),
      device('cam-b', { device_name: 'Beta', branch_id: 1, parent_device_id: 'nvr-1' }),
      device('nvr-1', { device_name: 'Recorder', device_type: 'nvr', branch_id: 1 }),
      device('cam-a', { device_name: 'Alpha', branch_id: 1, parent_device_id: 'nvr-1' }),
      device('cam-x', { device_name: 'Aardvark', branch_id: 2 }),
      device('cam-o', { device_name: 'Orphan', branch_id: 1, parent_device_id: 'nvr-gone' }),
    ];
    const names = new Map([
      [1, 'Bandung'],
      [2, 'Aceh'],
    ]);
    const rows = fleetRows(
      list,
      [stream(7, 'cam-a'), stream(8, 'cam-a', { status: 'unknown' })],
      (id) => names.get(id) ?? '',
    );
    expect(rows.map((r) => [r.device.device_id, r.nested])).toEqual([
      ['cam-x', false],
      ['nvr-1', false],
      ['cam-a', true],
      ['cam-b', true],
      ['cam-o', false],
      ['cam-z', false],
    ]);
    expect(rows.find((r) => r.device.device_id === 'cam-a')!.streams.map((s) => s.id)).toEqual([7, 8]);
  });

  it('says how long ago, in English and Indonesian, and "never" is null', () => {
    const now = Date.parse(T0);
    expect(relativeTime(T0, now, 'en-GB')).toBe('now');
    expect(relativeTime('2026-11-21T07:59:48.000Z', now, 'en-GB')).toBe('12 seconds ago');
    expect(relativeTime('2026-11-21T07:57:00.000Z', now, 'en-GB')).toBe('3 minutes ago');
    expect(relativeTime('2026-11-21T05:00:00.000Z', now, 'en-GB')).toBe('3 hours ago');
    expect(relativeTime('2026-11-19T08:00:00.000Z', now, 'en-GB')).toBe('2 days ago');
    expect(relativeTime('2026-11-21T07:57:00.000Z', now, 'id-ID')).toBe('3 menit yang lalu');
    expect(relativeTime('2026-11-21T08:00:05.000Z', now, 'en-GB')).toBe('now');
    expect(relativeTime(null, now, 'en-GB')).toBeNull();
  });

  it('picks the offline and back-online changes worth a toast: newest per device, no maintenance, no old replays', () => {
    const now = Date.parse(T0) + 1_000;
    const old = new Date(Date.parse(T0) - STALE_CHANGE_MS).toISOString();
    const c = statusChanges(
      [
        ev('nvr_offline', { device_id: 'nvr-1', branch_id: 1 }),
        ev('camera_status_update', { device_id: 'cam-1', branch_id: 1, status: 'offline' }),
        ev('camera_status_update', { device_id: 'cam-2', branch_id: 2, status: 'offline' }),
        ev('camera_status_update', { device_id: 'cam-2', branch_id: 2, status: 'online' }),
        ev('camera_status_update', { device_id: 'cam-3', branch_id: 1, status: 'maintenance' }),
        ev('camera_status_update', { device_id: 'cam-4', branch_id: 1, status: 'offline' }, old),
        ev('stats_updated', { branch_id: 1, cameras_online: 3 }),
      ],
      now,
    );
    expect(c.offline).toEqual([
      { device_id: 'nvr-1', branch_id: 1, nvr: true },
      { device_id: 'cam-1', branch_id: 1, nvr: false },
    ]);
    expect(c.online).toEqual([{ device_id: 'cam-2', branch_id: 2, nvr: false }]);
  });
});
