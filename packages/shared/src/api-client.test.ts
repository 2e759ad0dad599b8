/**
 * The typed client: its methods follow from the route table (types checked by `tsc` through
 * `expectTypeOf`), it puts each argument where the declaration says (path, body, query), reads
 * the envelope (data; `{ items, meta }`; `{ status, data }`), keeps the session token, and turns
 * every failure into a PantauError with the server's code and details.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ApiClient } from './api-client.js';
import { PantauError } from './errors.js';
import type { Alarm } from './schemas/alarms.js';
import type { Group } from './schemas/organisation.js';
import type { PageMeta } from './schemas/common.js';

interface Seen {
  method: string;
  url: URL;
  headers: Headers;
  body: string;
}

/** A fetch answering from `answer`, recording what was sent. */
function stub(answer: (req: Seen) => Response | Promise<Response>) {
  const seen: Seen[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const req = new Request(input, init);
    const s = { method: req.method, url: new URL(req.url), headers: req.headers, body: await req.text() };
    seen.push(s);
    return answer(s);
  }) as typeof globalThis.fetch;
  return { fetch, seen };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const ok = (data: unknown, extra: object = {}, status = 200) => json(status, { success: true, data, ...extra });

describe('ApiClient types (checked by tsc)', () => {
  it('derives arguments and results from the route declarations', () => {
    const c = new ApiClient({ baseUrl: 'http://x' });
    expectTypeOf(c.getGroup).parameters.toEqualTypeOf<[id: number]>();
    expectTypeOf(c.getGroup).returns.resolves.toEqualTypeOf<Group>();
    expectTypeOf(c.groupsPage).returns.resolves.toEqualTypeOf<{ items: Group[]; meta: PageMeta }>();
    expectTypeOf(c.logDetection).returns.resolves.toHaveProperty('status').toEqualTypeOf<202 | 200>();
    expectTypeOf(c.acknowledgeAlarm).returns.resolves.toEqualTypeOf<Alarm>();
    expectTypeOf(c.alarmsPage)
      .parameter(0)
      .exclude<undefined>()
      .toHaveProperty('escalated')
      .toEqualTypeOf<'true' | 'false' | undefined>();
    expectTypeOf(c.groupsPage)
      .parameter(0)
      .exclude<undefined>()
      .toHaveProperty('page')
      .toEqualTypeOf<number | undefined>();
    // never called: what the compiler must refuse
    const refused = () => {
      // @ts-expect-error an id is a number
      void c.getGroup('3');
      // @ts-expect-error a note is required
      void c.noteAlarm(3);
      // @ts-expect-error no method for a route that answers with a file
      void c.file;
    };
    expectTypeOf(refused).toBeFunction();
  });
});

describe('ApiClient calls', () => {
  it('puts path parameters, body and query where the route declares them', async () => {
    const { fetch, seen } = stub(() => ok({ id: 3 }));
    const c = new ApiClient({ baseUrl: 'http://srv:1/', token: 't', fetch });
    await c.updateGroup(3, { group_name: 'Jawa' });
    await c.liveStream(7, { quality: 'main' });
    await c.person('a b/c');
    await c.revokeCredential(9);
    await c.deleteGroup(4);
    expect(seen.map((s) => `${s.method} ${s.url.pathname}${s.url.search}`)).toEqual([
      'PATCH /api/v1/groups/3',
      'GET /api/v1/streams/7/live?quality=main',
      'GET /api/v1/persons/a%20b%2Fc',
      'POST /api/v1/credentials/9/revoke',
      'DELETE /api/v1/groups/4',
    ]);
    expect(JSON.parse(seen[0]!.body)).toEqual({ group_name: 'Jawa' });
    expect(seen[0]!.headers.get('content-type')).toMatch(/^application\/json/);
    expect(seen[0]!.headers.get('authorization')).toBe('Bearer t');
    // an action without a body sends an empty object; a GET or DELETE sends nothing
    expect(seen[3]!.body).toBe('{}');
    expect([seen[1]!.body, seen[4]!.body]).toEqual(['', '']);
    expect(seen[4]!.headers.get('content-type')).toBeNull();
  });

  it('returns { items, meta } for a paged route and { status, data } for a route with several statuses', async () => {
    const meta = { page: 2, per_page: 1, total: 3 };
    let status = 202;
    const { fetch, seen } = stub((s) =>
      s.url.pathname === '/api/v1/groups'
        ? ok([{ id: 1 }], { meta })
        : ok({ status: status === 202 ? 'processing' : 'duplicate', job_id: 5 }, {}, status),
    );
    const c = new ApiClient({ baseUrl: 'http://srv', apiKey: { key: 'k', secret: 's' }, fetch });
    expect(await c.groupsPage({ page: 2, per_page: 1, q: undefined })).toEqual({ items: [{ id: 1 }], meta });
    expect(seen[0]!.url.search).toBe('?page=2&per_page=1');
    const body = { re_id: 'p', branch_id: 1, device_id: 'cam-1', detected_count: 1 };
    expect(await c.logDetection(body)).toEqual({ status: 202, data: { status: 'processing', job_id: 5 } });
    status = 200;
    expect((await c.logDetection(body)).status).toBe(200);
    expect(seen[1]!.headers.get('x-api-key')).toBe('k');
    expect(seen[1]!.headers.get('x-api-secret')).toBe('s');
    expect(await c.listGroups()).toEqual([{ id: 1 }]);
    expect(seen.at(-1)!.url.searchParams.get('per_page')).toBe('500');
  });

  it('keeps the token of a sign-in for the next calls', async () => {
    const { fetch, seen } = stub((s) =>
      s.url.pathname.endsWith('/login') ? ok({ token: 'tok-1', user: {} }) : ok({}),
    );
    const c = new ApiClient({ baseUrl: 'http://srv', fetch });
    await c.login({ email: 'a@b.c', password: 'pw' });
    expect(c.token).toBe('tok-1');
    await c.me();
    expect(seen[1]!.headers.get('authorization')).toBe('Bearer tok-1');
  });

  it('throws the failure envelope as a PantauError with code, status and details', async () => {
    const { fetch } = stub(() =>
      json(400, {
        success: false,
        error: { code: 'VALIDATION_ERROR', message: 'group_name: too short', details: { field: 'group_name' } },
      }),
    );
    const c = new ApiClient({ baseUrl: 'http://srv', fetch });
    const e = await c.createGroup({ province_code: 'X', province_name: 'X', group_name: '' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PantauError);
    expect(e).toMatchObject({ code: 'VALIDATION_ERROR', status: 400, details: { field: 'group_name' } });
  });

  it('says UNAVAILABLE when the server cannot be reached or does not answer in time, INTERNAL_ERROR for a non-JSON answer', async () => {
    const down = new ApiClient({
      baseUrl: 'http://srv',
      fetch: (async () => {
        throw new TypeError('fetch failed');
      }) as typeof globalThis.fetch,
    });
    await expect(down.me()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    const slow = new ApiClient({
      baseUrl: 'http://srv',
      timeoutMs: 50,
      fetch: ((input: string | URL | Request, init?: RequestInit) =>
        new Promise((_, reject) => {
          const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
          signal?.addEventListener('abort', () => reject(new Error('aborted')));
        })) as typeof globalThis.fetch,
    });
    await expect(slow.me()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    const proxy = new ApiClient({
      baseUrl: 'http://srv',
      fetch: stub(() => new Response('<html>bad gateway</html>', { status: 502 })).fetch,
    });
    await expect(proxy.me()).rejects.toMatchObject({ code: 'INTERNAL_ERROR', message: expect.stringContaining('502') });
  });

  it('hands back any answer as it came with raw()', async () => {
    const { fetch } = stub(() =>
      json(429, { success: false, error: { code: 'RATE_LIMITED', message: 'slow down' } }, { 'retry-after': '7' }),
    );
    const r = await new ApiClient({ baseUrl: 'http://srv', fetch }).raw('POST', '/api/v1/detection/log', {
      re_id: 'x',
    });
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('7');
    expect(r.body).toMatchObject({ error: { code: 'RATE_LIMITED' } });
  });
});
