/**
 * The camera tree (group › branch › NVR › camera) built from the rows in a user's scope.
 * Cameras whose NVR is outside the rows (or who have none) hang directly under the branch.
 */
import type { CameraTreeCamera, CameraTreeGroup } from '@pantau/shared';
import type { BranchRow, DeviceRow, GroupRow, StreamRow } from '../repositories/organisation-repository.js';

/** Assemble the tree; children keep the order of the given rows. */
export function buildCameraTree(rows: {
  groups: GroupRow[];
  branches: BranchRow[];
  devices: DeviceRow[];
  streams: StreamRow[];
}): CameraTreeGroup[] {
  const { groups, branches, devices, streams } = rows;
  const streamsOf = new Map<string, CameraTreeCamera['streams']>();
  for (const s of streams) {
    const list = streamsOf.get(s.device_id) ?? [];
    list.push({ id: s.id, stream_name: s.stream_name, status: s.status, problem: s.problem });
    streamsOf.set(s.device_id, list);
  }
  const camera = (d: DeviceRow): CameraTreeCamera => ({
    device_id: d.device_id,
    device_name: d.device_name,
    status: d.status,
    streams: streamsOf.get(d.device_id) ?? [],
  });
  return groups.map((g) => ({
    id: g.id,
    group_name: g.group_name,
    province_code: g.province_code,
    branches: branches
      .filter((b) => b.group_id === g.id)
      .map((b) => {
        const here = devices.filter((d) => d.branch_id === b.id);
        const nvrs = here.filter((d) => d.device_type === 'nvr');
        const nvrIds = new Set(nvrs.map((n) => n.device_id));
        return {
          id: b.id,
          branch_name: b.branch_name,
          branch_code: b.branch_code,
          timezone: b.timezone,
          nvrs: nvrs.map((n) => ({
            device_id: n.device_id,
            device_name: n.device_name,
            status: n.status,
            cameras: here.filter((d) => d.parent_device_id === n.device_id && d.device_type !== 'nvr').map(camera),
          })),
          cameras: here
            .filter((d) => d.device_type !== 'nvr' && (d.parent_device_id === null || !nvrIds.has(d.parent_device_id)))
            .map(camera),
        };
      }),
  }));
}
