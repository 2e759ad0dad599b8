/**
 * Opening wall windows from the console (DESIGN D3).
 *
 * - Electron: main opens one kiosk window per display (`walls:open`, see `main/wall-windows.ts`).
 * - Browser with the Window Management API (`window.getScreenDetails()`, Chromium ≥ 100, asks
 *   the user once for the "window management" permission): one window per screen other than
 *   the console's own, placed on that screen's available area.
 * - Otherwise: one plain `window.open` per request, each a new wall (`window-<n>`).
 * Each browser window opens this page with `#/wall?layout=<id>&kiosk=1&wall=<id>`.
 * Source: W3C Window Management, https://w3c.github.io/window-management/ (ScreenDetails, ScreenDetailed).
 */
import { wallUrlFromHere } from '../lib/wall-url.js';

/** A screen as the Window Management API describes it (px, in the multi-screen space). */
export interface ScreenDetailedLike {
  availLeft: number;
  availTop: number;
  availWidth: number;
  availHeight: number;
  label?: string;
  isPrimary?: boolean;
}

/** `window.getScreenDetails()` result. */
export interface ScreenDetailsLike {
  screens: readonly ScreenDetailedLike[];
  currentScreen: ScreenDetailedLike;
}

/** Builds a wall window's URL. */
export type WallUrlMaker = (params: { layoutId: number | null; kiosk: boolean; wallId: string }) => string;

/** Where and what one browser wall window shows. */
export interface BrowserWallPlan {
  wallId: string;
  url: string;
  /** `window.open` features: position and size (px). */
  features: string;
}

/** The `window` members used to open walls. */
export interface WindowLike {
  open(url: string, target: string, features: string): unknown;
  getScreenDetails?: () => Promise<ScreenDetailsLike>;
}

/** One wall per screen other than `currentScreen` (or on the only screen when there is one). */
export function planScreenWalls(
  details: ScreenDetailsLike,
  layoutId: number | null,
  url: WallUrlMaker,
): BrowserWallPlan[] {
  const others =
    details.screens.length > 1 ? details.screens.filter((s) => s !== details.currentScreen) : details.screens;
  return [...others]
    .sort((a, b) => a.availLeft - b.availLeft || a.availTop - b.availTop)
    .map((s) => {
      const wallId = `screen-${details.screens.indexOf(s) + 1}`;
      return {
        wallId,
        url: url({ layoutId, kiosk: true, wallId }),
        features: `popup,left=${s.availLeft},top=${s.availTop},width=${s.availWidth},height=${s.availHeight}`,
      };
    });
}

let plainCount = 0;

/**
 * Opens wall windows in a browser: per screen when the Window Management API is there and
 * permitted, else one new window. Returns the walls opened (a popup blocker may refuse some:
 * those are left out).
 */
export async function openBrowserWalls(
  win: WindowLike,
  layoutId: number | null,
  url: WallUrlMaker = wallUrlFromHere,
): Promise<string[]> {
  let plans: BrowserWallPlan[] | null = null;
  if (typeof win.getScreenDetails === 'function') {
    try {
      plans = planScreenWalls(await win.getScreenDetails(), layoutId, url);
    } catch {
      // Permission refused or not available: fall back to a plain window.
      plans = null;
    }
  }
  if (!plans) {
    plainCount += 1;
    const wallId = `window-${plainCount}`;
    plans = [{ wallId, url: url({ layoutId, kiosk: true, wallId }), features: 'popup,width=1280,height=720' }];
  }
  return plans.filter((p) => win.open(p.url, `pantau-${p.wallId}`, p.features) !== null).map((p) => p.wallId);
}
