/**
 * Wall windows, one per display (DESIGN D3): opened on request, each kiosk full screen on its
 * display's bounds and showing one layout; the display → layout assignments are remembered in
 * the settings store and restored at start. Takes Electron's `screen` and a window factory as
 * arguments, so Node tests drive it with stand-ins (`testing/stand-ins.ts`).
 *
 * Fallbacks (decided here, tested in `wall-windows.test.ts`):
 * - A saved layout that no longer exists (not in the request's `layoutIds`) → the default
 *   layout, else the first existing one, else none (the wall then shows "no layout"). At start
 *   main does not know the layouts: the wall window resolves a missing layout itself and
 *   announces its choice (`layout-selected`), which updates the assignment.
 * - A display that is gone: its window closes; its assignment is kept, so the wall comes back
 *   when the display is plugged in again (`display-added`).
 * - A saved assignment whose display id no longer exists (ids can change after a driver update
 *   or on another port) is adopted by a display that has none, preferring one with the same
 *   bounds, else the first in reading order (left to right, top to bottom); it is then saved
 *   under the new id.
 * - A wall the operator closes (Alt+F4) stays closed until the next start or request; "close
 *   walls" closes them all and stops restoring at start.
 * - By default the console window's own display gets no wall when there are several displays.
 */
import { z } from 'zod';
import type { DisplayInfo, OpenWallsRequest, Rect, WallPlacement } from '../common/ipc-channels.js';
import type { WallSyncMessage } from '../common/wall-sync.js';
import { wallWindowUrl } from '../common/wall-url.js';
import type { KeyValueStore } from './settings.js';

/** The subset of Electron's `Display` used here. */
export interface DisplayLike {
  id: number;
  bounds: Rect;
  label?: string;
}

/** Display events of Electron's `screen` that move walls. */
export type ScreenEvent = 'display-added' | 'display-removed' | 'display-metrics-changed';
/** Listener of a {@link ScreenEvent}. */
export type ScreenListener = (event: unknown, display: DisplayLike) => void;

/** The subset of Electron's `screen` used here. */
export interface ScreenLike {
  getAllDisplays(): DisplayLike[];
  getPrimaryDisplay(): DisplayLike;
  on(event: ScreenEvent, listener: ScreenListener): unknown;
  removeListener(event: ScreenEvent, listener: ScreenListener): unknown;
}

/** The subset of Electron's `BrowserWindow` a wall needs. */
export interface WallWindowLike {
  setBounds(bounds: Rect): void;
  loadURL(url: string): Promise<void>;
  close(): void;
  isDestroyed(): boolean;
  once(event: 'closed', listener: () => void): unknown;
}

/** Creates a wall window (kiosk, full screen) on `bounds`; does not load a page. */
export type WallWindowFactory = (placement: { displayId: string; bounds: Rect }) => WallWindowLike;

/** A display's remembered wall. */
export interface SavedWall {
  layoutId: number | null;
  /** The display's bounds when saved: lets a display whose id changed find its wall again. */
  bounds: Rect;
}

/** What the store keeps under {@link WALLS_KEY}. */
export interface SavedWalls {
  /** Reopen the walls at start. */
  open: boolean;
  /** display id → wall. */
  assignments: Record<string, SavedWall>;
}

/** Store key of {@link SavedWalls}. */
export const WALLS_KEY = 'walls';

const RectSchema = z.object({
  x: z.number(),
  y: z.number(),
  width: z.number().positive(),
  height: z.number().positive(),
});
const SavedWallsSchema = z.object({
  open: z.boolean(),
  assignments: z.record(z.string(), z.object({ layoutId: z.number().int().positive().nullable(), bounds: RectSchema })),
});

/** The saved walls, or none when nothing (or something corrupt) is stored. */
export function loadSavedWalls(store: KeyValueStore): SavedWalls {
  const parsed = SavedWallsSchema.safeParse(store.get(WALLS_KEY));
  return parsed.success ? parsed.data : { open: false, assignments: {} };
}

/** Reading order: top to bottom rows are unusual for walls, so left to right first, then top to bottom. */
function byPosition(a: Rect, b: Rect): number {
  return a.x - b.x || a.y - b.y;
}

function sameRect(a: Rect, b: Rect): boolean {
  return a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
}

/**
 * Moves saved walls of displays that are gone to displays that have none (and are not in
 * `excluded`): same bounds first, else the first free display in reading order. Returns the
 * new assignments (the input is not changed).
 */
export function adoptOrphans(
  assignments: Record<string, SavedWall>,
  displays: readonly DisplayLike[],
  excluded: ReadonlySet<string> = new Set(),
): Record<string, SavedWall> {
  const present = new Set(displays.map((d) => String(d.id)));
  const next = { ...assignments };
  const orphans = Object.entries(assignments)
    .filter(([id]) => !present.has(id))
    .sort(([, a], [, b]) => byPosition(a.bounds, b.bounds));
  const free = displays
    .filter((d) => next[String(d.id)] === undefined && !excluded.has(String(d.id)))
    .sort((a, b) => byPosition(a.bounds, b.bounds));
  for (const [oldId, wall] of orphans) {
    if (free.length === 0) break;
    const index = Math.max(
      0,
      free.findIndex((d) => sameRect(d.bounds, wall.bounds)),
    );
    const [display] = free.splice(index, 1);
    if (!display) break;
    delete next[oldId];
    next[String(display.id)] = { layoutId: wall.layoutId, bounds: display.bounds };
  }
  return next;
}

/**
 * The layout a wall shows: `wanted` when it exists, else the default, else the first layout.
 * With `existing` undefined (layouts unknown, e.g. at start) `wanted` is kept as it is.
 */
export function resolveLayout(
  wanted: number | null | undefined,
  existing: readonly number[] | undefined,
  defaultLayoutId: number | null,
): number | null {
  if (existing === undefined) return wanted ?? defaultLayoutId;
  if (wanted !== null && wanted !== undefined && existing.includes(wanted)) return wanted;
  if (defaultLayoutId !== null && existing.includes(defaultLayoutId)) return defaultLayoutId;
  return existing[0] ?? null;
}

/** Dependencies of {@link createWallWindows}. */
export interface WallWindowsDeps {
  screen: ScreenLike;
  store: KeyValueStore;
  createWindow: WallWindowFactory;
  /** The console's entry page, e.g. `app://console/index.html`. */
  entryUrl: string;
  /** The display the console window is on, or null (no console window). */
  consoleDisplayId?: () => string | null;
  /** Announces a wall's layout to every window (the state-sync hub). */
  publish?: (message: WallSyncMessage) => void;
}

/** The wall windows of this workstation. */
export interface WallWindows {
  /** Every display with its assignment and whether a wall is open on it. */
  displays(): DisplayInfo[];
  /**
   * Opens (or re-targets) walls per {@link OpenWallsRequest}, closes walls on displays not
   * asked for, remembers the result and that walls are open.
   */
  open(request: OpenWallsRequest): WallPlacement[];
  /** At start: reopens the saved walls when they were open at exit. */
  restore(): WallPlacement[];
  /** Closes every wall and stops restoring them at start (assignments are kept). */
  close(): void;
  /** A wall window chose a layout (`layout-selected`): remember it for its display. */
  noteLayout(wallId: string, layoutId: number | null): void;
  /** Removes the `screen` listeners (windows stay open). */
  dispose(): void;
}

/** Wall windows over Electron's `screen`, a window factory and the settings store. */
export function createWallWindows(deps: WallWindowsDeps): WallWindows {
  const windows = new Map<string, WallWindowLike>();
  let saved = loadSavedWalls(deps.store);
  const save = () => deps.store.set(WALLS_KEY, saved);
  const consoleDisplay = () => deps.consoleDisplayId?.() ?? null;

  const openOn = (display: DisplayLike, layoutId: number | null): WallPlacement => {
    const displayId = String(display.id);
    const existing = windows.get(displayId);
    const url = wallWindowUrl(deps.entryUrl, { layoutId, kiosk: true, wallId: displayId });
    if (existing && !existing.isDestroyed()) {
      existing.setBounds(display.bounds);
      // The open wall switches in place (no reload of its players' page).
      deps.publish?.({ type: 'layout-selected', source: 'main', wallId: displayId, layoutId });
    } else {
      const win = deps.createWindow({ displayId, bounds: display.bounds });
      windows.set(displayId, win);
      win.once('closed', () => {
        if (windows.get(displayId) === win) windows.delete(displayId);
      });
      void win.loadURL(url).catch(() => undefined);
    }
    return { displayId, bounds: display.bounds, layoutId };
  };

  const closeOn = (displayId: string) => {
    const win = windows.get(displayId);
    windows.delete(displayId);
    if (win && !win.isDestroyed()) win.close();
  };

  /** Opens the saved walls of the displays present (after adopting orphans). */
  const openSaved = (): WallPlacement[] => {
    const displays = deps.screen.getAllDisplays();
    const adopted = adoptOrphans(
      saved.assignments,
      displays,
      new Set([consoleDisplay()].filter((x): x is string => x !== null)),
    );
    if (JSON.stringify(adopted) !== JSON.stringify(saved.assignments)) {
      saved = { ...saved, assignments: adopted };
      save();
    }
    const placements: WallPlacement[] = [];
    for (const display of [...displays].sort((a, b) => byPosition(a.bounds, b.bounds))) {
      const wall = saved.assignments[String(display.id)];
      if (wall && !windows.has(String(display.id))) placements.push(openOn(display, wall.layoutId));
    }
    return placements;
  };

  const onAdded: ScreenListener = () => {
    if (saved.open) openSaved();
  };
  const onRemoved: ScreenListener = (_e, display) => closeOn(String(display.id));
  const onMetrics: ScreenListener = (_e, display) => {
    const win = windows.get(String(display.id));
    if (win && !win.isDestroyed()) win.setBounds(display.bounds);
  };
  deps.screen.on('display-added', onAdded);
  deps.screen.on('display-removed', onRemoved);
  deps.screen.on('display-metrics-changed', onMetrics);

  return {
    displays() {
      const primary = String(deps.screen.getPrimaryDisplay().id);
      return deps.screen
        .getAllDisplays()
        .sort((a, b) => byPosition(a.bounds, b.bounds))
        .map((d, i) => {
          const id = String(d.id);
          const win = windows.get(id);
          return {
            id,
            label: d.label || `Display ${i + 1}`,
            bounds: d.bounds,
            primary: id === primary,
            layoutId: saved.assignments[id]?.layoutId ?? null,
            open: win !== undefined && !win.isDestroyed(),
          };
        });
    },
    open(request) {
      const displays = deps.screen.getAllDisplays().sort((a, b) => byPosition(a.bounds, b.bounds));
      const own = consoleDisplay();
      const wanted = new Set(
        request.displayIds ?? displays.map((d) => String(d.id)).filter((id) => displays.length === 1 || id !== own),
      );
      const assignments = adoptOrphans(
        saved.assignments,
        displays.filter((d) => wanted.has(String(d.id))),
      );
      const placements: WallPlacement[] = [];
      for (const display of displays) {
        const id = String(display.id);
        if (!wanted.has(id)) {
          closeOn(id);
          continue;
        }
        const layoutId = resolveLayout(
          request.assignments?.[id] ?? assignments[id]?.layoutId,
          request.layoutIds,
          request.defaultLayoutId,
        );
        assignments[id] = { layoutId, bounds: display.bounds };
        placements.push(openOn(display, layoutId));
      }
      saved = { open: true, assignments };
      save();
      return placements;
    },
    restore: () => (saved.open ? openSaved() : []),
    close() {
      for (const id of [...windows.keys()]) closeOn(id);
      saved = { ...saved, open: false };
      save();
    },
    noteLayout(wallId, layoutId) {
      const wall = saved.assignments[wallId];
      if (!wall || wall.layoutId === layoutId) return;
      saved = { ...saved, assignments: { ...saved.assignments, [wallId]: { ...wall, layoutId } } };
      save();
    },
    dispose() {
      deps.screen.removeListener('display-added', onAdded);
      deps.screen.removeListener('display-removed', onRemoved);
      deps.screen.removeListener('display-metrics-changed', onMetrics);
    },
  };
}
