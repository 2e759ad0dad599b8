/**
 * Sign-in, restoring a stored session at start, and sign-out (D1). Updates the session store;
 * the screens only call these functions.
 */
import { ApiClient, PantauError } from '@pantau/shared';
import { getBridge } from '../lib/bridge.js';
import { browserServerBase } from '../lib/server-url.js';
import { bridgeTokenStorage, webTokenStorage, type TokenStorage } from '../lib/token-storage.js';
import { useSessionStore } from '../stores/session-store.js';
import { useEventsStore } from '../stores/events-store.js';
import { useWallStore } from '../stores/wall-store.js';

function tokenStorage(): TokenStorage {
  const bridge = getBridge();
  return bridge ? bridgeTokenStorage(bridge) : webTokenStorage(window.sessionStorage);
}

/** A readable sentence for any error thrown by sign-in. */
export function describeError(err: unknown): string {
  if (err instanceof PantauError) {
    if (err.code === 'INVALID_CREDENTIALS' || err.code === 'UNAUTHENTICATED') return 'Wrong email or password.';
    if (err.code === 'UNAVAILABLE') return 'Cannot reach the server. Check the address and the network.';
    if (err.code === 'VALIDATION_ERROR') return 'Enter a valid email and a password.';
    return err.message;
  }
  const message = err instanceof Error ? err.message : String(err);
  // Electron prefixes errors thrown in main: "Error invoking remote method '…': Error: …".
  const plain = message.replace(/^Error invoking remote method '[^']+': (Error: )?/, '');
  return plain.charAt(0).toUpperCase() + plain.slice(1);
}

/**
 * Runs once at start: finds the server URL (bridge setting or page origin) and, when a token
 * is stored, checks it with `GET /auth/me`. A token the server refuses is forgotten; when the
 * server cannot be reached the console opens anyway and connects when the server is back.
 */
export async function restoreSession(): Promise<void> {
  const bridge = getBridge();
  const serverUrl = bridge ? (await bridge.getSettings()).serverUrl : browserServerBase(window.location);
  useSessionStore.setState({ serverUrl, isElectron: bridge !== undefined });
  const storage = tokenStorage();
  const token = await storage.load().catch(() => null);
  if (!token) {
    useSessionStore.setState({ phase: 'signed-out' });
    return;
  }
  const api = new ApiClient({ baseUrl: serverUrl, token });
  try {
    const user = await api.me();
    useSessionStore.setState({ phase: 'signed-in', api, token, user, error: null });
  } catch (err) {
    if (err instanceof PantauError && err.status === 401) {
      await storage.clear();
      useSessionStore.setState({ phase: 'signed-out' });
    } else {
      useSessionStore.setState({ phase: 'signed-in', api, token, user: null, error: null });
    }
  }
}

/** What the sign-in form submits; `serverUrl` only in Electron. */
export interface SignInInput {
  serverUrl?: string;
  email: string;
  password: string;
}

/**
 * Signs in: in Electron first stores the server URL (validated by main), then
 * `POST /auth/login`, keeps the token and opens the console. Failures land in `error`.
 */
export async function signIn(input: SignInInput): Promise<void> {
  useSessionStore.setState({ phase: 'signing-in', error: null });
  try {
    const bridge = getBridge();
    let serverUrl = useSessionStore.getState().serverUrl;
    if (bridge && input.serverUrl !== undefined) {
      serverUrl = (await bridge.setServerUrl(input.serverUrl)).serverUrl;
      useSessionStore.setState({ serverUrl });
    }
    const api = new ApiClient({ baseUrl: serverUrl });
    const result = await api.login(input.email.trim(), input.password);
    await tokenStorage().save(result.token);
    useSessionStore.setState({ phase: 'signed-in', api, token: result.token, user: result.user, error: null });
  } catch (err) {
    useSessionStore.setState({ phase: 'signed-out', error: describeError(err) });
  }
}

/**
 * Signs out: tells the server (best effort), forgets the token and clears the wall and feed.
 * @param reason shown on the sign-in screen, e.g. when the server refused the token
 */
export async function signOut(reason: string | null = null): Promise<void> {
  const { api } = useSessionStore.getState();
  useSessionStore.setState({ phase: 'signed-out', api: null, token: null, user: null, error: reason });
  useEventsStore.getState().reset();
  useWallStore.getState().reset();
  await Promise.allSettled([api?.logout(), tokenStorage().clear()]);
}
