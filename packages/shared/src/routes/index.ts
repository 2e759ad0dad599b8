/**
 * Every REST route of Pantau, by name: the one table the server registers, validates and
 * documents from, and the typed client's methods come from. A route's name is its client
 * method's name. See route.ts for what each side derives.
 */
import type { RouteContract } from './route.js';
import { authRoutes } from './auth.js';
import { organisationRoutes } from './organisation.js';
import { deviceApiRoutes } from './device-api.js';
import { eventRoutes } from './events.js';
import { layoutRoutes } from './layouts.js';
import { credentialRoutes } from './credentials.js';
import { userRoutes } from './users.js';
import { queueRoutes } from './queues.js';
import { notificationRoutes } from './notifications.js';
import { webhookRoutes } from './webhooks.js';
import { alarmRoutes } from './alarms.js';
import { alarmRuleRoutes } from './alarm-rules.js';
import { streamRoutes } from './streams.js';
import { systemRoutes } from './system.js';
import { dashboardRoutes } from './dashboard.js';
import { reportRoutes } from './reports.js';

export * from './route.js';

/** Every route, by name (in registration order). */
export const ROUTES = {
  ...authRoutes,
  ...organisationRoutes,
  ...deviceApiRoutes,
  ...eventRoutes,
  ...layoutRoutes,
  ...credentialRoutes,
  ...userRoutes,
  ...queueRoutes,
  ...notificationRoutes,
  ...webhookRoutes,
  ...alarmRoutes,
  ...alarmRuleRoutes,
  ...streamRoutes,
  ...systemRoutes,
  ...dashboardRoutes,
  ...reportRoutes,
} as const satisfies Record<string, RouteContract>;

export type Routes = typeof ROUTES;
export type RouteName = keyof Routes;

/** The routes whose answer is the JSON envelope: the ones the client has a method for. */
export type EnvelopeRouteName = {
  [K in RouteName]: Routes[K] extends { data: unknown } ? K : never;
}[RouteName];
