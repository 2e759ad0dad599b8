/**
 * The camera tree of the user's scope (`GET /api/v1/camera-tree`; the server filters it) and
 * the branch time zones derived from it, which the feed uses to print each event in its
 * site's local time.
 */
import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useApi } from './use-api.js';
import { queryKeys } from './query-keys.js';
import { branchTimeZones } from '../components/wall/camera-tree-model.js';

/** The tree query (refreshed by realtime invalidation). */
export function useCameraTree() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.cameraTree(), queryFn: () => api.cameraTree() });
}

/** branch id → time zone (empty until the tree has loaded; callers fall back to Asia/Jakarta). */
export function useBranchTimeZones(): Map<number, string> {
  const { data } = useCameraTree();
  return useMemo(() => branchTimeZones(data), [data]);
}
