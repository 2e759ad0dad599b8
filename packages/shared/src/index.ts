/**
 * @pantau/shared: the one source of every contract between the server, the console and
 * the devices — zod schemas (validate, type and document), error codes, the real-time
 * protocol and the typed API client.
 */
export * from './errors.js';
export * from './csp.js';
export * from './schemas/common.js';
export * from './schemas/organisation.js';
export * from './schemas/detection.js';
export * from './schemas/events.js';
export * from './schemas/auth.js';
export * from './schemas/layouts.js';
export * from './schemas/health.js';
export * from './schemas/devices.js';
export * from './schemas/queues.js';
export * from './schemas/snapshots.js';
export * from './schemas/notifications.js';
export * from './schemas/alarms.js';
export * from './schemas/alarm-rules.js';
export * from './schemas/gateway.js';
export * from './schemas/dashboard.js';
export * from './schemas/reports.js';
export * from './schemas/persons.js';
export * from './realtime.js';
export * from './routes/index.js';
export * from './routes/tags.js';
export * from './api-client.js';
