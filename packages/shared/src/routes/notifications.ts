/**
 * WhatsApp alerts API (S4): `/api/v1/alert-settings` (admins, within their scope),
 * `/api/v1/notification-provider` (admins of every branch: provider, settings, write-only secrets,
 * test message) and `/api/v1/notification-deliveries` (list per event or branch; resend an
 * uncertain or failed one). The provider's delivery-status webhook is in webhooks.ts.
 */
import { z } from 'zod';
import { Deleted, IdParams, PageMeta } from '../schemas/common.js';
import {
  AlertSetting,
  AlertSettingCreate,
  AlertSettingFilter,
  AlertSettingUpdate,
  Delivery,
  DeliveryFilter,
  ProviderSettings,
  ProviderSettingsUpdate,
  TestMessageBody,
} from '../schemas/notifications.js';
import { defineRoute } from './route.js';

const tags = ['alerts'] as const;

export const notificationRoutes = {
  /** WhatsApp alert settings of the caller's branches (one branch with `branch_id`). */
  listAlertSettings: defineRoute({
    summary: 'List alert settings',
    method: 'GET',
    path: '/api/v1/alert-settings',
    access: 'admin',
    tags,
    query: AlertSettingFilter,
    data: z.array(AlertSetting),
  }),
  getAlertSetting: defineRoute({
    summary: 'Get an alert setting',
    method: 'GET',
    path: '/api/v1/alert-settings/:id',
    access: 'admin',
    tags,
    params: IdParams,
    data: AlertSetting,
  }),
  createAlertSetting: defineRoute({
    summary: 'Create an alert setting',
    errors: [404, 409],
    method: 'POST',
    path: '/api/v1/alert-settings',
    access: 'admin',
    tags,
    body: AlertSettingCreate,
    status: 201,
    data: AlertSetting,
  }),
  updateAlertSetting: defineRoute({
    summary: 'Update an alert setting',
    method: 'PATCH',
    path: '/api/v1/alert-settings/:id',
    access: 'admin',
    tags,
    params: IdParams,
    body: AlertSettingUpdate,
    data: AlertSetting,
  }),
  deleteAlertSetting: defineRoute({
    summary: 'Delete an alert setting',
    method: 'DELETE',
    path: '/api/v1/alert-settings/:id',
    access: 'admin',
    tags,
    params: IdParams,
    data: Deleted,
  }),

  /** The WhatsApp provider settings (secrets never returned: `has_secret`). */
  providerSettings: defineRoute({
    summary: 'The WhatsApp provider settings',
    method: 'GET',
    path: '/api/v1/notification-provider',
    access: 'user-admin',
    tags: ['alerts', 'provider'],
    data: ProviderSettings,
  }),
  saveProviderSettings: defineRoute({
    summary: 'Save the WhatsApp provider settings',
    method: 'PUT',
    path: '/api/v1/notification-provider',
    access: 'user-admin',
    tags: ['alerts', 'provider'],
    body: ProviderSettingsUpdate,
    data: ProviderSettings,
  }),
  /** Queue a test message to one number through the configured provider. */
  sendTestMessage: defineRoute({
    summary: 'Send a test message',
    method: 'POST',
    path: '/api/v1/notification-provider/test',
    access: 'user-admin',
    tags: ['alerts', 'provider'],
    body: TestMessageBody,
    status: 202,
    data: Delivery,
  }),

  deliveriesPage: defineRoute({
    summary: 'List notification deliveries',
    method: 'GET',
    path: '/api/v1/notification-deliveries',
    access: 'admin',
    tags: ['alerts', 'deliveries'],
    query: DeliveryFilter,
    data: z.array(Delivery),
    meta: PageMeta,
  }),
  /** Resend an uncertain or failed delivery. */
  resendDelivery: defineRoute({
    summary: 'Resend a delivery',
    errors: [409],
    method: 'POST',
    path: '/api/v1/notification-deliveries/:id/resend',
    access: 'admin',
    tags: ['alerts', 'deliveries'],
    params: IdParams,
    status: 202,
    data: Delivery,
  }),
};
