/**
 * The sign-in limits of issue 16, item 4, over HTTP on a real server: the per-address limit keys
 * on the client's own address (behind a trusted proxy, `X-Forwarded-For`; otherwise the socket's
 * peer, whatever the header says), and the per-account limit is a progressive delay, not a
 * lockout. Also: the device key check's per-address limit gets the same real address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../test-support/harness.js';
import {
  LOGIN_DELAY_MAX_S,
  LOGIN_FAILURES_PER_ADDRESS,
  LOGIN_FREE_FAILURES_PER_ACCOUNT,
  accountDelayS,
} from './auth-service.js';
import { FAILED_AUTH_PER_ADDRESS } from './credential-service.js';

const stops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const s of stops) await s();
});
async function harness(trustedProxies: string[]): Promise<Harness> {
  const h = await startHarness({ trustedProxies });
  stops.push(() => h.stop());
  return h;
}

interface Answer {
  status: number;
  code: string;
  retryAfter: number | null;
  details: Record<string, unknown> | undefined;
}

/** POST /auth/login, optionally through a "proxy" that says the client is `forwardedFor`. */
async function login(h: Harness, email: string, password: string, forwardedFor?: string): Promise<Answer> {
  const res = await fetch(`${h.server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(forwardedFor && { 'x-forwarded-for': forwardedFor }) },
    body: JSON.stringify({ email, password }),
  });
  const body = (await res.json()) as { success: boolean; error?: { code: string; details?: Record<string, unknown> } };
  const ra = res.headers.get('retry-after');
  return {
    status: res.status,
    code: body.success ? 'OK' : body.error!.code,
    retryAfter: ra === null ? null : Number(ra),
    details: body.error?.details,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ADMIN = 'admin@test.local';
const ADMIN_PW = 'admin-password';

describe('accountDelayS', () => {
  it('waits nothing for the first four failures, then 1 s doubling up to the cap', () => {
    const delays = Array.from({ length: 12 }, (_, i) => accountDelayS(i));
    expect(LOGIN_FREE_FAILURES_PER_ACCOUNT).toBe(5);
    expect(delays).toEqual([0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 30, 30]);
    expect(accountDelayS(10_000)).toBe(LOGIN_DELAY_MAX_S);
  });
});

describe('per-address limit on the real client address', () => {
  it("behind a trusted proxy, one client's failures do not lock another client's sign-ins", async () => {
    const h = await harness(['127.0.0.1']);
    // many accounts, so only the address limit is reached
    for (let i = 0; i < LOGIN_FAILURES_PER_ADDRESS; i++)
      expect((await login(h, `nobody${i}@test.local`, 'wrong', '203.0.113.5')).code).toBe('INVALID_CREDENTIALS');
    const locked = await login(h, ADMIN, ADMIN_PW, '203.0.113.5');
    expect(locked).toMatchObject({ status: 429, code: 'RATE_LIMITED', details: { reason: 'address' } });
    expect(locked.retryAfter).toBeGreaterThan(LOGIN_DELAY_MAX_S); // the window's rest, minutes
    expect((await login(h, ADMIN, ADMIN_PW, '198.51.100.7')).code).toBe('OK');
    // the proxy's own address (no header) is another client too
    expect((await login(h, ADMIN, ADMIN_PW)).code).toBe('OK');
  });

  it('without a trusted proxy, a forged X-Forwarded-For changes nothing: the socket peer is the address', async () => {
    const h = await harness([]);
    for (let i = 0; i < LOGIN_FAILURES_PER_ADDRESS; i++)
      expect((await login(h, `nobody${i}@test.local`, 'wrong', `203.0.113.${i}`)).code).toBe('INVALID_CREDENTIALS');
    expect(await login(h, ADMIN, ADMIN_PW, '198.51.100.7')).toMatchObject({
      code: 'RATE_LIMITED',
      details: { reason: 'address' },
    });
  });
});

describe('per-account progressive delay', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(['127.0.0.1']);
  });

  it("after five failures the account waits 1 s, 2 s, 4 s between attempts; refusals don't check the password; a new address gets in after the wait", async () => {
    const attacker = '203.0.113.66';
    for (let i = 0; i < LOGIN_FREE_FAILURES_PER_ACCOUNT; i++)
      expect((await login(h, ADMIN, 'guess', attacker)).code).toBe('INVALID_CREDENTIALS');
    // within the wait even the right password is refused: it is not checked
    const early = await login(h, ADMIN, ADMIN_PW, attacker);
    expect(early).toMatchObject({
      status: 429,
      code: 'RATE_LIMITED',
      retryAfter: 1,
      details: { reason: 'account', retry_after_s: 1 },
    });
    // so is an address that never signed in to this account, though it has not failed
    expect(await login(h, ADMIN, ADMIN_PW, '198.51.100.20')).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 1 });

    const waits: number[] = [];
    for (let i = 0; i < 2; i++) {
      await sleep(1000 * (waits.at(-1) ?? 1) + 50);
      expect((await login(h, ADMIN, 'guess', attacker)).code).toBe('INVALID_CREDENTIALS');
      const r = await login(h, ADMIN, 'guess', attacker);
      expect(r.code).toBe('RATE_LIMITED');
      waits.push(r.retryAfter!);
    }
    expect(waits).toEqual([2, 4]);
    // the refusals in between did not lengthen the wait
    await sleep(4000 + 50);
    expect((await login(h, ADMIN, ADMIN_PW, '198.51.100.20')).code).toBe('OK');
    // and the success cleared the account's count: the next failure waits nothing
    expect((await login(h, ADMIN, 'typo', '198.51.100.20')).code).toBe('INVALID_CREDENTIALS');
    expect((await login(h, ADMIN, ADMIN_PW, '198.51.100.21')).code).toBe('OK');
  }, 20_000);

  it('an address the account signed in from before is not kept waiting by someone else guessing', async () => {
    await h.server.services.auth.createUser({ email: 'op@test.local', password: 'op-password', role: 'operator' });
    expect((await login(h, 'op@test.local', 'op-password', '198.51.100.30')).code).toBe('OK');
    for (let i = 0; i < LOGIN_FREE_FAILURES_PER_ACCOUNT + 1; i++)
      await login(h, 'op@test.local', 'guess', '203.0.113.77');
    expect((await login(h, 'op@test.local', 'op-password', '203.0.113.78')).code).toBe('RATE_LIMITED');
    expect((await login(h, 'op@test.local', 'op-password', '198.51.100.30')).code).toBe('OK');
  });

  it('parallel guesses after the wait get one password check, not one each', async () => {
    await h.server.services.auth.createUser({ email: 'par@test.local', password: 'par-password', role: 'viewer' });
    for (let i = 0; i < LOGIN_FREE_FAILURES_PER_ACCOUNT; i++) await login(h, 'par@test.local', 'guess', '203.0.113.88');
    await sleep(1050);
    const codes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => login(h, 'par@test.local', `guess-${i}`, `203.0.113.${100 + i}`)),
    ).then((rs) => rs.map((r) => r.code));
    expect(codes.filter((c) => c === 'INVALID_CREDENTIALS')).toHaveLength(1);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(9);
  });

  it('an unknown email is slowed exactly like a real one (the delay tells nobody which accounts exist)', async () => {
    for (let i = 0; i < LOGIN_FREE_FAILURES_PER_ACCOUNT; i++)
      expect((await login(h, 'ghost@test.local', 'guess', '203.0.113.99')).code).toBe('INVALID_CREDENTIALS');
    expect(await login(h, 'ghost@test.local', 'guess', '203.0.113.99')).toMatchObject({
      code: 'RATE_LIMITED',
      details: { reason: 'account', retry_after_s: 1 },
    });
  });
});

describe('device key check', () => {
  it('keys its failed-attempt limit on the real client address behind a trusted proxy', async () => {
    const h = await harness(['127.0.0.1']);
    const heartbeat = (secret: string, forwardedFor: string) =>
      fetch(`${h.server.url}/api/v1/devices/heartbeat`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-api-key': h.credential.key,
          'x-api-secret': secret,
          'x-forwarded-for': forwardedFor,
        },
        body: JSON.stringify({ device_id: 'cam-1', status: 'online' }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error?: { code: string } } }));
    for (let i = 0; i < FAILED_AUTH_PER_ADDRESS; i++)
      expect((await heartbeat('wrong-secret', '203.0.113.9')).status).toBe(401);
    expect((await heartbeat(h.credential.secret, '203.0.113.9')).body.error?.code).toBe('RATE_LIMITED');
    const other = await heartbeat(h.credential.secret, '198.51.100.9');
    expect(other.body.error?.code).toBeUndefined();
    expect(other.status).toBeLessThan(300);
  });
});
