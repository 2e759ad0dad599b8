/**
 * What each OpenAPI tag of the route table groups, for the document's `tags` list (the swagger UI
 * and Redoc show it above the tag's operations). Typed by the table: a route with a tag missing
 * here, or a tag no route uses, does not compile (`satisfies` checks both ways on a literal).
 */
import type { Routes } from './index.js';

/** Every tag the route table uses. */
export type RouteTag = Routes[keyof Routes]['tags'][number];

/** One line per tag, in the order the document lists them. */
export const TAG_DESCRIPTIONS = {
  auth: 'Sign in and out, the signed-in user, their own password',
  setup: 'First run: the first admin, while no user exists',
  groups: 'Groups of branches (a province, a region)',
  branches: 'Branches: the sites, each in its own time zone',
  devices: 'Cameras and NVRs of a branch',
  streams: 'Camera streams, the camera tree, live playback, stills and the stream gateway',
  'device API': 'What devices send with an API credential: detections and heartbeats',
  'integrator API': 'What integrators read with an API credential: detections and daily counts',
  persons: 'Re-identified persons: their detections, journey, label and status',
  events: 'Detection events, their snapshots and signed file links',
  layouts: 'Video-wall layouts and their tiles',
  credentials: 'API credentials of devices and integrators: permissions, scope, rotation',
  users: 'Users, their roles and scopes, passwords and sessions',
  audit: 'The audit log of every change',
  queues: 'The job queues and their failed jobs',
  alerts: 'WhatsApp alerts: settings per branch or camera, the provider, deliveries',
  provider: 'The WhatsApp provider (Cloud API or an HTTP gateway)',
  deliveries: 'Alert messages sent and their delivery state',
  webhooks: 'Called by Meta: the WhatsApp Cloud API webhook',
  alarms: 'Alarms: the list, acknowledging, closing, notes, time to acknowledge',
  'alarm escalation': 'Who is told when an alarm stays unacknowledged, per branch',
  'alarm rules': 'When detections raise alarms: rules, arming and its schedule, the watchlist',
  dashboard: 'KPIs and series of the caller’s scope',
  reports: 'Counting reports, their export and their daily recipients',
  system: 'Health of the server, its queue, worker, sockets and gateway',
} as const satisfies Record<RouteTag, string>;
