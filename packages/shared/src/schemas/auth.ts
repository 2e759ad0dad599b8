/**
 * Users, sign-in and API credentials (S7, S12).
 */
import { z } from 'zod';
import { Id, IsoDateTime } from './common.js';

export const Role = z.enum(['admin', 'operator', 'viewer']);
export type Role = z.infer<typeof Role>;

export const LoginBody = z.object({
  email: z.email().max(254),
  password: z.string().min(1).max(1024),
});

export const User = z.object({
  id: Id,
  email: z.string(),
  name: z.string(),
  role: Role,
  /** null = every branch; otherwise the branch ids the user may see. */
  branch_scope: z.array(Id).nullable(),
  status: z.enum(['active', 'disabled']),
  created_at: IsoDateTime,
});
export type User = z.infer<typeof User>;

export const LoginResult = z.object({
  token: z.string(),
  expires_at: IsoDateTime,
  user: User,
});
export type LoginResult = z.infer<typeof LoginResult>;

export const CredentialCreate = z.object({
  credential_name: z.string().trim().min(1).max(128),
  expires_at: z.iso.datetime({ offset: true }).optional(),
  rate_limit_per_hour: z.int().min(1).max(10_000_000).default(10_000),
});

/** Answered once at creation: the only time the secret is ever shown. */
export const CredentialCreated = z.object({
  id: Id,
  credential_name: z.string(),
  api_key: z.string(),
  api_secret: z.string(),
  expires_at: IsoDateTime.nullable(),
});
export type CredentialCreated = z.infer<typeof CredentialCreated>;
