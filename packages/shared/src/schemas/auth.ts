/**
 * Users, sign-in and API credentials (S7, S12).
 */
import { z } from 'zod';
import { Id, IsoDateTime, PageQuery } from './common.js';

export const Role = z.enum(['admin', 'operator', 'viewer']);
export type Role = z.infer<typeof Role>;

export const LoginBody = z.object({
  email: z.email().max(254),
  password: z.string().min(1).max(1024),
});

export const UserStatus = z.enum(['active', 'disabled']);

/**
 * Who may see what: every branch (`scope_all`), or the branches of the chosen groups (present
 * and future) plus the chosen branches.
 */
export const UserScope = z.object({
  scope_all: z.boolean(),
  scope_group_ids: z.array(Id).max(1000),
  scope_branch_ids: z.array(Id).max(10_000),
});
export type UserScope = z.infer<typeof UserScope>;

export const User = z.object({
  id: Id,
  email: z.string(),
  name: z.string(),
  role: Role,
  ...UserScope.shape,
  status: UserStatus,
  last_login_at: IsoDateTime.nullable(),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type User = z.infer<typeof User>;

/** A password as users choose it: 8–1024 characters. */
export const NewPassword = z.string().min(8, 'at least 8 characters').max(1024);

/** `POST /api/v1/users` (admin). */
export const UserCreate = z.object({
  email: z.email().max(254),
  name: z.string().trim().min(1).max(128),
  password: NewPassword,
  role: Role,
  scope_all: z.boolean().default(false),
  scope_group_ids: z.array(Id).max(1000).default([]),
  scope_branch_ids: z.array(Id).max(10_000).default([]),
});
export type UserCreate = z.input<typeof UserCreate>;

/** `PATCH /api/v1/users/:id` (admin): any subset. Disabling ends the user's sessions. */
export const UserUpdate = z
  .object({
    name: z.string().trim().min(1).max(128).optional(),
    role: Role.optional(),
    scope_all: z.boolean().optional(),
    scope_group_ids: z.array(Id).max(1000).optional(),
    scope_branch_ids: z.array(Id).max(10_000).optional(),
    status: UserStatus.optional(),
  })
  .strict();
export type UserUpdate = z.infer<typeof UserUpdate>;

/** `GET /api/v1/users` filters. */
export const UserFilter = PageQuery.extend({ role: Role.optional(), status: UserStatus.optional() });

/** `POST /api/v1/users/:id/password` (admin reset): ends the user's sessions. */
export const PasswordReset = z.object({ password: NewPassword });

/** `POST /api/v1/auth/password` (own change): other sessions end, this one stays. */
export const PasswordChange = z.object({ current_password: z.string().min(1).max(1024), new_password: NewPassword });

/** `GET /api/v1/setup`: whether the first-run setup screen should show. */
export const SetupState = z.object({ needs_setup: z.boolean() });

/** `POST /api/v1/setup`: the first admin; refused (409) once any user exists. */
export const SetupBody = z.object({
  email: z.email().max(254),
  name: z.string().trim().min(1).max(128),
  password: NewPassword,
});

/** One audit record: who did what to which record, before and after (secrets masked). */
export const AuditEntry = z.object({
  id: Id,
  user_id: Id.nullable(),
  user_email: z.string().nullable(),
  action: z.string(),
  entity_type: z.string(),
  entity_id: z.string().nullable(),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
  ip: z.string().nullable(),
  created_at: IsoDateTime,
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** `GET /api/v1/audit` filters. */
export const AuditFilter = PageQuery.extend({
  user_id: z.coerce.number().int().positive().optional(),
  entity_type: z.string().max(64).optional(),
  entity_id: z.string().max(128).optional(),
  action: z.string().max(64).optional(),
  from: IsoDateTime.optional(),
  to: IsoDateTime.optional(),
});

export const LoginResult = z.object({
  token: z.string(),
  expires_at: IsoDateTime,
  user: User,
});
export type LoginResult = z.infer<typeof LoginResult>;

/** What an API credential may do. */
export const CredentialPermission = z.enum([
  'detections:write',
  'detections:read',
  'devices:heartbeat',
  'reports:read',
]);
export type CredentialPermission = z.infer<typeof CredentialPermission>;
/** The default set: a device's full read/write permissions (DESIGN S7). */
export const DEFAULT_CREDENTIAL_PERMISSIONS: CredentialPermission[] = [
  'detections:write',
  'detections:read',
  'devices:heartbeat',
  'reports:read',
];

/**
 * A credential's state. `inactive` is suspended: refused like a revoked key, but it can be made
 * `active` again; `revoked` is final (POST /api/v1/credentials/:id/revoke, never undone).
 */
export const CredentialStatus = z.enum(['active', 'inactive', 'revoked']);
export type CredentialStatus = z.infer<typeof CredentialStatus>;
/** The states an admin may set on create or PATCH (suspend / resume); revoking is its own, final action. */
export const CredentialSettableStatus = z.enum(['active', 'inactive'], {
  error: 'status must be active or inactive (revoke a credential with POST /api/v1/credentials/:id/revoke)',
});
export type CredentialSettableStatus = z.infer<typeof CredentialSettableStatus>;

/** `POST /api/v1/credentials` (admin). Defaults: global scope, every permission, 10 000 requests/hour, active. */
export const CredentialCreate = z.object({
  credential_name: z.string().trim().min(1).max(128),
  expires_at: z.iso.datetime({ offset: true }).optional(),
  /** Limit the credential to one branch … */
  branch_id: Id.optional(),
  /** … or to one device (its own string id). */
  device_id: z.string().trim().min(1).max(64).optional(),
  permissions: z.array(CredentialPermission).min(1).max(10).optional(),
  rate_limit_per_hour: z.int().min(1).max(10_000_000).default(10_000),
  /** `inactive` creates it suspended; `revoked` is refused (400, field `status`). */
  status: CredentialSettableStatus.default('active'),
});
export type CredentialCreate = z.input<typeof CredentialCreate>;

/**
 * `PATCH /api/v1/credentials/:id`: any subset; `null` clears an expiry or a scope. `status`
 * suspends (`inactive`) or resumes (`active`); on a revoked credential it is 409 CONFLICT.
 */
export const CredentialUpdate = z
  .object({
    credential_name: z.string().trim().min(1).max(128).optional(),
    expires_at: z.iso.datetime({ offset: true }).nullable().optional(),
    branch_id: Id.nullable().optional(),
    device_id: z.string().trim().min(1).max(64).nullable().optional(),
    permissions: z.array(CredentialPermission).min(1).max(10).optional(),
    rate_limit_per_hour: z.int().min(1).max(10_000_000).optional(),
    status: CredentialSettableStatus.optional(),
  })
  .strict();
export type CredentialUpdate = z.infer<typeof CredentialUpdate>;

/** `POST /api/v1/credentials/:id/rotate`: a new secret; the old one keeps working for `grace_seconds` (default 1 h, at most 7 days). */
export const CredentialRotate = z.object({
  grace_seconds: z
    .int()
    .min(0)
    .max(7 * 86_400)
    .default(3600),
});

/** A credential as listed: never its secret. */
export const Credential = z.object({
  id: Id,
  credential_name: z.string(),
  api_key: z.string(),
  branch_id: Id.nullable(),
  device_id: z.string().nullable(),
  permissions: z.array(CredentialPermission),
  rate_limit_per_hour: z.int(),
  expires_at: IsoDateTime.nullable(),
  last_used_at: IsoDateTime.nullable(),
  status: CredentialStatus,
  /** While a rotated-out secret still works. */
  previous_secret_expires_at: IsoDateTime.nullable(),
  /** Requests in the current hour window. */
  requests_this_hour: z.int(),
  created_by: Id.nullable(),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type Credential = z.infer<typeof Credential>;

/** `GET /api/v1/credentials` filters. */
export const CredentialFilter = PageQuery.extend({
  status: CredentialStatus.optional(),
  branch_id: z.coerce.number().int().positive().optional(),
});

/** Answered once at creation or rotation: the only time the secret is ever shown. */
export const CredentialCreated = z.object({
  id: Id,
  credential_name: z.string(),
  api_key: z.string(),
  api_secret: z.string(),
  expires_at: IsoDateTime.nullable(),
});
export type CredentialCreated = z.infer<typeof CredentialCreated>;
