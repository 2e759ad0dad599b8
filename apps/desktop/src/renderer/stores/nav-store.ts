/**
 * Which screen the console shows, mirrored in the URL hash (`#/branches`) so a reload or a
 * bookmark opens the same screen; without one, the user's default (the dashboard for viewers). The fleet board is for everyone; admin screens are offered only
 * to admins, and Users, API credentials, the Audit log and the queue monitor only to admins whose scope is
 * everything (the server refuses the rest anyway: 403). The layout editor is for admins: they keep
 * the shared layouts (the server also lets every user keep private layouts of their own, which the
 * console does not offer non-admins yet).
 */
import { create } from 'zustand';
import type { User } from '@pantau/shared';

/** The console's screens. */
export const VIEWS = [
  'wall',
  'dashboard',
  'persons',
  'reports',
  'fleet',
  'alarms',
  'layouts',
  'groups',
  'branches',
  'devices',
  'streams',
  'users',
  'credentials',
  'audit',
  'alerts',
  'queues',
] as const;
export type View = (typeof VIEWS)[number];

/** The screens `user` may open, in navigation order. */
export function allowedViews(user: Pick<User, 'role' | 'scope_all'> | null): View[] {
  if (!user) return ['wall'];
  // the dashboard, the reports, the fleet board and the alarms are for everyone (the server filters them to
  // their scope); so is the layout editor: everyone keeps private layouts (shared ones are the admins')
  if (user.role !== 'admin') return ['wall', 'dashboard', 'persons', 'reports', 'fleet', 'alarms', 'layouts'];
  return VIEWS.filter(
    (v) => user.scope_all || (v !== 'users' && v !== 'audit' && v !== 'credentials' && v !== 'queues'),
  );
}

/** The view a hash names (`#/groups` → `groups`), or `wall`. */
export function viewFromHash(hash: string): View {
  const name = hash.replace(/^#\/?/, '');
  return (VIEWS as readonly string[]).includes(name) ? (name as View) : 'wall';
}

/**
 * The screen a user starts on when the URL names none: the dashboard for viewers (they watch
 * figures, not cameras), the wall for operators and admins.
 */
export function defaultView(user: Pick<User, 'role'> | null): View {
  return user?.role === 'viewer' ? 'dashboard' : 'wall';
}

/** Whether a hash names a screen (`#/alarms`, `#/wall?layout=3`), rather than leaving it to {@link defaultView}. */
export function hashNamesView(hash: string): boolean {
  return /^#\/?[a-z]/.test(hash);
}

/** Navigation state. */
export interface NavState {
  view: View;
  /** Whether the user (or the URL) chose `view`; false: show their {@link defaultView}. */
  chosen: boolean;
  go: (view: View) => void;
}

/** The navigation store. */
export const useNavStore = create<NavState>()((set) => ({
  view: typeof window === 'undefined' ? 'wall' : viewFromHash(window.location.hash),
  chosen: typeof window !== 'undefined' && hashNamesView(window.location.hash),
  go(view) {
    set({ view, chosen: true });
    if (typeof window !== 'undefined') {
      const hash = `#/${view}`;
      if (window.location.hash !== hash)
        window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}${hash}`);
    }
  },
}));
