/**
 * The provider settings (one row): which provider, its non-secret settings, and its secrets
 * encrypted at rest with AES-256-GCM under a key derived from the master key (the same scheme
 * as stream passwords, security/keys.ts). Secrets are write-only: the API answers `has_secret`.
 */
import {
  ProviderConfig,
  type NotificationProviderName,
  type ProviderSettings,
  type ProviderSettingsUpdate,
  ProviderSettingsUpdate as UpdateSchema,
} from '@pantau/shared';
import { decryptSecret, encryptSecret } from '../../security/keys.js';
import type { NotificationRepository } from '../../repositories/notification-repository.js';
import type { NotificationProvider } from './providers/provider.js';
import { WhatsAppCloudProvider } from './providers/whatsapp-cloud.js';
import { HttpGatewayProvider } from './providers/http-gateway.js';

/** Secrets as stored (decrypted). */
export interface ProviderSecretValues {
  token?: string;
  app_secret?: string;
  verify_token?: string;
}

/** The current settings, decrypted, for the server's own use. */
export interface ResolvedProviderSettings {
  provider: NotificationProviderName;
  config: ProviderConfig;
  secrets: ProviderSecretValues;
  updated_at: string | null;
}

const DEFAULT_CONFIG: ProviderConfig = ProviderConfig.parse({});

/** Reads and writes the provider settings; builds the provider they describe. */
export class ProviderSettingsStore {
  private cache: {
    settings: ResolvedProviderSettings;
    provider: NotificationProvider | null;
    version: string | null;
  } | null = null;

  constructor(
    private readonly repo: NotificationRepository,
    private readonly key: Buffer,
    /** Used by providers (tests inject one). */
    private readonly fetchImpl: typeof fetch | undefined = undefined,
  ) {}

  /**
   * The settings, decrypted; cached while their `updated_at` stays the same, so a save made by
   * another connection (the detection thread's store, another server process) is seen at once.
   */
  resolved(): ResolvedProviderSettings {
    const version = this.repo.providerVersion();
    if (this.cache && this.cache.version === version) return this.cache.settings;
    const row = this.repo.providerRow();
    const settings: ResolvedProviderSettings = row
      ? {
          provider: row.provider as NotificationProviderName,
          config: ProviderConfig.parse(JSON.parse(row.config)),
          secrets: row.secrets_enc
            ? (JSON.parse(decryptSecret(this.key, row.secrets_enc)) as ProviderSecretValues)
            : {},
          updated_at: row.updated_at,
        }
      : { provider: 'none', config: DEFAULT_CONFIG, secrets: {}, updated_at: null };
    this.cache = { settings, provider: build(settings, this.fetchImpl), version: row?.updated_at ?? null };
    return settings;
  }

  /** The public view: no secret, only whether each is set. */
  view(): ProviderSettings {
    const s = this.resolved();
    return {
      provider: s.provider,
      config: s.config,
      has_secret: {
        token: !!s.secrets.token,
        app_secret: !!s.secrets.app_secret,
        verify_token: !!s.secrets.verify_token,
      },
      updated_at: s.updated_at,
    };
  }

  /**
   * The configured provider, or null when none is chosen or it lacks what it needs
   * (e.g. the Cloud API without a phone-number id or token).
   */
  provider(): NotificationProvider | null {
    this.resolved();
    return this.cache!.provider;
  }

  /**
   * Save (call inside a transaction). Secrets not named in the update keep their value;
   * `null` clears one.
   * @returns the previous and the new public view (for the audit log)
   */
  save(update: ProviderSettingsUpdate, now: string): { before: ProviderSettings; after: ProviderSettings } {
    const u = UpdateSchema.parse(update);
    const before = this.view();
    const secrets: ProviderSecretValues = { ...this.resolved().secrets };
    for (const [k, v] of Object.entries(u.secrets ?? {}) as Array<
      [keyof ProviderSecretValues, string | null | undefined]
    >) {
      if (v === null) delete secrets[k];
      else if (v !== undefined) secrets[k] = v;
    }
    const sealed = Object.keys(secrets).length ? encryptSecret(this.key, JSON.stringify(secrets)) : null;
    this.repo.saveProvider(u.provider, JSON.stringify(u.config), sealed, now);
    this.cache = null;
    return { before, after: this.view() };
  }

  /** Forget the cache (after a rolled-back save). */
  invalidate(): void {
    this.cache = null;
  }
}

function build(s: ResolvedProviderSettings, fetchImpl: typeof fetch | undefined): NotificationProvider | null {
  const f = fetchImpl ? { fetch: fetchImpl } : {};
  switch (s.provider) {
    case 'none':
      return null;
    case 'whatsapp_cloud':
      if (!s.config.phone_number_id || !s.secrets.token) return null;
      return new WhatsAppCloudProvider({
        baseUrl: s.config.base_url,
        phoneNumberId: s.config.phone_number_id,
        accessToken: s.secrets.token,
        mode: s.config.message_mode,
        templateName: s.config.template_name,
        reportTemplateName: s.config.report_template_name,
        templateLanguage: s.config.template_language,
        ...f,
      });
    case 'http_gateway':
      if (!s.secrets.token) return null;
      return new HttpGatewayProvider({ url: s.config.base_url, token: s.secrets.token, ...f });
    default: {
      const never: never = s.provider;
      return never;
    }
  }
}
