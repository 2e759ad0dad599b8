/**
 * CORS for the Electron console (origin app://console): the device headers may be sent and
 * the rate-limit headers may be read — the credentials screen's test console shows them.
 * Other origins get no CORS grant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../test-support/harness.js';

describe('CORS', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  it('lets app://console send device headers and read the rate-limit headers', async () => {
    const pre = await fetch(`${h.server.url}/api/v1/detection/log`, {
      method: 'OPTIONS',
      headers: {
        origin: 'app://console',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-api-key,x-api-secret,content-type',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('app://console');
    expect(pre.headers.get('access-control-allow-headers')).toContain('x-api-secret');
    const res = await fetch(`${h.server.url}/api/v1/detection/log`, {
      method: 'POST',
      headers: {
        origin: 'app://console',
        'content-type': 'application/json',
        'x-api-key': h.credential.key,
        'x-api-secret': h.credential.secret,
      },
      body: JSON.stringify({ re_id: 'cors-1', branch_id: h.branches[0]!.id, device_id: 'cam-1', detected_count: 1 }),
    });
    expect(res.status).toBe(202);
    const exposed = (res.headers.get('access-control-expose-headers') ?? '').split(',').map((x) => x.trim());
    expect(exposed).toEqual(
      expect.arrayContaining(['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'retry-after']),
    );
    expect(res.headers.get('x-ratelimit-remaining')).not.toBeNull();
  });

  it('grants nothing to another origin', async () => {
    const res = await fetch(`${h.server.url}/health`, { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
