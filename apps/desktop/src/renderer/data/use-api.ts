/**
 * The signed-in user's API client, for screens inside the console shell.
 */
import type { ApiClient } from '@pantau/shared';
import { useSessionStore } from '../stores/session-store.js';

/**
 * The current client.
 * @throws Error when called outside a signed-in console (a programming error)
 */
export function useApi(): ApiClient {
  const api = useSessionStore((s) => s.api);
  if (!api) throw new Error('useApi() outside a signed-in console');
  return api;
}
