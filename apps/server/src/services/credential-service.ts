/**
 * API credentials for devices and integrators (S7, first version): create, and verify
 * `X-API-Key` + `X-API-Secret` on every device request.
 *
 * Keys look like `pantau_live_<24 hex>` (public, unique); secrets are 32 CSPRNG bytes,
 * shown once and stored only as SHA-256. SHA-256 rather than argon2 is deliberate: the
 * secret is 256 random bits (nothing to brute-force), and ingestion must check ≥ 5 000
 * requests/s (DESIGN §7). Comparison is constant-time. Rows are cached for
 * {@link CREDENTIAL_CACHE_MS} so a revoked or expired key is refused within that time.
 * `last_used_at` is written in batches off the request path.
 */
import crypto from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { PantauError, type CredentialCreated } from '@pantau/shared';
import type { ApiCredentialsTable, Database } from '../db/schema.js';
import type { SyncExecutor } from '../db/sync-executor.js';
import { nowIso } from '../db/database.js';
import { digestsEqual, sha256Hex } from '../security/keys.js';

/** How long a credential row is trusted from memory, ms. */
export const CREDENTIAL_CACHE_MS = 5_000;

export type CredentialRow = Selectable<ApiCredentialsTable>;

/** The device permissions a new credential gets by default. */
export const DEFAULT_PERMISSIONS = ['detections:write', 'detections:read', 'devices:heartbeat', 'reports:read'] as const;

/** Create and verify API credentials. */
export class CredentialService {
  private readonly cache = new Map<string, { row: CredentialRow | null; at: number }>();
  private readonly used = new Set<number>();
  private readonly flushTimer: NodeJS.Timeout;
  private readonly dummyHash = sha256Hex(crypto.randomBytes(32).toString('hex'));

  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: SyncExecutor,
    private readonly now: () => number = Date.now,
  ) {
    this.flushTimer = setInterval(() => this.flushLastUsed(), 5_000);
    this.flushTimer.unref();
  }

  /**
   * Create a credential; the secret is in the answer and nowhere else.
   * @throws PantauError VALIDATION_ERROR (expiry in the past)
   */
  create(input: { credential_name: string; expires_at?: string | undefined; rate_limit_per_hour?: number | undefined; created_by?: number | null }): CredentialCreated {
    const expires = input.expires_at ? new Date(input.expires_at).toISOString() : null;
    if (expires && Date.parse(expires) <= this.now()) throw new PantauError('VALIDATION_ERROR', 'expires_at is in the past', { field: 'expires_at' });
    const apiKey = `pantau_live_${crypto.randomBytes(12).toString('hex')}`;
    const secret = crypto.randomBytes(32).toString('base64url');
    const ts = nowIso(this.now());
    const row = this.exec.first(
      this.db
        .insertInto('api_credentials')
        .values({
          credential_name: input.credential_name,
          api_key: apiKey,
          secret_hash: sha256Hex(secret),
          permissions: JSON.stringify(DEFAULT_PERMISSIONS),
          rate_limit_per_hour: input.rate_limit_per_hour ?? 10_000,
          expires_at: expires,
          created_by: input.created_by ?? null,
          created_at: ts,
          updated_at: ts,
        })
        .returning(['id', 'credential_name', 'expires_at']),
    )!;
    return { id: row.id, credential_name: row.credential_name, api_key: apiKey, api_secret: secret, expires_at: row.expires_at };
  }

  /**
   * Check a key and secret.
   * @returns the credential row
   * @throws PantauError UNAUTHENTICATED (missing), INVALID_CREDENTIALS (unknown key, wrong secret, revoked), CREDENTIAL_EXPIRED
   */
  verify(apiKey: string | undefined, secret: string | undefined): CredentialRow {
    if (!apiKey || !secret) throw new PantauError('UNAUTHENTICATED', 'X-API-Key and X-API-Secret headers are required', { field: !apiKey ? 'X-API-Key' : 'X-API-Secret' });
    const row = this.lookup(apiKey);
    const given = sha256Hex(secret);
    const ok = digestsEqual(given, row?.secret_hash ?? this.dummyHash);
    if (!row || !ok || row.status !== 'active') throw new PantauError('INVALID_CREDENTIALS', 'unknown API key or wrong secret');
    if (row.expires_at !== null && Date.parse(row.expires_at) <= this.now()) throw new PantauError('CREDENTIAL_EXPIRED', 'API credential expired');
    this.used.add(row.id);
    return row;
  }

  private lookup(apiKey: string): CredentialRow | null {
    const now = this.now();
    const hit = this.cache.get(apiKey);
    if (hit && now - hit.at < CREDENTIAL_CACHE_MS) return hit.row;
    if (apiKey.length > 128) return null;
    const row = this.exec.first(this.db.selectFrom('api_credentials').selectAll().where('api_key', '=', apiKey)) ?? null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(apiKey, { row, at: now });
    return row;
  }

  /** Write `last_used_at` for the credentials used since the last flush. */
  flushLastUsed(): void {
    if (this.used.size === 0) return;
    const ids = [...this.used];
    this.used.clear();
    this.exec.run(this.db.updateTable('api_credentials').set({ last_used_at: nowIso(this.now()) }).where('id', 'in', ids));
  }

  /** Stop the flush timer (after a final flush). */
  close(): void {
    clearInterval(this.flushTimer);
    try {
      this.flushLastUsed();
    } catch {
      /* database already closed */
    }
  }
}
