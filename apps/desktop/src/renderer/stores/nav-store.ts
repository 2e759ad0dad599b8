/**
 * Which screen the console shows, mirrored in the URL hash (`#/branches`) so a reload or a
 * bookmark opens the same screen. The fleet board is for everyone; admin screens are offered only
 * to admins, and Users, API credentials, the Audit log and the queue monitor only to admins whose scope is
 * everything (the server refuses the rest anyway: 403). The layout editor is for admins: they keep
 * the shared layouts (the server also lets every user keep private layouts of their own, which the
 * console does not offer non-admins yet).
 */
import { create } from 'zustand';
import type { User } from '@pantau/shared';

/** The console's screens. */
export const VIEWS = ['wall', 'fleet', 'alarms', 'layouts', 'groups', 'branches', 'devices', 'streams', 'users', 'credentials', 'audit', 'alerts', 'queues'] as const;
export type View = (typeof VIEWS)[number];

/** The screens `user` may open, in navigation order. */
export function allowedViews(user: Pick<User, 'role' | 'scope_all'> | null): View[] {
  if (!user) return ['wall'];
  // the fleet board and the alarms are for everyone (the server filters them to their scope);
  // so is the layout editor: everyone keeps private layouts (shared ones are the admins')
  if (user.role !== 'admin') return ['wall', 'fleet', 'alarms', 'layouts'];
  return VIEWS.filter((v) => user.scope_all || (v !== 'users' && v !== 'audit' && v !== 'credentials' && v !== 'queues'));
}

/** The view a hash names (`#/groups` → `groups`), or `wall`. */
export function viewFromHash(hash: string): View {
  const name = hash.replace(/^#\/?/, '');
  return (VIEWS as readonly string[]).includes(name) ? (name as View) : 'wall';
}

/** Navigation state. */
export interface NavState {
  view: View;
  go: (view: View) => void;
}

/** The navigation store. */
export const useNavStore = create<NavState>()((set) => ({
  view: typeof window === 'undefined' ? 'wall' : viewFromHash(window.location.hash),
  go(view) {
    set({ view });
    if (typeof window !== 'undefined') {
      const hash = view === 'wall' ? '' : `#/${view}`;
      if (window.location.hash !== hash) window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}${hash}`);
    }
  },
}));
