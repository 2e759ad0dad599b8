/**
 * The address of a wall-only window, `#/wall?layout=<id>&kiosk=1&wall=<wall id>` (the format
 * lives in `common/wall-url.ts`, shared with Electron's main process), and reading it from the
 * page: the wall view picks its layout from `layoutId` and hides the console's chrome when
 * `kiosk` is set.
 */
import { CONSOLE_PARAMS, parseWallHash, wallHash, wallWindowUrl, type WallParams } from '../../common/wall-url.js';

export { CONSOLE_PARAMS, parseWallHash, wallHash, wallWindowUrl, type WallParams };

/** This window's wall parameters ({@link CONSOLE_PARAMS} outside a browser or in the main console). */
export function currentWallParams(): WallParams {
  return typeof window === 'undefined' ? CONSOLE_PARAMS : parseWallHash(window.location.hash);
}

/** The URL of a wall window opened from this page (same entry page, wall hash). */
export function wallUrlFromHere(params: Partial<WallParams>): string {
  return wallWindowUrl(window.location.href, params);
}
