/**
 * Shares the wall's state between the console's windows (DESIGN D3): this window's maximised
 * tile and layout go out as messages; what other windows announce comes in and is applied here.
 *
 * Rules (the same in Electron and the browser):
 * - `tile-maximised` from another wall showing the same layout is mirrored (restore too).
 * - `alarm-acknowledged` marks the row in the feed (alarm_state, acknowledged_by / _at) at once,
 *   before the server's `alarm_updated` reaches this window's socket (or while it is away).
 * - `layout-selected` for this window's wall (Electron's main re-targets a wall) rewrites this
 *   window's `#/wall?layout=…` address, which the wall view follows.
 * Every message is also folded into {@link useSharedWallsStore}, so the console can show what
 * each wall shows.
 */
import { create } from 'zustand';
import { applyToSnapshot, emptySnapshot, type WallSyncMessage, type WallSyncSnapshot } from '../../common/wall-sync.js';
import { wallHash } from '../lib/wall-url.js';
import { useEventsStore } from '../stores/events-store.js';
import { useWallStore } from '../stores/wall-store.js';
import type { WallSyncTransport } from './wall-sync-transport.js';

/** What every wall shows, as announced (all windows). */
export const useSharedWallsStore = create<WallSyncSnapshot>()(() => emptySnapshot());

/** What this window is. */
export interface WallSyncOptions {
  transport: WallSyncTransport;
  /** This window's wall (`main` for the console window). */
  wallId: string;
  /** Random per window; messages carrying it are this window's own. */
  source: string;
}

/** A running sync. */
export interface WallSync {
  /** Announces an acknowledged alarm to every window (and marks it here). */
  acknowledged(eventId: number, by: number | null, at?: string): void;
  stop(): void;
}

/** Marks one feed row acknowledged (no-op when the row is not in the feed or already marked so). */
export function markAcknowledged(eventId: number, by: number | null, at: string): void {
  const { rows } = useEventsStore.getState();
  const index = rows.findIndex((r) => r.id === eventId);
  const row = rows[index];
  if (!row || (row.acknowledged_at === at && row.acknowledged_by === by)) return;
  const next = rows.slice();
  // Never moves a closed alarm back (the server's `alarm_updated` stays the authority).
  const state = row.alarm_state === 'closed' ? 'closed' : 'acknowledged';
  next[index] = { ...row, alarm_state: state, acknowledged_by: by, acknowledged_at: at };
  useEventsStore.setState({ rows: next });
}

function followLayout(layoutId: number | null): void {
  if (typeof window === 'undefined') return;
  const current = new URLSearchParams(window.location.hash.split('?')[1] ?? '');
  const hash = wallHash({ layoutId, kiosk: current.get('kiosk') === '1', wallId: current.get('wall') });
  if (window.location.hash === hash) return;
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}${hash}`);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

/** Applies a message of another window to this one. */
export function applyIncoming(message: WallSyncMessage, wallId: string): void {
  useSharedWallsStore.setState((s) => applyToSnapshot(s, message));
  switch (message.type) {
    case 'tile-maximised': {
      const wall = useWallStore.getState();
      if (message.wallId === wallId || wall.layout === null || wall.layout.id !== message.layoutId) return;
      if (message.position === null) wall.restore();
      else wall.maximise(message.position);
      return;
    }
    case 'alarm-acknowledged':
      markAcknowledged(message.eventId, message.by, message.at);
      return;
    case 'layout-selected':
      if (message.wallId === wallId) followLayout(message.layoutId);
      return;
  }
}

/** Starts sharing: returns the handle whose `stop()` ends it. */
export function startWallSync({ transport, wallId, source }: WallSyncOptions): WallSync {
  let applying = false;
  const unsubscribe = transport.subscribe((message) => {
    applying = true;
    try {
      applyIncoming(message, wallId);
    } finally {
      applying = false;
    }
  });
  const unwatch = useWallStore.subscribe((state, prev) => {
    const layoutId = state.layout?.id ?? null;
    if (layoutId !== (prev.layout?.id ?? null)) {
      const message: WallSyncMessage = { type: 'layout-selected', source, wallId, layoutId };
      useSharedWallsStore.setState((s) => applyToSnapshot(s, message));
      transport.publish(message);
    }
    // A maximise mirrored from another wall is not announced again (that would echo forever).
    if (!applying && state.maximised !== prev.maximised) {
      transport.publish({ type: 'tile-maximised', source, wallId, layoutId, position: state.maximised });
    }
  });
  void transport.snapshot().then((snapshot) => {
    if (!snapshot) return;
    useSharedWallsStore.setState(snapshot);
    for (const a of snapshot.acknowledged) markAcknowledged(a.eventId, a.by, a.at);
  });
  return {
    acknowledged(eventId, by, at = new Date().toISOString()) {
      markAcknowledged(eventId, by, at);
      transport.publish({ type: 'alarm-acknowledged', source, eventId, by, at });
    },
    stop() {
      unsubscribe();
      unwatch();
      transport.close();
    },
  };
}
