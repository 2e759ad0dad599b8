/**
 * Where the server is, and how to turn the paths it hands out into URLs.
 */

/**
 * Joins a server base (`http://host:8080`, possibly with a path prefix) and a path the server
 * returned (`/ws/streams/3?ticket=…`), switching `http`→`ws` and `https`→`wss`. An absolute
 * `ws(s)://` URL is returned unchanged; an absolute `http(s)://` URL only has its scheme switched.
 * @throws TypeError when the base is not a URL
 */
export function toWebSocketUrl(serverBase: string, pathOrUrl: string): string {
  if (/^wss?:\/\//i.test(pathOrUrl)) return pathOrUrl;
  const absolute = /^https?:\/\//i.test(pathOrUrl)
    ? new URL(pathOrUrl)
    : new URL(serverBase.replace(/\/+$/, '') + (pathOrUrl.startsWith('/') ? pathOrUrl : `/${pathOrUrl}`));
  absolute.protocol = absolute.protocol === 'https:' ? 'wss:' : 'ws:';
  return absolute.toString();
}

/** The server base in the browser console: the page's own origin (the server serves `/console/`). */
export function browserServerBase(location: { origin: string }): string {
  return location.origin;
}
