/**
 * The console's Content-Security-Policy, one source for its three deliverers: the Vite build
 * (a `<meta>` in index.html), the Electron `app://` protocol handler and the server's `/console/`
 * (response headers, which alone can carry `frame-ancestors`).
 *
 * Scripts only from the console's own origin (no inline script, no eval); no plugins, no
 * frames, no `<base>` rewriting, never framed. Exceptions and why:
 * - styles: Mantine writes its CSS variables in `<style>` elements. Where the page is served
 *   with a nonce (server and Electron), only `<style>` elements carrying it apply (Mantine's
 *   `getStyleNonce`, the nonce read from `<meta name="pantau-style-nonce">`); the build's
 *   `<meta>`, fixed at build time, keeps `'unsafe-inline'`. Style attributes React sets go
 *   through the CSSOM, which a policy does not govern.
 * - `media-src blob:` / `worker-src blob:`: mpegts.js feeds the `<video>` through a
 *   MediaSource `blob:` URL and runs its transmuxer in a `blob:` worker.
 * - `connect-src`: the server the console talks to. Served by it, that is `'self'` and its
 *   WebSocket origin; in Electron the server URL is chosen at run time (sign-in screen), after
 *   the document's policy is fixed, so any http(s)/ws(s) server.
 */

/** Name of the `<meta>` whose `content` is the page's style nonce. */
export const STYLE_NONCE_META = 'pantau-style-nonce';

/** What varies between the deliverers of the policy. */
export interface ConsolePolicyOptions {
  /** Base64 nonce of this response's `<style>` elements; none: `'unsafe-inline'` styles. */
  styleNonce?: string | undefined;
  /** Origins the console may connect and load images from besides its own; none: any http(s)/ws(s). */
  connectOrigins?: readonly string[] | undefined;
  /** Add `frame-ancestors 'none'` (headers only: browsers ignore it in a `<meta>`). */
  frameAncestors?: boolean;
}

/**
 * The policy as a header value.
 * @param o nonce, allowed origins, frame-ancestors
 */
export function consolePolicy(o: ConsolePolicyOptions = {}): string {
  const remote = o.connectOrigins ?? ['http:', 'https:', 'ws:', 'wss:'];
  const images = o.connectOrigins?.filter((x) => /^https?:/.test(x)) ?? ['http:', 'https:'];
  return [
    "default-src 'self'",
    "script-src 'self'",
    o.styleNonce ? `style-src 'self' 'nonce-${o.styleNonce}'` : "style-src 'self' 'unsafe-inline'",
    ['img-src', "'self'", 'data:', 'blob:', ...images].join(' '),
    "font-src 'self' data:",
    "media-src 'self' blob:",
    "worker-src 'self' blob:",
    ['connect-src', "'self'", ...remote].join(' '),
    "object-src 'none'",
    "base-uri 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    ...(o.frameAncestors ? ["frame-ancestors 'none'"] : []),
  ].join('; ');
}

/**
 * index.html with this response's style nonce in its `<meta>` (placed first in `<head>`).
 * @param html the built index.html
 * @param nonce base64 nonce (no quotes or angle brackets)
 */
export function withStyleNonce(html: string, nonce: string): string {
  return html.replace('<head>', `<head>\n    <meta name="${STYLE_NONCE_META}" content="${nonce}" />`);
}
