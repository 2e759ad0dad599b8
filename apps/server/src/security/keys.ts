/**
 * The server's master key and the keys derived from it.
 *
 * One 32-byte master key, from `PANTAU_MASTER_KEY` (64 hex chars) or the key file
 * `<dataDir>/master.key` (created with mode 0600 on first start). Purpose keys are derived
 * with HKDF-SHA256 (RFC 5869) so one secret can be rotated and each use has its own key.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface ServerKeys {
  /** Signs live-stream tickets (HMAC-SHA256). */
  liveTicket: Buffer;
  /** Encrypts stream passwords at rest (AES-256-GCM). */
  streamSecrets: Buffer;
}

/**
 * Load or create the master key and derive the purpose keys.
 * @throws Error when `PANTAU_MASTER_KEY` or the key file is not 32 bytes of hex
 */
export function loadKeys(dataDir: string): ServerKeys {
  const master = loadMasterKey(dataDir);
  const derive = (info: string) => Buffer.from(crypto.hkdfSync('sha256', master, Buffer.alloc(0), info, 32));
  return { liveTicket: derive('pantau/live-ticket/v1'), streamSecrets: derive('pantau/stream-secrets/v1') };
}

function loadMasterKey(dataDir: string): Buffer {
  const parse = (hex: string, where: string) => {
    const s = hex.trim();
    if (!/^[0-9a-fA-F]{64}$/.test(s)) throw new Error(`${where} must hold 64 hex characters (32 bytes)`);
    return Buffer.from(s, 'hex');
  };
  const env = process.env.PANTAU_MASTER_KEY;
  if (env) return parse(env, 'PANTAU_MASTER_KEY');
  const file = path.join(dataDir, 'master.key');
  if (fs.existsSync(file)) return parse(fs.readFileSync(file, 'utf8'), file);
  fs.mkdirSync(dataDir, { recursive: true });
  const key = crypto.randomBytes(32);
  fs.writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}

/**
 * Encrypt a secret with AES-256-GCM: `v1:<iv>:<tag>:<ciphertext>` (base64 parts).
 */
export function encryptSecret(key: Buffer, plaintext: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join(':');
}

/**
 * Decrypt what {@link encryptSecret} produced.
 * @throws Error when the text was tampered with or the key is wrong
 */
export function decryptSecret(key: Buffer, sealed: string): string {
  const [v, iv, tag, data] = sealed.split(':');
  if (v !== 'v1' || !iv || !tag || data === undefined) throw new Error('unknown secret format');
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
}

/** SHA-256 hex of a string (tokens and high-entropy secrets; never passwords). */
export function sha256Hex(s: string): string {
  return crypto.createHash('sha256').update(s, 'utf8').digest('hex');
}

/** Constant-time equality of two hex digests of equal length. */
export function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && crypto.timingSafeEqual(x, y);
}
