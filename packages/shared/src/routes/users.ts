/**
 * `/api/v1/users` and `/api/v1/audit` (S12): managed by admins whose scope is every branch.
 */
import { z } from 'zod';
import { IdParams, Ok, PageMeta } from '../schemas/common.js';
import { AuditEntry, AuditFilter, PasswordReset, User, UserCreate, UserFilter, UserUpdate } from '../schemas/auth.js';
import { defineRoute } from './route.js';

const tags = ['users'] as const;
const access = 'user-admin';

export const userRoutes = {
  usersPage: defineRoute({
    summary: 'List users',
    method: 'GET',
    path: '/api/v1/users',
    access,
    tags,
    query: UserFilter,
    data: z.array(User),
    meta: PageMeta,
  }),
  getUser: defineRoute({
    summary: 'Get a user',
    method: 'GET',
    path: '/api/v1/users/:id',
    access,
    tags,
    params: IdParams,
    data: User,
  }),
  createUser: defineRoute({
    summary: 'Create a user',
    errors: [409],
    method: 'POST',
    path: '/api/v1/users',
    access,
    tags,
    body: UserCreate,
    status: 201,
    data: User,
  }),
  updateUser: defineRoute({
    summary: 'Update a user',
    errors: [409],
    method: 'PATCH',
    path: '/api/v1/users/:id',
    access,
    tags,
    params: IdParams,
    body: UserUpdate,
    data: User,
  }),
  /** Admin reset: sets a password and ends the user's sessions. */
  resetPassword: defineRoute({
    summary: "Reset a user's password",
    method: 'POST',
    path: '/api/v1/users/:id/password',
    access,
    tags,
    params: IdParams,
    body: PasswordReset,
    data: Ok,
  }),
  /** Ends every session of a user. */
  revokeSessions: defineRoute({
    summary: "End a user's sessions",
    method: 'POST',
    path: '/api/v1/users/:id/sessions/revoke',
    access,
    tags,
    params: IdParams,
    data: z.object({ revoked: z.int() }),
  }),
  auditPage: defineRoute({
    summary: 'List the audit log',
    method: 'GET',
    path: '/api/v1/audit',
    access,
    tags: ['audit'],
    query: AuditFilter,
    data: z.array(AuditEntry),
    meta: PageMeta,
  }),
};
