/**
 * The API-credential form's values ⇄ API bodies, and the status the list shows (pure,
 * unit-tested). The form holds strings; the expiry is the date picker's workstation-local
 * `YYYY-MM-DD HH:mm:ss`, sent as an ISO instant. Scope is one of global, a branch, or a device
 * (by its own id). Status is active or inactive (suspended, can be resumed); a revoked
 * credential's status is final and never sent.
 */
import dayjs from 'dayjs';
import {
  DEFAULT_CREDENTIAL_PERMISSIONS,
  type Credential,
  type CredentialCreate,
  type CredentialPermission,
  type CredentialSettableStatus,
  type CredentialStatus,
  type CredentialUpdate,
} from '@pantau/shared';

/** The server's default hourly limit (DESIGN S7). */
export const DEFAULT_RATE_LIMIT = 10_000;

/** What a credential may be limited to. */
export type ScopeKind = 'global' | 'branch' | 'device';

/** The form's values. */
export interface CredentialValues {
  credential_name: string;
  /** `YYYY-MM-DD HH:mm:ss` (workstation time) or `''` for never. */
  expires_at: string;
  scope: ScopeKind;
  /** Branch id as a string (branch scope). */
  branch_id: string | null;
  /** The device's own id. */
  device_id: string | null;
  permissions: CredentialPermission[];
  rate_limit_per_hour: number | string;
  /** `active` or `inactive`; `revoked` only when editing a revoked credential (shown, never sent). */
  status: CredentialStatus;
}

/** The statuses the form offers (revoking is the list's own, final action). */
export const STATUS_CHOICES: readonly CredentialSettableStatus[] = ['active', 'inactive'];

/** Whether the form may suspend or resume: a new credential, or one not revoked. */
export function canChangeStatus(c?: Credential): boolean {
  return c === undefined || c.status !== 'revoked';
}

/** Picker format ⇄ ISO. */
const PICKER = 'YYYY-MM-DD HH:mm:ss';

/** Values of the form: defaults for a new credential (global, every permission, 10 000/h, active), else the credential's. */
export function credentialValues(c?: Credential): CredentialValues {
  if (!c) {
    return {
      credential_name: '',
      expires_at: '',
      scope: 'global',
      branch_id: null,
      device_id: null,
      permissions: [...DEFAULT_CREDENTIAL_PERMISSIONS],
      rate_limit_per_hour: DEFAULT_RATE_LIMIT,
      status: 'active',
    };
  }
  const scope: ScopeKind = c.device_id !== null ? 'device' : c.branch_id !== null ? 'branch' : 'global';
  return {
    credential_name: c.credential_name,
    expires_at: c.expires_at ? dayjs(c.expires_at).format(PICKER) : '',
    scope,
    branch_id: c.branch_id === null ? null : String(c.branch_id),
    device_id: c.device_id,
    permissions: [...c.permissions],
    rate_limit_per_hour: c.rate_limit_per_hour,
    status: c.status,
  };
}

/** `''` → null, else the picker's local time as an ISO instant. */
function expiry(v: string): string | null {
  return v.trim() === '' ? null : dayjs(v).toISOString();
}

/** The scope fields the values mean: a branch id, or a device id, or neither. */
function scopeOf(v: CredentialValues): { branch_id: number | null; device_id: string | null } {
  if (v.scope === 'branch') return { branch_id: v.branch_id ? Number(v.branch_id) : null, device_id: null };
  if (v.scope === 'device') return { branch_id: null, device_id: v.device_id };
  return { branch_id: null, device_id: null };
}

/** `POST /api/v1/credentials` body (a missing branch or device is left to the server to refuse beside the field). */
export function credentialCreateBody(v: CredentialValues): CredentialCreate {
  const s = scopeOf(v);
  const body: CredentialCreate = {
    credential_name: v.credential_name.trim(),
    permissions: v.permissions,
    rate_limit_per_hour: Number(v.rate_limit_per_hour),
    status: v.status === 'inactive' ? 'inactive' : 'active',
  };
  const exp = expiry(v.expires_at);
  if (exp) body.expires_at = exp;
  if (s.branch_id !== null) body.branch_id = s.branch_id;
  if (s.device_id !== null) body.device_id = s.device_id;
  return body;
}

/** `PATCH` body: only what changed (`null` clears the expiry or a scope; a revoked credential's status never). */
export function credentialUpdateBody(v: CredentialValues, before: Credential): CredentialUpdate {
  const s = scopeOf(v);
  const out: CredentialUpdate = {};
  if (v.credential_name.trim() !== before.credential_name) out.credential_name = v.credential_name.trim();
  const exp = expiry(v.expires_at);
  if (
    (exp === null) !== (before.expires_at === null) ||
    (exp !== null && before.expires_at !== null && Date.parse(exp) !== Date.parse(before.expires_at))
  )
    out.expires_at = exp;
  if (s.branch_id !== before.branch_id) out.branch_id = s.branch_id;
  if (s.device_id !== before.device_id) out.device_id = s.device_id;
  const perms = [...v.permissions].sort();
  const had = [...before.permissions].sort();
  if (perms.length !== had.length || perms.some((p, i) => p !== had[i])) out.permissions = v.permissions;
  if (Number(v.rate_limit_per_hour) !== before.rate_limit_per_hour)
    out.rate_limit_per_hour = Number(v.rate_limit_per_hour);
  if (canChangeStatus(before) && v.status !== before.status && v.status !== 'revoked') out.status = v.status;
  return out;
}

/** What the list shows: the stored status, or `expired` for an active one past its expiry. */
export type ShownStatus = CredentialStatus | 'expired';

/**
 * The list's status: revoked and inactive as stored (an admin's explicit state wins), else
 * `expired` once `expires_at` has passed, else active.
 * @param now epoch ms
 */
export function shownStatus(c: Pick<Credential, 'status' | 'expires_at'>, now: number): ShownStatus {
  if (c.status !== 'active') return c.status;
  return c.expires_at !== null && Date.parse(c.expires_at) <= now ? 'expired' : 'active';
}

/** Badge colour per shown status (Mantine colour names). */
export const STATUS_COLOUR: Record<ShownStatus, string> = {
  active: 'teal',
  inactive: 'yellow',
  revoked: 'red',
  expired: 'gray',
};

/** Grace periods offered when rotating a secret, seconds (the API allows 0..7 days). */
export const GRACE_CHOICES = [0, 15 * 60, 3600, 24 * 3600, 7 * 24 * 3600] as const;
