/**
 * Live tickets: short-lived, HMAC-SHA256-signed tokens that let a browser open the gateway's
 * WebSocket for one stream (browsers cannot set headers on a WebSocket, so the ticket travels
 * in the URL). A ticket binds stream id, quality, user id and expiry; it authorises connecting
 * only — a viewer stays connected after the ticket expires.
 *
 * Format: `v1.<payload>.<signature>`, both base64url; payload is JSON
 * `{ s: streamId, q: quality, u: userId, e: expiresAtMs, n: nonce }`; the signature is
 * HMAC-SHA256(secret, "pantau-live-ticket.v1." + payload).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { StreamQuality } from '@pantau/shared';

/** What a valid ticket grants. */
export interface LiveTicketClaims {
  streamId: number;
  quality: StreamQuality;
  userId: number;
  /** Epoch ms after which the ticket no longer opens a connection. */
  expiresAt: number;
}

/** Why a ticket was refused. */
export type LiveTicketError = 'MALFORMED' | 'BAD_SIGNATURE' | 'EXPIRED' | 'WRONG_STREAM';

/** Result of {@link verifyLiveTicket}: the claims, or a reason as a value. */
export type LiveTicketResult =
  { ok: true; claims: LiveTicketClaims } | { ok: false; error: LiveTicketError; message: string };

/** Default time a ticket gives the player to connect, ms. */
export const DEFAULT_TICKET_TTL_MS = 60_000;
/** Shortest accepted secret, bytes. */
export const MIN_TICKET_SECRET_BYTES = 16;
/** Longest string accepted as a ticket, characters (anything longer is refused unread). */
const MAX_TICKET_LENGTH = 512;
const VERSION = 'v1';
const CONTEXT = 'pantau-live-ticket.v1.';

const Payload = z.object({
  s: z.int().positive(),
  q: StreamQuality,
  u: z.int().positive(),
  e: z.int().positive(),
  n: z.string().max(32),
});

function sign(secret: Buffer, payload: string): Buffer {
  return createHmac('sha256', secret).update(CONTEXT).update(payload).digest();
}

function checkSecret(secret: Buffer): void {
  if (secret.length < MIN_TICKET_SECRET_BYTES) {
    throw new RangeError(`live ticket secret must be at least ${MIN_TICKET_SECRET_BYTES} bytes`);
  }
}

/**
 * Create a ticket.
 * @param secret HMAC key, at least 16 bytes (32 random bytes recommended)
 * @param input stream id, quality, user id; `ttlMs` (default 60 000 ms) and `now` (epoch ms, default Date.now())
 * @returns the ticket (URL-safe, ~150 characters) and its expiry, epoch ms
 * @throws RangeError if the secret is too short or ttlMs is not a positive number
 */
export function createLiveTicket(
  secret: Buffer,
  input: { streamId: number; quality: StreamQuality; userId: number; ttlMs?: number; now?: number },
): { ticket: string; expiresAt: number } {
  checkSecret(secret);
  const ttlMs = input.ttlMs ?? DEFAULT_TICKET_TTL_MS;
  if (!(ttlMs > 0) || !Number.isFinite(ttlMs)) throw new RangeError('ttlMs must be a positive number of ms');
  const expiresAt = Math.floor((input.now ?? Date.now()) + ttlMs);
  const body = {
    s: input.streamId,
    q: input.quality,
    u: input.userId,
    e: expiresAt,
    n: randomBytes(9).toString('base64url'),
  };
  const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
  return { ticket: `${VERSION}.${payload}.${sign(secret, payload).toString('base64url')}`, expiresAt };
}

/**
 * Check a ticket's signature (in constant time), shape and expiry, and — when `expected` is
 * given — that it was issued for that stream and quality.
 * @param secret the key it was created with
 * @param ticket the string from the URL (untrusted)
 * @param now epoch ms (default Date.now()); a ticket is valid while now < expiresAt
 * @returns `{ ok: true, claims }` or `{ ok: false, error, message }`; never throws for bad input
 * @throws RangeError only if the secret itself is too short (a configuration error)
 */
export function verifyLiveTicket(
  secret: Buffer,
  ticket: string,
  now: number = Date.now(),
  expected?: { streamId: number; quality: StreamQuality },
): LiveTicketResult {
  checkSecret(secret);
  const parts = ticket.length <= MAX_TICKET_LENGTH ? ticket.split('.') : [];
  const [version, payload, signature] = parts;
  if (parts.length !== 3 || version !== VERSION || !payload || !signature) {
    return { ok: false, error: 'MALFORMED', message: 'malformed ticket' };
  }
  const given = Buffer.from(signature, 'base64url');
  const wanted = sign(secret, payload);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
    return { ok: false, error: 'BAD_SIGNATURE', message: 'ticket signature does not match' };
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, error: 'MALFORMED', message: 'malformed ticket payload' };
  }
  const parsed = Payload.safeParse(body);
  if (!parsed.success) return { ok: false, error: 'MALFORMED', message: 'malformed ticket payload' };
  const claims: LiveTicketClaims = {
    streamId: parsed.data.s,
    quality: parsed.data.q,
    userId: parsed.data.u,
    expiresAt: parsed.data.e,
  };
  if (now >= claims.expiresAt) return { ok: false, error: 'EXPIRED', message: 'ticket expired' };
  if (expected && (expected.streamId !== claims.streamId || expected.quality !== claims.quality)) {
    return { ok: false, error: 'WRONG_STREAM', message: 'ticket is for another stream or quality' };
  }
  return { ok: true, claims };
}
