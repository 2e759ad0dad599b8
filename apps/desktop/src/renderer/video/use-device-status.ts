/**
 * A camera device's own status (online, offline, maintenance) for its tile: from the camera
 * tree (TanStack Query) at first, then from `camera_status_update` events on the realtime bus,
 * which also say since when. A tile says "camera offline since 14:02" from this even while the
 * gateway still has picture, since heartbeats are the device's word on itself.
 */
import { useEffect, useMemo, useState } from 'react';
import type { CameraTreeGroup } from '@pantau/shared';
import { useCameraTree } from '../data/use-camera-tree.js';
import { realtimeBus } from '../realtime/event-bus.js';

/** A device's status and, when an event said so, since when (ISO-8601). */
export interface DeviceStatusInfo {
  status: string | null;
  since: string | null;
}

/** The status the tree holds for a device (cameras directly under a branch or under an NVR), or null. */
export function treeDeviceStatus(tree: readonly CameraTreeGroup[] | undefined, deviceId: string): string | null {
  for (const group of tree ?? []) {
    for (const branch of group.branches) {
      for (const camera of branch.cameras) if (camera.device_id === deviceId) return camera.status;
      for (const nvr of branch.nvrs)
        for (const camera of nvr.cameras) if (camera.device_id === deviceId) return camera.status;
    }
  }
  return null;
}

/**
 * The device's status. An event's word stands until the tree has been fetched again after it
 * with another status (e.g. an admin changed the device).
 */
export function useDeviceStatus(deviceId: string): DeviceStatusInfo {
  const { data, dataUpdatedAt } = useCameraTree();
  const fromTree = useMemo(() => treeDeviceStatus(data, deviceId), [data, deviceId]);
  const [event, setEvent] = useState<{ status: string; since: string; at: number } | null>(null);
  useEffect(
    () =>
      realtimeBus.subscribe((events) => {
        for (const e of events) {
          if (e.type === 'camera_status_update' && e.data.device_id === deviceId)
            setEvent({ status: e.data.status, since: e.ts, at: Date.now() });
        }
      }),
    [deviceId],
  );
  if (event && (dataUpdatedAt <= event.at || fromTree === event.status))
    return { status: event.status, since: event.since };
  return { status: fromTree, since: null };
}
