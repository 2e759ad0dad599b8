/**
 * The console's TanStack Query client: server data stays fresh through realtime
 * invalidation, so queries do not refetch on focus; a failed read is retried once, except
 * for answers that another try cannot change (4xx).
 */
import { QueryClient } from '@tanstack/react-query';
import { PantauError } from '@pantau/shared';

/** True when a failed read is worth one more try. */
export function shouldRetry(failureCount: number, err: unknown): boolean {
  if (err instanceof PantauError && err.status >= 400 && err.status < 500) return false;
  return failureCount < 1;
}

/** A new client (one per signed-in session, so nothing of one user leaks to the next). */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 30_000, refetchOnWindowFocus: false, retry: shouldRetry },
      mutations: { retry: false },
    },
  });
}
