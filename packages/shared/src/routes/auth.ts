/**
 * `/api/v1/auth` (sign in, who am I, change own password, sign out) and `/api/v1/setup`
 * (first run: the first admin, only while no user exists).
 */
import { Ok } from '../schemas/common.js';
import { LoginBody, LoginResult, PasswordChange, SetupBody, SetupState, User } from '../schemas/auth.js';
import { defineRoute } from './route.js';

const tags = ['auth'] as const;

export const authRoutes = {
  /** Sign in; the client keeps the session token for its next calls. */
  login: defineRoute({
    summary: 'Sign in',
    errors: [429],
    method: 'POST',
    path: '/api/v1/auth/login',
    access: 'public',
    tags,
    body: LoginBody,
    data: LoginResult,
    session: 'start',
  }),
  me: defineRoute({
    summary: 'The signed-in user',
    method: 'GET',
    path: '/api/v1/auth/me',
    access: 'read',
    tags,
    data: User,
  }),
  /** Change one's own password; the user's other sessions end. */
  changePassword: defineRoute({
    summary: 'Change your own password',
    method: 'POST',
    path: '/api/v1/auth/password',
    access: 'read',
    tags,
    body: PasswordChange,
    data: Ok,
  }),
  logout: defineRoute({
    summary: 'Sign out',
    method: 'POST',
    path: '/api/v1/auth/logout',
    access: 'read',
    tags,
    data: Ok,
  }),
  setupState: defineRoute({
    summary: 'Whether first-run setup is needed',
    method: 'GET',
    path: '/api/v1/setup',
    access: 'public',
    tags: ['setup'],
    data: SetupState,
  }),
  /** First run: create the first admin (only while no user exists) and sign in as them. */
  setup: defineRoute({
    summary: 'First run: create the first admin',
    errors: [409],
    method: 'POST',
    path: '/api/v1/setup',
    access: 'public',
    tags: ['setup'],
    body: SetupBody,
    data: LoginResult,
    session: 'start',
  }),
};
