import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAppProtocolHandler, resolveAppPath } from './app-protocol.js';

const root = path.resolve('/srv/pantau/renderer');

describe('app:// protocol', () => {
  it('maps console URLs into the renderer folder', () => {
    expect(resolveAppPath(root, 'app://console/')).toBe(path.join(root, 'index.html'));
    expect(resolveAppPath(root, 'app://console/assets/index.js')).toBe(path.join(root, 'assets/index.js'));
  });

  it('keeps dot segments inside the folder (the URL parser resolves them first)', () => {
    expect(resolveAppPath(root, 'app://console/../secret')).toBe(path.join(root, 'secret'));
    expect(resolveAppPath(root, 'app://console/%2e%2e/%2e%2e/etc/passwd')).toBe(path.join(root, 'etc/passwd'));
  });

  it.each([
    'app://console/a/..%2f..%2f..%2fb',
    'app://console/..%2f..%2fetc%2fpasswd',
    'app://other/index.html',
    'app://console/%00',
    'app://console/%E0%A4%A',
  ])('refuses %s', (url) => {
    expect(resolveAppPath(root, url)).toBeNull();
  });

  it('answers files with type and CSP, 404 and 403 otherwise', async () => {
    const files = new Map([[path.join(root, 'index.html'), new TextEncoder().encode('<html></html>')]]);
    const handler = createAppProtocolHandler({
      root,
      readFile: (p) => {
        const f = files.get(p);
        return f ? Promise.resolve(f) : Promise.reject(new Error('ENOENT'));
      },
    });
    const ok = await handler({ url: 'app://console/index.html' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('text/html');
    expect(ok.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await ok.text()).toBe('<html></html>');
    expect((await handler({ url: 'app://console/missing.js' })).status).toBe(404);
    expect((await handler({ url: 'app://console/..%2f..%2fx' })).status).toBe(403);
  });
});
