/**
 * `GET /health` (S13): database, queue, worker, WebSocket clients and gateway; 503 with the same
 * numbers in `error.details.health` when the database is unavailable.
 */
import { Health } from '../schemas/health.js';
import { defineRoute } from './route.js';

export const systemRoutes = {
  health: defineRoute({
    summary: 'Server health',
    method: 'GET',
    path: '/health',
    access: 'public',
    tags: ['system'],
    data: Health,
    errors: [503],
  }),
};
