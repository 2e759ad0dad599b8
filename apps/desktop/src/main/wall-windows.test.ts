import { describe, expect, it } from 'vitest';
import { parseWallHash } from '../common/wall-url.js';
import type { WallSyncMessage } from '../common/wall-sync.js';
import {
  adoptOrphans,
  createWallWindows,
  loadSavedWalls,
  resolveLayout,
  WALLS_KEY,
  type DisplayLike,
  type SavedWalls,
} from './wall-windows.js';
import { FakeScreen, FakeWindow, MemoryStore } from './testing/stand-ins.js';

const ENTRY = 'app://console/index.html';
const d = (id: number, x: number, y = 0, width = 1920, height = 1080): DisplayLike => ({
  id,
  bounds: { x, y, width, height },
});

function setup(displays: DisplayLike[], opts: { saved?: SavedWalls; consoleDisplay?: number } = {}) {
  const screen = new FakeScreen(displays);
  const store = new MemoryStore();
  if (opts.saved) store.set(WALLS_KEY, opts.saved);
  const created: FakeWindow[] = [];
  const published: WallSyncMessage[] = [];
  const walls = createWallWindows({
    screen,
    store,
    entryUrl: ENTRY,
    consoleDisplayId: () => (opts.consoleDisplay === undefined ? null : String(opts.consoleDisplay)),
    publish: (m) => published.push(m),
    createWindow: ({ displayId, bounds }) => {
      const win = new FakeWindow(displayId, bounds);
      created.push(win);
      return win;
    },
  });
  const open = () => created.filter((w) => !w.isDestroyed());
  /** display id → layout shown, read back from the URL each open window loaded. */
  const shown = () =>
    Object.fromEntries(open().map((w) => [w.displayId, parseWallHash(new URL(w.urls.at(-1) ?? '').hash).layoutId]));
  return { screen, store, walls, created, open, shown, published, saved: () => loadSavedWalls(store) };
}

describe('wall windows: placement', () => {
  it('one display: one kiosk wall on its bounds showing the default layout', () => {
    const { walls, open, saved } = setup([d(1, 0)]);
    const placements = walls.open({ layoutIds: [7, 8], defaultLayoutId: 7 });
    expect(placements).toEqual([{ displayId: '1', bounds: { x: 0, y: 0, width: 1920, height: 1080 }, layoutId: 7 }]);
    const [win] = open();
    expect(win?.bounds).toEqual({ x: 0, y: 0, width: 1920, height: 1080 });
    expect(win?.urls).toEqual([`${ENTRY}#/wall?layout=7&kiosk=1&wall=1`]);
    expect(saved()).toEqual({
      open: true,
      assignments: { '1': { layoutId: 7, bounds: { x: 0, y: 0, width: 1920, height: 1080 } } },
    });
  });

  it('two displays: the console keeps its own display, the other gets the wall', () => {
    const { walls, open, shown } = setup([d(1, 0), d(2, 1920)], { consoleDisplay: 1 });
    walls.open({ layoutIds: [7, 8], defaultLayoutId: 7, assignments: { '2': 8 } });
    expect(open().map((w) => [w.displayId, w.bounds.x])).toEqual([['2', 1920]]);
    expect(shown()).toEqual({ '2': 8 });
    expect(walls.displays().map((x) => [x.id, x.primary, x.open, x.layoutId])).toEqual([
      ['1', true, false, null],
      ['2', false, true, 8],
    ]);
  });

  it('four displays in a 2×2 block: one wall each, on each display bounds, in reading order', () => {
    const four = [d(40, 1920, 1080), d(10, 0, 0), d(30, 0, 1080), d(20, 1920, 0)];
    const { walls, open, shown } = setup(four);
    const placements = walls.open({
      layoutIds: [1, 2, 3, 4],
      defaultLayoutId: 1,
      assignments: { '10': 1, '20': 2, '30': 3, '40': 4 },
    });
    expect(placements.map((p) => p.displayId)).toEqual(['10', '30', '20', '40']);
    expect(open()).toHaveLength(4);
    for (const win of open()) expect(win.bounds).toEqual(four.find((x) => String(x.id) === win.displayId)?.bounds);
    expect(shown()).toEqual({ '10': 1, '20': 2, '30': 3, '40': 4 });
  });

  it('opening again re-targets open walls in place (no new window, a layout-selected message)', () => {
    const { walls, created, published, saved } = setup([d(1, 0), d(2, 1920)]);
    walls.open({ layoutIds: [7, 8], defaultLayoutId: 7 });
    walls.open({ layoutIds: [7, 8], defaultLayoutId: 7, assignments: { '2': 8 } });
    expect(created).toHaveLength(2);
    expect(published).toContainEqual({ type: 'layout-selected', source: 'main', wallId: '2', layoutId: 8 });
    expect(saved().assignments['2']?.layoutId).toBe(8);
  });

  it('a displayIds list closes walls on displays not asked for', () => {
    const { walls, open } = setup([d(1, 0), d(2, 1920)]);
    walls.open({ layoutIds: [7], defaultLayoutId: 7 });
    walls.open({ layoutIds: [7], defaultLayoutId: 7, displayIds: ['2'] });
    expect(open().map((w) => w.displayId)).toEqual(['2']);
  });
});

describe('wall windows: remembered and restored', () => {
  it('restores the saved walls at start, each with its layout', () => {
    const first = setup([d(1, 0), d(2, 1920)]);
    first.walls.open({ layoutIds: [7, 8], defaultLayoutId: 7, assignments: { '1': 8, '2': 7 } });
    const again = setup([d(1, 0), d(2, 1920)], { saved: first.saved() });
    again.walls.restore();
    expect(again.shown()).toEqual({ '1': 8, '2': 7 });
  });

  it('does not restore walls that were closed', () => {
    const first = setup([d(1, 0)]);
    first.walls.open({ layoutIds: [7], defaultLayoutId: 7 });
    first.walls.close();
    expect(first.open()).toHaveLength(0);
    const again = setup([d(1, 0)], { saved: first.saved() });
    expect(again.walls.restore()).toEqual([]);
    expect(again.saved().assignments['1']?.layoutId).toBe(7);
  });

  it('a saved layout that no longer exists falls back to the default, else the first layout', () => {
    const saved: SavedWalls = { open: true, assignments: { '1': { layoutId: 99, bounds: d(1, 0).bounds } } };
    const { walls, shown } = setup([d(1, 0)], { saved });
    walls.open({ layoutIds: [7, 8], defaultLayoutId: 8 });
    expect(shown()).toEqual({ '1': 8 });
    expect(resolveLayout(99, [7, 8], null)).toBe(7);
    expect(resolveLayout(99, [], null)).toBeNull();
    expect(resolveLayout(99, undefined, 7)).toBe(99);
  });

  it('a wall window choosing another layout updates its display assignment', () => {
    const { walls, saved } = setup([d(1, 0)]);
    walls.open({ layoutIds: [7, 8], defaultLayoutId: 7 });
    walls.noteLayout('1', 8);
    expect(saved().assignments['1']?.layoutId).toBe(8);
    walls.noteLayout('unknown', 8);
    expect(Object.keys(saved().assignments)).toEqual(['1']);
  });

  it('a saved assignment for a display that no longer exists is adopted by a free display with the same bounds', () => {
    const saved: SavedWalls = {
      open: true,
      assignments: { '1': { layoutId: 5, bounds: d(1, 0).bounds }, '2': { layoutId: 6, bounds: d(2, 1920).bounds } },
    };
    // Display 2 came back as 3 (new id) at the same place; display 4 is new, to its right.
    const { walls, shown, saved: after } = setup([d(1, 0), d(4, 3840), d(3, 1920)], { saved });
    walls.restore();
    expect(shown()).toEqual({ '1': 5, '3': 6 });
    expect(Object.keys(after().assignments).sort()).toEqual(['1', '3']);
  });

  it('an orphan with no free display stays saved and opens nothing', () => {
    const saved: SavedWalls = {
      open: true,
      assignments: { '1': { layoutId: 5, bounds: d(1, 0).bounds }, '9': { layoutId: 6, bounds: d(9, 1920).bounds } },
    };
    const { walls, shown, saved: after } = setup([d(1, 0)], { saved });
    walls.restore();
    expect(shown()).toEqual({ '1': 5 });
    expect(after().assignments['9']?.layoutId).toBe(6);
    expect(adoptOrphans({ '9': { layoutId: 6, bounds: d(9, 0).bounds } }, [d(1, 0)], new Set(['1']))).toEqual({
      '9': { layoutId: 6, bounds: d(9, 0).bounds },
    });
  });

  it('ignores a corrupt stored value', () => {
    const store = new MemoryStore();
    store.set(WALLS_KEY, { open: 'yes', assignments: [] });
    expect(loadSavedWalls(store)).toEqual({ open: false, assignments: {} });
  });
});

describe('wall windows: displays plugged and unplugged at runtime', () => {
  it('an unplugged display closes its wall and keeps its assignment; plugging it back reopens it', () => {
    const { screen, walls, open, shown, saved } = setup([d(1, 0), d(2, 1920)]);
    walls.open({ layoutIds: [7, 8], defaultLayoutId: 7, assignments: { '1': 7, '2': 8 } });
    screen.unplug(2);
    expect(open().map((w) => w.displayId)).toEqual(['1']);
    expect(saved().assignments['2']?.layoutId).toBe(8);
    screen.plug(d(2, 1920));
    expect(shown()).toEqual({ '1': 7, '2': 8 });
  });

  it('a new display with no assignment gets no wall; a replaced display adopts the lost one', () => {
    const { screen, walls, open, shown } = setup([d(1, 0), d(2, 1920)]);
    walls.open({ layoutIds: [7, 8], defaultLayoutId: 7, assignments: { '1': 7, '2': 8 } });
    screen.plug(d(3, 3840));
    expect(open()).toHaveLength(2);
    screen.unplug(2);
    screen.unplug(3);
    screen.plug(d(5, 1920));
    expect(shown()).toEqual({ '1': 7, '5': 8 });
  });

  it('with walls closed, plugging a display opens nothing', () => {
    const { screen, walls, open } = setup([d(1, 0), d(2, 1920)]);
    walls.open({ layoutIds: [7], defaultLayoutId: 7 });
    walls.close();
    screen.unplug(2);
    screen.plug(d(2, 1920));
    expect(open()).toHaveLength(0);
  });

  it('a resolution change moves the wall to the new bounds; dispose removes the listeners', () => {
    const { screen, walls, open } = setup([d(1, 0)]);
    walls.open({ layoutIds: [7], defaultLayoutId: 7 });
    const bigger = d(1, 0, 0, 2560, 1440);
    screen.displays = [bigger];
    for (const l of screen.listeners.get('display-metrics-changed') ?? []) l({}, bigger);
    expect(open()[0]?.bounds).toEqual(bigger.bounds);
    walls.dispose();
    expect(screen.listenerCount()).toBe(0);
  });

  it('a wall closed by the operator is forgotten as a window but stays assigned', () => {
    const { walls, open, saved } = setup([d(1, 0)]);
    walls.open({ layoutIds: [7], defaultLayoutId: 7 });
    open()[0]?.close();
    expect(walls.displays()[0]?.open).toBe(false);
    expect(saved().assignments['1']?.layoutId).toBe(7);
  });
});
