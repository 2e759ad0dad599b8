import { describe, expect, it } from 'vitest';
import type { Branch, Device, Group, Stream, User } from '@pantau/shared';
import * as f from './form-values.js';
import { compactParams } from './use-list-state.js';
import { changedKeys, dayRange } from './audit-model.js';

const stamp = { created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z' };
const group: Group = {
  id: 1,
  province_code: 'JB',
  province_name: 'Jawa Barat',
  group_name: 'Jabar',
  address: null,
  phone: '022',
  email: null,
  status: 'active',
  branch_count: 2,
  ...stamp,
};
const branch: Branch = {
  id: 5,
  group_id: 1,
  branch_code: 'BDG',
  branch_name: 'Bandung',
  city: 'Bandung',
  timezone: 'Asia/Jakarta',
  address: null,
  latitude: -6.9,
  longitude: null,
  status: 'active',
  device_count: 0,
  camera_count: 0,
  cameras_online: 0,
  ...stamp,
};
const camera: Device = {
  id: 9,
  device_id: 'CAM-1',
  device_name: 'Lobby',
  device_type: 'camera',
  branch_id: 5,
  parent_device_id: 'NVR-1',
  status: 'online',
  last_seen_at: null,
  child_count: 0,
  ...stamp,
};
const stream: Stream = {
  id: 3,
  branch_id: 5,
  device_id: 'CAM-1',
  stream_name: 'Lobby main',
  protocol: 'rtsp',
  main_url: 'rtsp://a/1',
  sub_url: 'rtsp://a/2',
  has_credentials: true,
  resolution: null,
  fps: 25,
  transport: 'tcp',
  status: 'online',
  problem: null,
  media: { main: null, sub: null },
  last_checked_at: null,
  ...stamp,
};
const user: User = {
  id: 4,
  email: 'o@x.id',
  name: 'Op',
  role: 'operator',
  scope_all: false,
  scope_group_ids: [2],
  scope_branch_ids: [7, 5],
  status: 'active',
  last_login_at: null,
  ...stamp,
};

describe('admin form values → API bodies', () => {
  it('creates: trims, leaves blank optionals out, converts ids and numbers', () => {
    expect(
      f.groupCreateBody({
        ...f.groupValues(),
        province_code: ' JT ',
        province_name: 'Jawa Timur',
        group_name: 'Jatim',
        email: '',
      }),
    ).toEqual({
      province_code: 'JT',
      province_name: 'Jawa Timur',
      group_name: 'Jatim',
      address: undefined,
      phone: undefined,
      email: undefined,
    });
    const b = f.branchCreateBody({
      ...f.branchValues(undefined, 1),
      branch_code: 'X',
      branch_name: 'X',
      city: 'Y',
      latitude: '',
      longitude: 106.8,
    });
    expect(b).toMatchObject({ group_id: 1, timezone: 'Asia/Jakarta', latitude: undefined, longitude: 106.8 });
  });

  it('updates: sends only what changed; a blank optional clears it', () => {
    expect(f.groupUpdateBody(f.groupValues(group), group)).toEqual({});
    expect(f.groupUpdateBody({ ...f.groupValues(group), phone: '', status: 'inactive' }, group)).toEqual({
      phone: null,
      status: 'inactive',
    });
    expect(f.branchUpdateBody({ ...f.branchValues(branch), group_id: '2' }, branch)).toEqual({ group_id: 2 });
    expect(f.branchUpdateBody({ ...f.branchValues(branch), latitude: '' }, branch)).toEqual({ latitude: null });
  });

  it('devices: only a camera keeps an NVR parent; maintenance on and off', () => {
    expect(
      f.deviceCreateBody({
        ...f.deviceValues(undefined, 5),
        device_id: 'N',
        device_name: 'N',
        device_type: 'nvr',
        parent_device_id: 'NVR-1',
      }).parent_device_id,
    ).toBeUndefined();
    expect(f.deviceUpdateBody(f.deviceValues(camera), camera)).toEqual({});
    expect(f.deviceUpdateBody({ ...f.deviceValues(camera), maintenance: true }, camera)).toEqual({
      status: 'maintenance',
    });
    const inMaintenance = { ...camera, status: 'maintenance' as const };
    expect(f.deviceUpdateBody({ ...f.deviceValues(inMaintenance), maintenance: false }, inMaintenance)).toEqual({
      status: 'offline',
    });
    expect(f.deviceUpdateBody({ ...f.deviceValues(camera), parent_device_id: null }, camera)).toEqual({
      parent_device_id: null,
    });
  });

  it('streams: credentials are write-only — blank keeps them, clear removes the password', () => {
    const v = f.streamValues(stream);
    expect(v.username).toBe('');
    expect(v.password).toBe('');
    expect(f.streamUpdateBody(v, stream)).toEqual({});
    expect(f.streamUpdateBody({ ...v, password: 'new-secret' }, stream)).toEqual({ password: 'new-secret' });
    expect(f.streamUpdateBody({ ...v, clear_password: true, password: 'ignored' }, stream)).toEqual({ password: null });
    expect(f.streamUpdateBody({ ...v, username: 'admin', sub_url: '' }, stream)).toEqual({
      username: 'admin',
      sub_url: null,
    });
    expect(
      f.streamCreateBody({
        ...f.streamValues(undefined, 5),
        device_id: 'CAM-1',
        stream_name: 'S',
        main_url: 'rtsp://x',
        fps: '',
      }),
    ).toMatchObject({
      branch_id: 5,
      device_id: 'CAM-1',
      username: undefined,
      password: undefined,
      fps: undefined,
    });
  });

  it('users: scope "all" drops the chosen groups and branches; ids compared as sets', () => {
    expect(f.userUpdateBody(f.userValues(user), user)).toEqual({});
    expect(f.userUpdateBody({ ...f.userValues(user), scope_all: true }, user)).toEqual({
      scope_all: true,
      scope_group_ids: [],
      scope_branch_ids: [],
    });
    expect(f.userUpdateBody({ ...f.userValues(user), scope_branch_ids: ['5'] }, user)).toEqual({
      scope_branch_ids: [5],
    });
    expect(
      f.userCreateBody({ ...f.userValues(), email: 'a@b.cd', name: 'A', password: 'p', scope_branch_ids: ['9', '3'] }),
    ).toMatchObject({ role: 'operator', scope_all: false, scope_branch_ids: [3, 9] });
  });
});

describe('list and audit helpers', () => {
  it('drops empty query parameters', () => {
    expect(compactParams({ page: 1, q: '', group_id: undefined, status: null, device_type: 'nvr' })).toEqual({
      page: 1,
      device_type: 'nvr',
    });
  });

  it('turns a day range into ISO instants covering whole days', () => {
    const r = dayRange('2026-11-01', '2026-11-02');
    expect(new Date(r.from!).getTime()).toBe(new Date('2026-11-01T00:00:00.000').getTime());
    expect(new Date(r.to!).getTime()).toBe(new Date('2026-11-02T23:59:59.999').getTime());
    expect(dayRange(null, null)).toEqual({});
    expect(dayRange('2026-11-01', null)).toEqual({ from: r.from });
  });

  it('names the fields an audit entry changed', () => {
    expect(changedKeys({ a: 1, b: [1], c: 'x' }, { a: 1, b: [2], d: true })).toEqual(['b', 'c', 'd']);
    expect(changedKeys(null, { a: 1 })).toEqual(['a']);
  });
});
