/**
 * The address of a wall-only window (DESIGN D3): the console's entry page with the hash
 * `#/wall?layout=<id>&kiosk=1&wall=<wall id>`. Electron's main process builds it for the wall
 * window it opens on each display; the browser console builds it for `window.open`; the wall
 * view reads it to pick its layout and, in kiosk mode, hide the console's chrome.
 */

/** What a wall window's address says. */
export interface WallParams {
  /** Layout to show; null: the default layout. */
  layoutId: number | null;
  /** Full-screen wall without header, tree or feed. */
  kiosk: boolean;
  /** Which wall this window is (display id in Electron, `screen-<n>` / `window-<n>` in a browser); null in the main console. */
  wallId: string | null;
}

/** The main console: no layout chosen, chrome shown, not a wall window. */
export const CONSOLE_PARAMS: WallParams = { layoutId: null, kiosk: false, wallId: null };

/** Builds the hash of a wall window, e.g. `#/wall?layout=3&kiosk=1&wall=2528732444`. */
export function wallHash(params: Partial<WallParams>): string {
  const q = new URLSearchParams();
  if (params.layoutId !== null && params.layoutId !== undefined) q.set('layout', String(params.layoutId));
  if (params.kiosk) q.set('kiosk', '1');
  if (params.wallId) q.set('wall', params.wallId);
  const query = q.toString();
  return query ? `#/wall?${query}` : '#/wall';
}

/**
 * Reads a wall window's hash. Anything else — another screen's hash (`#/groups`), an empty
 * hash, a malformed or non-positive layout id — gives {@link CONSOLE_PARAMS} for the parts it
 * does not name validly.
 */
export function parseWallHash(hash: string): WallParams {
  const match = /^#\/?wall(?:\?(.*))?$/.exec(hash);
  if (!match) return CONSOLE_PARAMS;
  const q = new URLSearchParams(match[1] ?? '');
  const raw = q.get('layout');
  const id = raw !== null && /^\d{1,9}$/.test(raw) ? Number(raw) : null;
  const wall = q.get('wall');
  return {
    layoutId: id !== null && id > 0 ? id : null,
    kiosk: q.get('kiosk') === '1',
    wallId: wall !== null && /^[\w.:-]{1,64}$/.test(wall) ? wall : null,
  };
}

/** The full URL of a wall window: `entryUrl` (any hash dropped) plus {@link wallHash}. */
export function wallWindowUrl(entryUrl: string, params: Partial<WallParams>): string {
  return entryUrl.replace(/#.*$/, '') + wallHash(params);
}
