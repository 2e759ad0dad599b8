/**
 * The console's Content-Security-Policy, shared by the Vite build (a `<meta>` in index.html,
 * which is what the browser console at `/console` gets) and the Electron `app://` protocol
 * handler (a response header).
 *
 * Scripts only from the console's own origin (no inline script, no eval); no plugins, no
 * frames, no `<base>` rewriting. Exceptions and why:
 * - `style-src 'unsafe-inline'`: Mantine writes its CSS variables in a `<style>` element and
 *   style attributes.
 * - `media-src blob:` / `worker-src blob:`: mpegts.js feeds the `<video>` through a
 *   MediaSource `blob:` URL and runs its transmuxer in a `blob:` worker.
 * - `connect-src http: https: ws: wss:`: in Electron the server URL is chosen at run time
 *   (sign-in screen), after this document's policy is fixed; REST calls, `/ws` and the stream
 *   gateway's WebSockets all go there. The server serving `/console` may send a narrower header.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: http: https:",
  "font-src 'self' data:",
  "media-src 'self' blob:",
  "worker-src 'self' blob:",
  "connect-src 'self' http: https: ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-src 'none'",
  "form-action 'none'",
].join('; ');
