/**
 * Pure helpers behind the camera tree: which tile shows a camera, each branch's time zone,
 * filtering by name and the counts shown in the tree's header.
 */
import type { CameraTreeCamera, CameraTreeGroup, Layout } from '@pantau/shared';
import { DEFAULT_TIME_ZONE } from '../../lib/format.js';

/** Where cameras are on the wall: by stream id and by device id → `position_number`. */
export interface WallIndex {
  byStream: Map<number, number>;
  byDevice: Map<string, number>;
}

/** Indexes the enabled positions of a layout (the first position wins when a camera is on several). */
export function wallIndex(layout: Layout | null): WallIndex {
  const byStream = new Map<number, number>();
  const byDevice = new Map<string, number>();
  for (const p of [...(layout?.positions ?? [])].sort((a, b) => a.position_number - b.position_number)) {
    if (!p.is_enabled) continue;
    if (!byStream.has(p.stream_id)) byStream.set(p.stream_id, p.position_number);
    if (!byDevice.has(p.device_id)) byDevice.set(p.device_id, p.position_number);
  }
  return { byStream, byDevice };
}

/** The tile (`position_number`) showing `camera`, or null when it is not on the wall. */
export function positionOf(camera: CameraTreeCamera, index: WallIndex): number | null {
  for (const s of camera.streams) {
    const n = index.byStream.get(s.id);
    if (n !== undefined) return n;
  }
  return index.byDevice.get(camera.device_id) ?? null;
}

/** branch id → IANA time zone, from the tree (which holds every branch in the user's scope). */
export function branchTimeZones(tree: readonly CameraTreeGroup[] | undefined): Map<number, string> {
  const zones = new Map<number, string>();
  for (const g of tree ?? []) for (const b of g.branches) zones.set(b.id, b.timezone || DEFAULT_TIME_ZONE);
  return zones;
}

/** Every camera of a branch: those under NVRs, then those directly on the branch. */
export function branchCameras(branch: CameraTreeGroup['branches'][number]): CameraTreeCamera[] {
  return [...branch.nvrs.flatMap((n) => n.cameras), ...branch.cameras];
}

/** Cameras in the tree and how many of them are online. */
export function cameraCounts(tree: readonly CameraTreeGroup[]): { cameras: number; online: number } {
  let cameras = 0;
  let online = 0;
  for (const g of tree)
    for (const b of g.branches)
      for (const c of branchCameras(b)) {
        cameras += 1;
        if (c.status === 'online') online += 1;
      }
  return { cameras, online };
}

const matches = (q: string, ...names: string[]) => names.some((n) => n.toLowerCase().includes(q));

/**
 * The tree cut down to what matches `query` (case-insensitive) in a camera's name or id, an
 * NVR, a branch or a group: a matching parent keeps all its children; empty parents go.
 */
export function filterTree(tree: readonly CameraTreeGroup[], query: string): CameraTreeGroup[] {
  const q = query.trim().toLowerCase();
  if (!q) return [...tree];
  const cams = (list: CameraTreeCamera[]) => list.filter((c) => matches(q, c.device_name, c.device_id));
  const out: CameraTreeGroup[] = [];
  for (const g of tree) {
    if (matches(q, g.group_name, g.province_code)) {
      out.push(g);
      continue;
    }
    const branches: CameraTreeGroup['branches'] = [];
    for (const b of g.branches) {
      if (matches(q, b.branch_name, b.branch_code)) {
        branches.push(b);
        continue;
      }
      const nvrs = b.nvrs
        .map((n) => (matches(q, n.device_name, n.device_id) ? n : { ...n, cameras: cams(n.cameras) }))
        .filter((n) => n.cameras.length > 0 || matches(q, n.device_name, n.device_id));
      const cameras = cams(b.cameras);
      if (nvrs.length > 0 || cameras.length > 0) branches.push({ ...b, nvrs, cameras });
    }
    if (branches.length > 0) out.push({ ...g, branches });
  }
  return out;
}
