/**
 * Answers a camera's authentication challenges on ffmpeg's behalf (the loopback relays,
 * rtsp-auth-relay.ts and http-auth-relay.ts, hand ffmpeg a URL without credentials): parses
 * `WWW-Authenticate` and builds the `Authorization` of each request.
 *
 * Schemes: HTTP Basic (RFC 7617) and Digest (RFC 7616, which obsoletes RFC 2617; RTSP uses the
 * same headers: RFC 2326 §D, RFC 7826 §19.1) with MD5, SHA-256 and their `-sess` variants,
 * `qop=auth` (and `auth-int`) with `nc`/`cnonce`, or no qop (RFC 2069 style, as many cameras
 * and GStreamer's GstRTSPAuth send it). Digest is preferred to Basic when a camera offers both,
 * SHA-256 to MD5. Nothing is sent before a challenge: a Basic header sent unasked would give a
 * Digest-only camera's password away in clear.
 */
import { createHash, randomBytes } from 'node:crypto';

/** One challenge of a `WWW-Authenticate` header. */
export interface AuthChallenge {
  scheme: 'basic' | 'digest';
  realm: string;
  /** Digest only. */
  nonce: string;
  opaque: string | null;
  /** Digest hash: `MD5` (default), `MD5-sess`, `SHA-256`, `SHA-256-sess` (upper case). */
  algorithm: string;
  /** The qop chosen from what was offered (`auth` before `auth-int`), or null when none was. */
  qop: 'auth' | 'auth-int' | null;
  /** The nonce expired (RFC 7616 §3.3): retry with the new one, the password was right. */
  stale: boolean;
}

const DIGEST_HASHES: Record<string, string> = {
  MD5: 'md5',
  'MD5-SESS': 'md5',
  'SHA-256': 'sha256',
  'SHA-256-SESS': 'sha256',
};

/**
 * Split one header value into challenges: `Digest realm="x", nonce="y", Basic realm="z"`.
 * Parameters are `name=token` or `name="quoted \" string"` (RFC 7235 §2.1).
 */
function splitChallenges(value: string): Array<{ scheme: string; params: Map<string, string> }> {
  const out: Array<{ scheme: string; params: Map<string, string> }> = [];
  const re = /\s*,?\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?:\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*)))?/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value)) !== null && m[0] !== '') {
    const [, name, quoted, token] = m;
    if (quoted === undefined && token === undefined) out.push({ scheme: name!.toLowerCase(), params: new Map() });
    else out.at(-1)?.params.set(name!.toLowerCase(), quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : token!);
  }
  return out;
}

/**
 * Parse every `WWW-Authenticate` value of a 401 into the challenges this module can answer.
 * @param values the header's values (a response may carry several headers)
 * @returns supported challenges, best first (Digest SHA-256, Digest MD5, Basic); empty if none
 */
export function parseChallenges(values: readonly string[]): AuthChallenge[] {
  const found: AuthChallenge[] = [];
  for (const value of values) {
    for (const { scheme, params } of splitChallenges(value)) {
      if (scheme !== 'basic' && scheme !== 'digest') continue;
      const algorithm = (params.get('algorithm') ?? 'MD5').toUpperCase();
      if (scheme === 'digest' && (!DIGEST_HASHES[algorithm] || !params.get('nonce'))) continue;
      const offered = (params.get('qop') ?? '').split(',').map((q) => q.trim().toLowerCase());
      found.push({
        scheme,
        realm: params.get('realm') ?? '',
        nonce: params.get('nonce') ?? '',
        opaque: params.get('opaque') ?? null,
        algorithm,
        qop: offered.includes('auth') ? 'auth' : offered.includes('auth-int') ? 'auth-int' : null,
        stale: (params.get('stale') ?? '').toLowerCase() === 'true',
      });
    }
  }
  const rank = (c: AuthChallenge) => (c.scheme === 'basic' ? 0 : c.algorithm.startsWith('SHA-256') ? 2 : 1);
  return found.sort((a, b) => rank(b) - rank(a));
}

const quote = (s: string) => `"${s.replace(/(["\\])/g, '\\$1')}"`;

/**
 * The credentials of one camera and the challenge it last sent. Holds the password in memory
 * only; never logs or prints it.
 */
export class CameraAuthorizer {
  private challenge: AuthChallenge | null = null;
  private nc = 0;

  /** @param user, password as the camera expects them (percent-decoded from the URL) */
  constructor(
    private readonly user: string,
    private readonly password: string,
  ) {}

  /** The challenge answered now (null before the first 401). */
  get current(): AuthChallenge | null {
    return this.challenge;
  }

  /** Answer this challenge from now on; a new nonce restarts the nonce count. */
  use(challenge: AuthChallenge): void {
    if (challenge.nonce !== this.challenge?.nonce) this.nc = 0;
    this.challenge = challenge;
  }

  /**
   * The `Authorization` value of one request, or null before any challenge.
   * @param method e.g. `DESCRIBE`, `GET`
   * @param uri the Request-URI exactly as sent on the request line (Digest hashes it)
   * @param body the request's body (only `qop=auth-int` hashes it)
   */
  header(method: string, uri: string, body: Buffer = Buffer.alloc(0)): string | null {
    const c = this.challenge;
    if (!c) return null;
    if (c.scheme === 'basic') return `Basic ${Buffer.from(`${this.user}:${this.password}`).toString('base64')}`;
    const hashName = DIGEST_HASHES[c.algorithm]!;
    const h = (s: string | Buffer) => createHash(hashName).update(s).digest('hex');
    const cnonce = randomBytes(16).toString('hex');
    let ha1 = h(`${this.user}:${c.realm}:${this.password}`);
    if (c.algorithm.endsWith('-SESS')) ha1 = h(`${ha1}:${c.nonce}:${cnonce}`);
    const ha2 = h(c.qop === 'auth-int' ? `${method}:${uri}:${h(body)}` : `${method}:${uri}`);
    const parts = [
      `username=${quote(this.user)}`,
      `realm=${quote(c.realm)}`,
      `nonce=${quote(c.nonce)}`,
      `uri=${quote(uri)}`,
    ];
    let response: string;
    if (c.qop) {
      this.nc++;
      const nc = this.nc.toString(16).padStart(8, '0');
      response = h(`${ha1}:${c.nonce}:${nc}:${cnonce}:${c.qop}:${ha2}`);
      parts.push(`response=${quote(response)}`, `qop=${c.qop}`, `nc=${nc}`, `cnonce=${quote(cnonce)}`);
    } else {
      response = h(`${ha1}:${c.nonce}:${ha2}`);
      parts.push(`response=${quote(response)}`);
    }
    // RFC 2069-era servers (and ffmpeg's own client) omit algorithm=MD5; send it only when it is not the default
    if (c.algorithm !== 'MD5') parts.push(`algorithm=${c.algorithm}`);
    if (c.opaque !== null) parts.push(`opaque=${quote(c.opaque)}`);
    return `Digest ${parts.join(', ')}`;
  }
}

/** User and password of a URL's user info, percent-decoded; null when it has no user. */
export function credentialsOf(url: URL): { user: string; password: string } | null {
  if (url.username === '' && url.password === '') return null;
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  return { user: decode(url.username), password: decode(url.password) };
}
