import { describe, expect, it } from 'vitest';
import type { CameraTreeGroup, Layout } from '@pantau/shared';
import { branchTimeZones, cameraCounts, filterTree, positionOf, wallIndex } from './camera-tree-model.js';
import { allowedViews, defaultView, hashNamesView, viewFromHash } from '../../stores/nav-store.js';

const cam = (device_id: string, status: 'online' | 'offline' | 'maintenance', streamId: number) => ({
  device_id,
  device_name: `Cam ${device_id}`,
  status,
  streams: [{ id: streamId, stream_name: 's', status: 'online' as const, problem: null }],
});
const tree: CameraTreeGroup[] = [
  {
    id: 1,
    group_name: 'Jawa Barat',
    province_code: 'JB',
    branches: [
      {
        id: 10,
        branch_name: 'Bandung',
        branch_code: 'BDG',
        timezone: 'Asia/Jakarta',
        nvrs: [
          {
            device_id: 'NVR',
            device_name: 'Lobby NVR',
            status: 'online',
            cameras: [cam('A', 'online', 1), cam('B', 'offline', 2)],
          },
        ],
        cameras: [cam('C', 'maintenance', 3)],
      },
    ],
  },
  {
    id: 2,
    group_name: 'Sulawesi',
    province_code: 'SS',
    branches: [
      {
        id: 20,
        branch_name: 'Makassar',
        branch_code: 'MKS',
        timezone: 'Asia/Makassar',
        nvrs: [],
        cameras: [cam('D', 'online', 4)],
      },
    ],
  },
];
const position = (n: number, stream_id: number, device_id: string, is_enabled = true) => ({
  position_number: n,
  stream_id,
  device_id,
  is_enabled,
  position_name: null,
  quality: 'sub' as const,
  stream_name: 's',
  protocol: 'rtsp' as const,
  branch_id: 10,
  branch_name: 'b',
  row: 1,
  col: n,
  row_span: 1,
  col_span: 1,
  patrol: null,
});
const layout: Layout = {
  id: 1,
  layout_name: 'L',
  layout_type: '4',
  grid_rows: 2,
  grid_cols: 2,
  visibility: 'shared',
  live_mode: 'always',
  owner_user_id: null,
  editable: true,
  created_by: null,
  is_default: true,
  created_at: '',
  updated_at: '',
  positions: [position(2, 2, 'B'), position(1, 9, 'D'), position(3, 3, 'C', false)],
};

describe('camera tree model', () => {
  it('finds a camera’s tile by stream, then by device; disabled positions do not count', () => {
    const index = wallIndex(layout);
    expect(positionOf(cam('B', 'online', 2), index)).toBe(2);
    expect(positionOf(cam('D', 'online', 4), index)).toBe(1);
    expect(positionOf(cam('C', 'online', 3), index)).toBeNull();
    expect(positionOf(cam('A', 'online', 1), wallIndex(null))).toBeNull();
  });

  it('knows each branch’s time zone', () => {
    expect(branchTimeZones(tree)).toEqual(
      new Map([
        [10, 'Asia/Jakarta'],
        [20, 'Asia/Makassar'],
      ]),
    );
    expect(branchTimeZones(undefined).size).toBe(0);
  });

  it('counts cameras (not NVRs) and those online', () => {
    expect(cameraCounts(tree)).toEqual({ cameras: 4, online: 2 });
  });

  it('filters by camera, NVR, branch or group name, keeping the path to each match', () => {
    expect(filterTree(tree, '')).toHaveLength(2);
    const byCamera = filterTree(tree, 'cam b');
    expect(byCamera).toHaveLength(1);
    expect(byCamera[0]!.branches[0]!.nvrs[0]!.cameras.map((c) => c.device_id)).toEqual(['B']);
    expect(byCamera[0]!.branches[0]!.cameras).toEqual([]);
    expect(filterTree(tree, 'lobby nvr')[0]!.branches[0]!.nvrs[0]!.cameras).toHaveLength(2);
    expect(filterTree(tree, 'MKS')[0]!.group_name).toBe('Sulawesi');
    expect(filterTree(tree, 'sulawesi')[0]!.branches).toHaveLength(1);
    expect(filterTree(tree, 'nothing like this')).toEqual([]);
  });
});

describe('navigation', () => {
  it('offers admin screens to admins only; users, credentials, audit and queues to admins of every branch only; the layout editor (private layouts) to everyone', () => {
    expect(allowedViews(null)).toEqual(['wall']);
    expect(allowedViews({ role: 'operator', scope_all: true })).toEqual([
      'wall',
      'dashboard',
      'persons',
      'reports',
      'fleet',
      'alarms',
      'layouts',
    ]);
    expect(allowedViews({ role: 'viewer', scope_all: false })).toEqual([
      'wall',
      'dashboard',
      'persons',
      'reports',
      'fleet',
      'alarms',
      'layouts',
    ]);
    expect(allowedViews({ role: 'admin', scope_all: true })).toEqual([
      'wall',
      'dashboard',
      'persons',
      'reports',
      'fleet',
      'alarms',
      'layouts',
      'groups',
      'branches',
      'devices',
      'streams',
      'users',
      'credentials',
      'audit',
      'alerts',
      'queues',
    ]);
    expect(allowedViews({ role: 'admin', scope_all: false })).toEqual([
      'wall',
      'dashboard',
      'persons',
      'reports',
      'fleet',
      'alarms',
      'layouts',
      'groups',
      'branches',
      'devices',
      'streams',
      'alerts',
    ]);
  });

  it('reads the view from the URL hash', () => {
    expect(viewFromHash('#/branches')).toBe('branches');
    expect(viewFromHash('')).toBe('wall');
    expect(viewFromHash('#/nope')).toBe('wall');
    expect(hashNamesView('#/alarms')).toBe(true);
    expect(hashNamesView('#/wall?layout=3&kiosk=1')).toBe(true);
    expect(hashNamesView('')).toBe(false);
    expect(defaultView({ role: 'viewer' })).toBe('dashboard');
    expect(defaultView({ role: 'operator' })).toBe('wall');
    expect(defaultView(null)).toBe('wall');
  });
});
