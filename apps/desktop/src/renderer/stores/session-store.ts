/**
 * Who is signed in to which server. Actions that talk to the server live in
 * `session/auth.ts`; this store only holds the outcome.
 */
import { create } from 'zustand';
import type { ApiClient, User } from '@pantau/shared';

/** Where the sign-in flow is; `setup` while the server has no user yet (first run). */
export type SessionPhase = 'starting' | 'setup' | 'signed-out' | 'signing-in' | 'signed-in';

/** Session state. */
export interface SessionState {
  phase: SessionPhase;
  /** Server base URL: the page's origin in a browser, the stored setting in Electron. */
  serverUrl: string;
  /** True inside Electron (the sign-in screen then asks for the server URL). */
  isElectron: boolean;
  user: User | null;
  /** Client with the current token; null when signed out. */
  api: ApiClient | null;
  token: string | null;
  error: string | null;
}

/** The session store; starts in `starting` until the stored token has been checked. */
export const useSessionStore = create<SessionState>()(() => ({
  phase: 'starting',
  serverUrl: '',
  isElectron: false,
  user: null,
  api: null,
  token: null,
  error: null,
}));
