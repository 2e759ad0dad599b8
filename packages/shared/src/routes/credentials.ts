/**
 * `/api/v1/credentials` (S7): admins whose scope is every branch create (the secret is in that
 * answer only; optionally `inactive`), list, edit (PATCH `status` suspends or resumes; 409 on a
 * revoked one), revoke (final), rotate (the new secret in that answer only) and delete API
 * credentials. Credentials may be global or name any branch, hence `user-admin`.
 */
import { z } from 'zod';
import { Deleted, IdParams, PageMeta } from '../schemas/common.js';
import {
  Credential,
  CredentialCreate,
  CredentialCreated,
  CredentialFilter,
  CredentialRotate,
  CredentialUpdate,
} from '../schemas/auth.js';
import { defineRoute } from './route.js';

const tags = ['credentials'] as const;
const access = 'user-admin';

export const credentialRoutes = {
  credentialsPage: defineRoute({
    summary: 'List API credentials',
    method: 'GET',
    path: '/api/v1/credentials',
    access,
    tags,
    query: CredentialFilter,
    data: z.array(Credential),
    meta: PageMeta,
  }),
  getCredential: defineRoute({
    summary: 'Get an API credential',
    method: 'GET',
    path: '/api/v1/credentials/:id',
    access,
    tags,
    params: IdParams,
    data: Credential,
  }),
  /** Create an API credential; the answer holds its secret, the only time it is ever sent. */
  createCredential: defineRoute({
    summary: 'Create an API credential',
    method: 'POST',
    path: '/api/v1/credentials',
    access,
    tags,
    body: CredentialCreate,
    status: 201,
    data: CredentialCreated,
  }),
  updateCredential: defineRoute({
    summary: 'Update an API credential',
    errors: [409],
    method: 'PATCH',
    path: '/api/v1/credentials/:id',
    access,
    tags,
    params: IdParams,
    body: CredentialUpdate,
    data: Credential,
  }),
  revokeCredential: defineRoute({
    summary: 'Revoke an API credential',
    method: 'POST',
    path: '/api/v1/credentials/:id/revoke',
    access,
    tags,
    params: IdParams,
    data: Credential,
  }),
  /** A new secret (in the answer only); the old one keeps working for `grace_seconds` (0..7 days). */
  rotateCredential: defineRoute({
    summary: "Rotate an API credential's secret",
    errors: [409],
    method: 'POST',
    path: '/api/v1/credentials/:id/rotate',
    access,
    tags,
    params: IdParams,
    body: CredentialRotate,
    data: CredentialCreated,
  }),
  deleteCredential: defineRoute({
    summary: 'Delete an API credential',
    method: 'DELETE',
    path: '/api/v1/credentials/:id',
    access,
    tags,
    params: IdParams,
    data: Deleted,
  }),
};
