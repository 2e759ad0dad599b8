import { describe, expect, it } from 'vitest';
import { parseWallHash, wallHash, wallWindowUrl } from '../lib/wall-url.js';
import { openBrowserWalls, planScreenWalls, type ScreenDetailedLike, type WindowLike } from './open-walls.js';

const screen = (availLeft: number, availTop = 0): ScreenDetailedLike => ({
  availLeft,
  availTop,
  availWidth: 1920,
  availHeight: 1040,
});
const url = (p: { layoutId: number | null; kiosk: boolean; wallId: string }) =>
  wallWindowUrl('http://127.0.0.1:8080/console/#/groups', p);

function fakeWindow(
  details?: { screens: ScreenDetailedLike[]; current: number } | 'denied',
  blockAfter = Infinity,
): WindowLike & { opened: Array<[string, string, string]> } {
  const opened: Array<[string, string, string]> = [];
  const win: WindowLike & { opened: typeof opened } = {
    opened,
    open: (u, n, f) => {
      if (opened.length >= blockAfter) return null;
      opened.push([u, n, f]);
      return {};
    },
  };
  if (details === 'denied') win.getScreenDetails = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
  else if (details)
    win.getScreenDetails = () =>
      Promise.resolve({ screens: details.screens, currentScreen: details.screens[details.current]! });
  return win;
}

describe('wall URLs', () => {
  it('round-trips layout, kiosk and wall id', () => {
    expect(wallHash({ layoutId: 3, kiosk: true, wallId: 'screen-2' })).toBe('#/wall?layout=3&kiosk=1&wall=screen-2');
    expect(parseWallHash('#/wall?layout=3&kiosk=1&wall=screen-2')).toEqual({
      layoutId: 3,
      kiosk: true,
      wallId: 'screen-2',
    });
    expect(url({ layoutId: null, kiosk: true, wallId: 'w' })).toBe(
      'http://127.0.0.1:8080/console/#/wall?kiosk=1&wall=w',
    );
  });

  it.each(['', '#/groups', '#/wall?layout=-1', '#/wall?layout=abc', '#/wall?layout=0', '#/wallpaper?layout=3'])(
    'reads %j as no layout, no kiosk',
    (hash) => {
      expect(parseWallHash(hash)).toMatchObject({ layoutId: null });
      expect(parseWallHash(hash).kiosk).toBe(false);
    },
  );

  it('refuses a wall id with characters outside the allowed set', () => {
    expect(parseWallHash('#/wall?wall=%3Cscript%3E').wallId).toBeNull();
  });
});

describe('opening wall windows in a browser', () => {
  it('one screen: the wall opens on it', () => {
    const only = screen(0);
    expect(planScreenWalls({ screens: [only], currentScreen: only }, 7, url)).toEqual([
      {
        wallId: 'screen-1',
        url: 'http://127.0.0.1:8080/console/#/wall?layout=7&kiosk=1&wall=screen-1',
        features: 'popup,left=0,top=0,width=1920,height=1040',
      },
    ]);
  });

  it('three screens: one wall on each screen except the console’s, placed on it, left to right', async () => {
    const win = fakeWindow({ screens: [screen(1920), screen(0), screen(-1920)], current: 1 });
    expect(await openBrowserWalls(win, 7, url)).toEqual(['screen-3', 'screen-1']);
    expect(win.opened.map(([, name, features]) => [name, features])).toEqual([
      ['pantau-screen-3', 'popup,left=-1920,top=0,width=1920,height=1040'],
      ['pantau-screen-1', 'popup,left=1920,top=0,width=1920,height=1040'],
    ]);
  });

  it('without the API, or when permission is refused: one plain window per request', async () => {
    const plain = fakeWindow();
    const first = await openBrowserWalls(plain, 7, url);
    const second = await openBrowserWalls(plain, 8, url);
    expect(plain.opened).toHaveLength(2);
    expect(first[0]).not.toBe(second[0]);
    expect(parseWallHash(new URL(plain.opened[1]![0]).hash)).toMatchObject({ layoutId: 8, kiosk: true });
    const denied = fakeWindow('denied');
    expect(await openBrowserWalls(denied, 7, url)).toHaveLength(1);
  });

  it('leaves out windows a popup blocker refused', async () => {
    const win = fakeWindow({ screens: [screen(0), screen(1920), screen(3840)], current: 0 }, 1);
    expect(await openBrowserWalls(win, 7, url)).toEqual(['screen-2']);
  });
});
