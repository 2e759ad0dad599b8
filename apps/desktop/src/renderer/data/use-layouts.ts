/**
 * Layouts the user sees (`GET /api/v1/layouts`, filtered by the server to their scope and their
 * own private ones), cached under `['layouts']`: `layout_updated` invalidates it, so an open
 * wall and the editor refetch when anyone changes a layout, and the local cache keeps it for a
 * cold start.
 */
import { useQuery } from '@tanstack/react-query';
import { useApi } from './use-api.js';
import { queryKeys } from './query-keys.js';

/** The layouts query. */
export function useLayouts() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.layouts(), queryFn: () => api.listLayouts() });
}
