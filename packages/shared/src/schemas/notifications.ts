/**
 * WhatsApp alerts (S4): per-branch (and per-device) alert settings, the provider settings,
 * delivery records and the message template with its placeholders.
 *
 * Phone numbers are E.164 (`+6281234567890`), checked with libphonenumber-js (Google's
 * libphonenumber metadata) so a number of the wrong length for its country is refused where
 * it is typed, not when the provider refuses it at three in the morning.
 */
import { z } from 'zod';
import { isValidPhoneNumber, parsePhoneNumberFromString } from 'libphonenumber-js';
import { Id, IsoDateTime, PageQuery } from './common.js';

/** Placeholders a message template may use, with what each becomes. */
export const TEMPLATE_PLACEHOLDERS = ['branch_name', 'device_name', 're_id', 'detected_count', 'time'] as const;
export type TemplatePlaceholder = (typeof TEMPLATE_PLACEHOLDERS)[number];

/** The template a new setting starts with. */
export const DEFAULT_MESSAGE_TEMPLATE =
  'Pantau: person {re_id} detected at {branch_name} / {device_name} ({detected_count}) at {time}';

/** Longest template, characters (WhatsApp's text body limit is 4 096). */
export const MAX_TEMPLATE_LENGTH = 1000;

/**
 * Normalise a phone number to E.164, or null when it is not a valid international number.
 * Spaces, dashes, dots and brackets are ignored; the leading `+` and country code are required.
 */
export function toE164(input: string): string | null {
  const s = input.trim();
  if (!s.startsWith('+')) return null;
  if (!isValidPhoneNumber(s)) return null;
  return parsePhoneNumberFromString(s)?.number ?? null;
}

/**
 * Render a template: every `{placeholder}` of {@link TEMPLATE_PLACEHOLDERS} is replaced by its
 * value; unknown `{words}` are left as typed (the settings form flags them).
 */
export function renderTemplate(template: string, values: Record<TemplatePlaceholder, string | number>): string {
  return template.replace(/\{([a-z_]+)\}/g, (whole, name: string) =>
    (TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name) ? String(values[name as TemplatePlaceholder]) : whole,
  );
}

/** Placeholders of a template that are not known (e.g. `{branch}`), in order of appearance. */
export function unknownPlaceholders(template: string): string[] {
  const out: string[] = [];
  for (const m of template.matchAll(/\{([a-z_]+)\}/g))
    if (!(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(m[1]!) && !out.includes(m[1]!)) out.push(m[1]!);
  return out;
}

/** One phone number in E.164; input is normalised (`+62 812-3456-7890` → `+6281234567890`). */
export const PhoneNumber = z
  .string()
  .trim()
  .max(32)
  .transform((s, ctx) => {
    const n = toE164(s);
    if (n === null) {
      ctx.addIssue({ code: 'custom', message: 'not a valid international number: use E.164, e.g. +6281234567890' });
      return z.NEVER;
    }
    return n;
  });

/** The message template: not empty, no unknown placeholders. */
export const MessageTemplate = z
  .string()
  .trim()
  .min(1)
  .max(MAX_TEMPLATE_LENGTH)
  .refine((t) => unknownPlaceholders(t).length === 0, {
    message: `unknown placeholder: use ${TEMPLATE_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`,
  });

/** Numbers of one setting: 1..20, no duplicates after normalisation. */
const Numbers = z
  .array(PhoneNumber)
  .max(20)
  .refine((a) => new Set(a).size === a.length, { message: 'the same number is listed twice' });

export const AlertSettingCreate = z.object({
  branch_id: Id,
  /** A device's own id (`cam-1`): the setting applies to that camera only and overrides the branch-wide one. Omit for the whole branch. */
  device_id: z.string().trim().min(1).max(64).nullable().optional(),
  enabled: z.boolean().default(true),
  numbers: Numbers.default([]),
  message_template: MessageTemplate.default(DEFAULT_MESSAGE_TEMPLATE),
  /** Attach the event's snapshot when there is one. */
  send_image: z.boolean().default(false),
  /** No second alert for the same person at the same camera within this many seconds (0..86 400; default 300). */
  cooldown_seconds: z.int().min(0).max(86_400).default(300),
});
export type AlertSettingCreate = z.input<typeof AlertSettingCreate>;

/** `PATCH /api/v1/alert-settings/:id`: any subset; branch and device are fixed once created. */
export const AlertSettingUpdate = z
  .object({
    enabled: z.boolean(),
    numbers: Numbers,
    message_template: MessageTemplate,
    send_image: z.boolean(),
    cooldown_seconds: z.int().min(0).max(86_400),
  })
  .partial()
  .strict();
export type AlertSettingUpdate = z.input<typeof AlertSettingUpdate>;

export const AlertSetting = z.object({
  id: Id,
  branch_id: Id,
  branch_name: z.string(),
  device_id: z.string().nullable(),
  device_name: z.string().nullable(),
  enabled: z.boolean(),
  numbers: z.array(z.string()),
  message_template: z.string(),
  send_image: z.boolean(),
  cooldown_seconds: z.int(),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type AlertSetting = z.infer<typeof AlertSetting>;

export const AlertSettingFilter = z.object({ branch_id: z.coerce.number().int().positive().optional() });

/** The providers Pantau can send through. `none` = alerts are recorded but not sent. */
export const NotificationProviderName = z.enum(['none', 'whatsapp_cloud', 'http_gateway']);
export type NotificationProviderName = z.infer<typeof NotificationProviderName>;

const HttpUrl = z.url({ protocol: /^https?$/ }).max(512);

/**
 * Non-secret provider settings. WhatsApp Cloud API: Graph base URL and phone-number id, and
 * whether to send free text or an approved template (business-initiated messages outside the
 * 24-hour window must be templates). HTTP gateway (Fonnte style): its send URL.
 */
export const ProviderConfig = z.object({
  /** Graph API base incl. version (default `https://graph.facebook.com/v21.0`) or the gateway's send URL (default `https://api.fonnte.com/send`). */
  base_url: HttpUrl.optional(),
  phone_number_id: z
    .string()
    .trim()
    .regex(/^\d{5,32}$/, 'digits only')
    .optional(),
  message_mode: z.enum(['text', 'template']).default('text'),
  template_name: z
    .string()
    .trim()
    .regex(/^[a-z0-9_]{1,512}$/, 'lower-case letters, digits and _')
    .optional(),
  /** Template mode: the approved template with a document header that daily counting reports go out with. */
  report_template_name: z
    .string()
    .trim()
    .regex(/^[a-z0-9_]{1,512}$/, 'lower-case letters, digits and _')
    .optional(),
  template_language: z
    .string()
    .trim()
    .regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'e.g. id or en_US')
    .default('id'),
  /** Messages per minute to one number (Meta's pair limit is about one per 6 s; default 10). */
  rate_per_minute: z.int().min(1).max(600).default(10),
});
export type ProviderConfig = z.infer<typeof ProviderConfig>;

/** Write-only secrets: sent to set or replace, `null` to clear, never returned. */
export const ProviderSecrets = z
  .object({
    /** Cloud API: the system-user access token; gateway: the Authorization token. */
    token: z.string().min(1).max(2048).nullable(),
    /** Cloud API: the app secret that signs webhooks (X-Hub-Signature-256). */
    app_secret: z.string().min(1).max(256).nullable(),
    /** Cloud API: the verify token of the webhook handshake. */
    verify_token: z.string().min(1).max(256).nullable(),
  })
  .partial()
  .strict();
export type ProviderSecrets = z.infer<typeof ProviderSecrets>;

/** `PUT /api/v1/notification-provider`. */
export const ProviderSettingsUpdate = z
  .object({
    provider: NotificationProviderName,
    config: ProviderConfig.default({ message_mode: 'text', template_language: 'id', rate_per_minute: 10 }),
    secrets: ProviderSecrets.optional(),
  })
  .strict();
export type ProviderSettingsUpdate = z.input<typeof ProviderSettingsUpdate>;

export const ProviderSettings = z.object({
  provider: NotificationProviderName,
  config: ProviderConfig,
  /** Which secrets are set (their values are never sent back). */
  has_secret: z.object({ token: z.boolean(), app_secret: z.boolean(), verify_token: z.boolean() }),
  updated_at: IsoDateTime.nullable(),
});
export type ProviderSettings = z.infer<typeof ProviderSettings>;

/**
 * Delivery states. Ordered `queued < sending < sent < delivered < read`; `failed` and
 * `uncertain` (the server stopped while the provider call was in flight: it may or may not
 * have been sent, so it is not resent on its own) are set beside that order.
 */
export const DeliveryStatus = z.enum(['queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'uncertain']);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

/** `report`: a counting report's PDF to its recipients (issue 13). */
export const DeliveryKind = z.enum(['alert', 'escalation', 'test', 'report']);

export const Delivery = z.object({
  id: Id,
  event_log_id: z.int().nullable(),
  branch_id: z.int().nullable(),
  /** a `report` delivery's counting report */
  report_id: z.int().nullable(),
  kind: DeliveryKind,
  phone: z.string(),
  provider: z.string(),
  provider_message_id: z.string().nullable(),
  status: DeliveryStatus,
  attempts: z.int(),
  error: z.string().nullable(),
  message: z.string(),
  queued_at: IsoDateTime,
  sending_at: IsoDateTime.nullable(),
  sent_at: IsoDateTime.nullable(),
  delivered_at: IsoDateTime.nullable(),
  read_at: IsoDateTime.nullable(),
  failed_at: IsoDateTime.nullable(),
  updated_at: IsoDateTime,
});
export type Delivery = z.infer<typeof Delivery>;

export const DeliveryFilter = PageQuery.omit({ q: true }).extend({
  event_log_id: z.coerce.number().int().positive().optional(),
  branch_id: z.coerce.number().int().positive().optional(),
  report_id: z.coerce.number().int().positive().optional(),
  status: DeliveryStatus.optional(),
});

/** `POST /api/v1/notification-provider/test`. */
export const TestMessageBody = z
  .object({ phone: PhoneNumber, message: z.string().trim().min(1).max(1000).optional() })
  .strict();
export type TestMessageBody = z.input<typeof TestMessageBody>;
