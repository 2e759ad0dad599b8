/**
 * Serves the built renderer (`dist/renderer`) under `app://console/` inside Electron.
 *
 * Why not `file://`: pages loaded from files have the opaque origin `null`, which a server
 * cannot safely allow in CORS; `app://console` is a real origin the server can allow-list.
 * The handler also sends the console's CSP as a header (index.html with a fresh style nonce,
 * so only Mantine's own `<style>` elements apply; packages/shared/src/csp.ts) and refuses any
 * path that leaves the renderer folder.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { consolePolicy, withStyleNonce } from '@pantau/shared';
import { APP_HOST } from '../common/ipc-channels.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

/** Dependencies of the protocol handler. */
export interface AppProtocolOptions {
  /** Absolute path of the renderer build. */
  root: string;
  /** Reads a file; rejects when it does not exist. */
  readFile(absPath: string): Promise<Uint8Array>;
}

/**
 * Maps an `app://console/...` URL to a file under `root`, or `null` when the URL is for
 * another host or escapes `root` (`..`, encoded or not). `/` maps to `index.html`.
 */
export function resolveAppPath(root: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  const relative = pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^\/+/, '');
  const absRoot = path.resolve(root);
  const abs = path.resolve(absRoot, relative);
  if (abs !== absRoot && !abs.startsWith(absRoot + path.sep)) return null;
  return abs;
}

/** A `protocol.handle` handler: files with their content type, CSP on every answer, 404 otherwise. */
export function createAppProtocolHandler(opts: AppProtocolOptions): (request: { url: string }) => Promise<Response> {
  return async (request) => {
    const headers = {
      'content-security-policy': consolePolicy({ frameAncestors: true }),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    };
    const abs = resolveAppPath(opts.root, request.url);
    if (abs === null) return new Response('forbidden', { status: 403, headers });
    try {
      const body = await opts.readFile(abs);
      const type = CONTENT_TYPES[path.extname(abs).toLowerCase()] ?? 'application/octet-stream';
      if (path.basename(abs) === 'index.html') {
        const nonce = crypto.randomBytes(16).toString('base64');
        return new Response(withStyleNonce(new TextDecoder().decode(body), nonce), {
          status: 200,
          headers: {
            ...headers,
            'content-security-policy': consolePolicy({ styleNonce: nonce, frameAncestors: true }),
            'content-type': type,
          },
        });
      }
      return new Response(body as Uint8Array<ArrayBuffer>, {
        status: 200,
        headers: { ...headers, 'content-type': type },
      });
    } catch {
      return new Response('not found', { status: 404, headers });
    }
  };
}
