import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLiveTicket, verifyLiveTicket } from './live-ticket.js';

const secret = randomBytes(32);
const input = { streamId: 12, quality: 'sub' as const, userId: 3 };

describe('live tickets', () => {
  it('round-trips stream, quality, user and expiry', () => {
    const now = 1_700_000_000_000;
    const { ticket, expiresAt } = createLiveTicket(secret, { ...input, now });
    expect(expiresAt).toBe(now + 60_000);
    expect(ticket).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyLiveTicket(secret, ticket, now + 59_999, { streamId: 12, quality: 'sub' })).toEqual({
      ok: true,
      claims: { streamId: 12, quality: 'sub', userId: 3, expiresAt },
    });
  });

  it('gives two tickets for the same request different values', () => {
    expect(createLiveTicket(secret, input).ticket).not.toBe(createLiveTicket(secret, input).ticket);
  });

  it('refuses an expired ticket', () => {
    const { ticket, expiresAt } = createLiveTicket(secret, { ...input, ttlMs: 1000, now: 5000 });
    const r = verifyLiveTicket(secret, ticket, expiresAt);
    expect(r).toMatchObject({ ok: false, error: 'EXPIRED' });
  });

  it('refuses a ticket signed with another secret, or altered', () => {
    const { ticket } = createLiveTicket(secret, input);
    expect(verifyLiveTicket(randomBytes(32), ticket)).toMatchObject({ ok: false, error: 'BAD_SIGNATURE' });
    const [v, payload, sig] = ticket.split('.') as [string, string, string];
    // Same signature, payload claiming another stream.
    const forged = Buffer.from(JSON.stringify({ s: 13, q: 'sub', u: 3, e: Date.now() + 60_000, n: 'x' })).toString(
      'base64url',
    );
    expect(verifyLiveTicket(secret, `${v}.${forged}.${sig}`)).toMatchObject({ ok: false, error: 'BAD_SIGNATURE' });
    // Truncated signature (different length must not throw in timingSafeEqual).
    expect(verifyLiveTicket(secret, `${v}.${payload}.${sig.slice(0, 10)}`)).toMatchObject({
      ok: false,
      error: 'BAD_SIGNATURE',
    });
  });

  it('refuses a ticket for another stream or quality', () => {
    const { ticket } = createLiveTicket(secret, input);
    expect(verifyLiveTicket(secret, ticket, Date.now(), { streamId: 13, quality: 'sub' })).toMatchObject({
      ok: false,
      error: 'WRONG_STREAM',
    });
    expect(verifyLiveTicket(secret, ticket, Date.now(), { streamId: 12, quality: 'main' })).toMatchObject({
      ok: false,
      error: 'WRONG_STREAM',
    });
  });

  it.each(['', 'x', 'v1.a', 'v2.a.b', 'v1..b', 'v1.a.', '.'.repeat(600), `v1.${'a'.repeat(600)}.b`])(
    'refuses malformed %j',
    (bad) => {
      expect(verifyLiveTicket(secret, bad)).toMatchObject({ ok: false, error: 'MALFORMED' });
    },
  );

  it('refuses a correctly signed payload of the wrong shape', () => {
    // Sign garbage with the real key, the way live-ticket.ts signs.
    const payload = Buffer.from(JSON.stringify({ s: 'twelve' })).toString('base64url');
    const sig = createHmac('sha256', secret).update('pantau-live-ticket.v1.').update(payload).digest('base64url');
    expect(verifyLiveTicket(secret, `v1.${payload}.${sig}`)).toMatchObject({ ok: false, error: 'MALFORMED' });
  });

  it('throws on a short secret or a bad ttl (configuration errors)', () => {
    expect(() => createLiveTicket(Buffer.alloc(8), input)).toThrow(RangeError);
    expect(() => verifyLiveTicket(Buffer.alloc(8), 'v1.a.b')).toThrow(RangeError);
    expect(() => createLiveTicket(secret, { ...input, ttlMs: 0 })).toThrow(RangeError);
  });
});
