/**
 * Keeps the console's server data fresh while other admins work: realtime events mark the
 * lists they touch stale (see {@link staleRoots}), coalesced into one refetch per list, and a
 * reconnect after an outage refreshes everything (events sent meanwhile may be gone).
 */
import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { realtimeBus } from '../realtime/event-bus.js';
import { useConnectionStore } from '../stores/connection-store.js';
import { createInvalidator } from './invalidator.js';
import { staleRoots } from './query-keys.js';

/** Mount once inside the signed-in shell. */
export function useRealtimeInvalidation(): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    const invalidator = createInvalidator((roots) => {
      for (const root of roots) void queryClient.invalidateQueries({ queryKey: [root] });
    });
    const unsubscribe = realtimeBus.subscribe((events) => invalidator.add(staleRoots(events)));
    const unsubscribeConn = useConnectionStore.subscribe((now, before) => {
      if (now.status === 'connected' && (before.status === 'reconnecting' || before.status === 'offline')) void queryClient.invalidateQueries();
    });
    return () => {
      unsubscribe();
      unsubscribeConn();
      invalidator.cancel();
    };
  }, [queryClient]);
}
