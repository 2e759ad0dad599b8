/**
 * Sign-in, restoring a stored session at start, and sign-out (D1). Updates the session store;
 * the screens only call these functions.
 */
import i18next from 'i18next';
import { ApiClient, PantauError } from '@pantau/shared';
import { getBridge } from '../lib/bridge.js';
import { errorText } from '../lib/error-text.js';
import { browserServerBase } from '../lib/server-url.js';
import { bridgeTokenStorage, webTokenStorage, type TokenStorage } from '../lib/token-storage.js';
import { useSessionStore } from '../stores/session-store.js';
import { useEventsStore } from '../stores/events-store.js';
import { useWallStore } from '../stores/wall-store.js';
import { consoleCacheStorage } from '../data/persist-hook.js';
import { clearConsoleCache, rememberedUser } from '../data/persist.js';

function tokenStorage(): TokenStorage {
  const bridge = getBridge();
  return bridge ? bridgeTokenStorage(bridge) : webTokenStorage(window.sessionStorage);
}

/** A readable sentence, in the console's language, for any error thrown by sign-in. */
export function describeError(err: unknown): string {
  if (err instanceof PantauError) {
    if (err.code === 'INVALID_CREDENTIALS' || err.code === 'UNAUTHENTICATED') return i18next.t('signIn.wrong');
    if (err.code === 'UNAVAILABLE') return i18next.t('signIn.unavailable');
    if (err.code === 'VALIDATION_ERROR') return i18next.t('signIn.invalid');
    // the server's wait (retry_after_s): the account's progressive delay or the address's limit
    if (err.code === 'RATE_LIMITED') return errorText(err, (key, options) => i18next.t(key, options));
    return err.message;
  }
  const message = err instanceof Error ? err.message : String(err);
  // Electron prefixes errors thrown in main: "Error invoking remote method '…': Error: …".
  const plain = message.replace(/^Error invoking remote method '[^']+': (Error: )?/, '');
  return plain.charAt(0).toUpperCase() + plain.slice(1);
}

/**
 * `signed-out`, or `setup` when the server has no user yet (`GET /setup`). A server that
 * cannot be reached or predates the setup route gets the sign-in screen.
 */
async function signedOutPhase(serverUrl: string): Promise<'setup' | 'signed-out'> {
  const state = await new ApiClient({ baseUrl: serverUrl }).setupState().catch(() => ({ needs_setup: false }));
  return state.needs_setup ? 'setup' : 'signed-out';
}

/**
 * Runs once at start: finds the server URL (bridge setting or page origin) and, when a token
 * is stored, checks it with `GET /auth/me`. A token the server refuses is forgotten; when the
 * server cannot be reached the console opens anyway and connects when the server is back.
 * When the local cache remembers who holds the token, the console opens at once from the cache
 * without waiting for the server (DESIGN D9); the console's `GET /auth/me` then confirms the
 * session, and a 401 signs out. Without a token, a server with no user yet opens the first-run
 * setup screen.
 */
export async function restoreSession(): Promise<void> {
  const bridge = getBridge();
  const serverUrl = bridge ? (await bridge.getSettings()).serverUrl : browserServerBase(window.location);
  useSessionStore.setState({ serverUrl, isElectron: bridge !== undefined });
  const storage = tokenStorage();
  const token = await storage.load().catch(() => null);
  if (!token) {
    useSessionStore.setState({ phase: await signedOutPhase(serverUrl) });
    return;
  }
  const api = new ApiClient({ baseUrl: serverUrl, token });
  const remembered = await rememberedUser(consoleCacheStorage(), serverUrl).catch(() => null);
  if (remembered) {
    useSessionStore.setState({ phase: 'signed-in', api, token, user: remembered, error: null });
    return;
  }
  try {
    const user = await api.me();
    useSessionStore.setState({ phase: 'signed-in', api, token, user, error: null });
  } catch (err) {
    if (err instanceof PantauError && err.status === 401) {
      await storage.clear();
      useSessionStore.setState({ phase: await signedOutPhase(serverUrl) });
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
    const result = await api.login({ email: input.email.trim(), password: input.password });
    await tokenStorage().save(result.token);
    useSessionStore.setState({ phase: 'signed-in', api, token: result.token, user: result.user, error: null });
  } catch (err) {
    useSessionStore.setState({ phase: 'signed-out', error: describeError(err) });
  }
}

/** What the first-run setup form submits: the first administrator. */
export interface SetupInput {
  name: string;
  email: string;
  password: string;
}

/**
 * First run: creates the first administrator (`POST /setup`, refused once any user exists)
 * and signs in as them.
 * @throws PantauError from the server (field errors for the form; 409 when a user exists)
 */
export async function completeSetup(input: SetupInput): Promise<void> {
  const { serverUrl } = useSessionStore.getState();
  const api = new ApiClient({ baseUrl: serverUrl });
  const result = await api.setup({ name: input.name.trim(), email: input.email.trim(), password: input.password });
  await tokenStorage().save(result.token);
  useSessionStore.setState({ phase: 'signed-in', api, token: result.token, user: result.user, error: null });
}

/** Leaves the setup screen for sign-in (e.g. after another admin finished the setup first). */
export function toSignIn(message: string | null = null): void {
  useSessionStore.setState({ phase: 'signed-out', error: message });
}

/**
 * Signs out: tells the server (best effort), forgets the token, clears the wall and feed and
 * the local cache (nothing of this user stays on the workstation).
 * @param reason shown on the sign-in screen, e.g. when the server refused the token
 */
export async function signOut(reason: string | null = null): Promise<void> {
  const { api } = useSessionStore.getState();
  useSessionStore.setState({ phase: 'signed-out', api: null, token: null, user: null, error: reason });
  useEventsStore.getState().reset();
  useWallStore.getState().reset();
  await Promise.allSettled([api?.logout(), tokenStorage().clear(), clearConsoleCache(consoleCacheStorage())]);
}
