/**
 * Refreshes lists right after one's own write (the realtime event that follows would do it
 * too, a moment later).
 */
import { useCallback } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { QueryRoot } from './query-keys.js';

/** Returns `invalidate(...roots)`. */
export function useInvalidate(): (...roots: QueryRoot[]) => void {
  const queryClient = useQueryClient();
  return useCallback(
    (...roots: QueryRoot[]) => {
      for (const root of roots) void queryClient.invalidateQueries({ queryKey: [root] });
    },
    [queryClient],
  );
}
