import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient, DetectionLogBody } from '@pantau/shared';
import { personReId, startDetectionPoster, type DetectionPoster } from './detection-poster.js';

interface Call {
  at: number;
  body: DetectionLogBody;
}

/** A fetch that answers detection posts like the server; `fail(n)` makes the n-th call throw. */
function fakeFetch(
  opts: {
    throwOn?: (n: number) => boolean;
    answer?: (body: DetectionLogBody) => { status: number; json: unknown };
  } = {},
) {
  const calls: Call[] = [];
  const seen = new Set<string>();
  // a fetch is called with a Request (axios's fetch adapter) or with a URL and options
  const fn = (async (input: string | URL | Request, init?: RequestInit) => {
    const body = DetectionLogBody.parse(JSON.parse(await new Request(input, init).text()));
    calls.push({ at: performance.now(), body });
    if (opts.throwOn?.(calls.length)) throw new TypeError('fetch failed');
    const custom = opts.answer?.(body);
    if (custom) return new Response(JSON.stringify(custom.json), { status: custom.status });
    const dup = seen.has(body.event_id ?? '');
    seen.add(body.event_id ?? '');
    return new Response(
      JSON.stringify({ success: true, data: { status: dup ? 'duplicate' : 'processing', job_id: calls.length } }),
      {
        status: dup ? 200 : 202,
      },
    );
  }) as typeof fetch;
  return { fn, calls };
}

const targets = [
  { branch_id: 1, device_id: 'cam-jkt-01' },
  { branch_id: 2, device_id: 'cam-bdg-01' },
];
const client = (fetch: typeof globalThis.fetch) =>
  new ApiClient({ baseUrl: 'http://127.0.0.1:1', apiKey: { key: 'k', secret: 's' }, fetch });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let poster: DetectionPoster | undefined;
afterEach(async () => {
  await poster?.stop();
  poster = undefined;
});

describe('startDetectionPoster', () => {
  it('posts valid detections evenly spread at the given rate', async () => {
    // on the test's own clock: a busy CI machine delays real timers (5 gaps under 10 ms once,
    // the poster catching up), which says nothing about how the poster spreads its posts
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'performance', 'Date'] });
    try {
      const { fn, calls } = fakeFetch();
      poster = startDetectionPoster({ client: client(fn), targets, rate: 20 });
      await vi.advanceTimersByTimeAsync(1_020);
      await poster.stop();
      checkEvenlySpread(calls);
    } finally {
      vi.useRealTimers();
    }
  });

  function checkEvenlySpread(calls: Call[]): void {
    // 20/s over ~1 s: the first is sent at once, then one every 50 ms.
    expect(calls.length).toBeGreaterThanOrEqual(17);
    expect(calls.length).toBeLessThanOrEqual(23);
    const gaps = calls.slice(1).map((c, i) => c.at - (calls[i] as Call).at);
    const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)] as number;
    expect(median).toBeGreaterThan(35);
    expect(median).toBeLessThan(70);
    // no bursts: posts are spread out (one late timer on a loaded machine may close one gap)
    expect(gaps.filter((g) => g < 10).length).toBeLessThanOrEqual(1);
    for (const { body } of calls) {
      expect(targets).toContainEqual({ branch_id: body.branch_id, device_id: body.device_id });
      expect(body.detected_count).toBeGreaterThanOrEqual(1);
      expect(body.detected_count).toBeLessThanOrEqual(3);
      expect(body.re_id).toMatch(/^person-00[0-4]\d$/);
      expect(Math.abs(Date.parse(body.detection_timestamp as string) - Date.now())).toBeLessThan(5_000);
      expect(body.detection_data).toMatchObject({ confidence: expect.any(Number), bbox: expect.any(Array) });
    }
    expect(new Set(calls.map((c) => c.body.event_id)).size).toBe(calls.length);
    expect(poster!.stats()).toMatchObject({ posted: calls.length, accepted: calls.length, failed: 0, duplicate: 0 });
  }

  it('retries a post once with the same event_id when the server is unreachable', async () => {
    const { fn, calls } = fakeFetch({ throwOn: (n) => n === 1 });
    poster = startDetectionPoster({ client: client(fn), targets, rate: 2, retryDelayMs: 10 });
    await sleep(100);
    await poster.stop();
    expect(calls.length).toBe(2);
    expect(calls[1]?.body.event_id).toBe(calls[0]?.body.event_id);
    expect(poster.stats()).toMatchObject({ posted: 1, retried: 1, accepted: 1, failed: 0 });
  });

  it('sends a post refused as overloaded (503, retry_after_s) again after the time the server asked for', async () => {
    let n = 0;
    const times: number[] = [];
    const { fn, calls } = fakeFetch({
      answer: () => {
        n++;
        times.push(Date.now());
        if (n <= 2)
          return {
            status: 503,
            json: {
              success: false,
              error: { code: 'UNAVAILABLE', message: 'busy', details: { retry_after_s: 0.05, reason: 'in_flight' } },
            },
          };
        return { status: 202, json: { success: true, data: { status: 'processing', job_id: 1 } } };
      },
    });
    poster = startDetectionPoster({ client: client(fn), targets, rate: 2, retryDelayMs: 1_000 });
    await sleep(300);
    await poster.stop();
    expect(calls.length).toBe(3);
    expect(new Set(calls.map((c) => c.body.event_id)).size).toBe(1);
    // waited the 50 ms asked for, not the 1 s of an unreachable server
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(45);
    expect(times[2]! - times[0]!).toBeLessThan(900);
    expect(poster.stats()).toMatchObject({ posted: 1, retried: 2, accepted: 1, failed: 0 });
  });

  it('counts a duplicate answer and keeps going after refusals', async () => {
    let n = 0;
    const { fn, calls } = fakeFetch({
      answer: () => {
        n++;
        if (n === 1) return { status: 200, json: { success: true, data: { status: 'duplicate', job_id: 7 } } };
        if (n === 2)
          return {
            status: 404,
            json: {
              success: false,
              error: { code: 'UNKNOWN_DEVICE', message: 'no such device', details: { field: 'device_id' } },
            },
          };
        return { status: 202, json: { success: true, data: { status: 'processing', job_id: n } } };
      },
    });
    const warnings: object[] = [];
    poster = startDetectionPoster({ client: client(fn), targets, rate: 50, logger: { warn: (o) => warnings.push(o) } });
    await sleep(200);
    await poster.stop();
    const s = poster.stats();
    expect(s.duplicate).toBe(1);
    expect(s.failed).toBe(1);
    expect(s.accepted).toBe(calls.length - 2);
    expect(s.accepted).toBeGreaterThan(3);
    expect(warnings).toEqual([expect.objectContaining({ code: 'UNKNOWN_DEVICE' })]);
  });

  it('uses re-ids from a shared pool, so people recur across branches', async () => {
    const { fn, calls } = fakeFetch();
    poster = startDetectionPoster({ client: client(fn), targets, rate: 200, personPool: 10 });
    await sleep(300);
    await poster.stop();
    const branchesOf = new Map<string, Set<number>>();
    for (const { body } of calls)
      branchesOf.set(body.re_id, (branchesOf.get(body.re_id) ?? new Set()).add(body.branch_id));
    const everywhere = [...branchesOf.values()].filter((b) => b.size === 2).length;
    expect(everywhere).toBeGreaterThanOrEqual(5);
  });

  it('posts nothing at rate 0 and refuses a negative rate or no cameras', async () => {
    const { fn, calls } = fakeFetch();
    poster = startDetectionPoster({ client: client(fn), targets, rate: 0 });
    await sleep(50);
    expect(calls).toEqual([]);
    expect(() => startDetectionPoster({ client: client(fn), targets, rate: -1 })).toThrow(RangeError);
    expect(() => startDetectionPoster({ client: client(fn), targets: [], rate: 1 })).toThrow(RangeError);
  });

  it('stop() waits for posts in flight and is idempotent', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const slow = (async () => {
      await gate;
      return new Response(JSON.stringify({ success: true, data: { status: 'processing', job_id: 1 } }), {
        status: 202,
      });
    }) as typeof fetch;
    poster = startDetectionPoster({ client: client(slow), targets, rate: 1 });
    await sleep(20);
    let done = false;
    const stopping = Promise.all([poster.stop(), poster.stop()]).then(() => (done = true));
    await sleep(20);
    expect(done).toBe(false);
    release();
    await stopping;
    expect(poster.stats()).toMatchObject({ posted: 1, accepted: 1 });
  });
});

describe('personReId', () => {
  it('numbers people from 1 with four digits', () => {
    expect(personReId(0)).toBe('person-0001');
    expect(personReId(39)).toBe('person-0040');
  });
});
