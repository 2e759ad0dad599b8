/**
 * The dashboard (D5, issue 12): one read of every KPI and series for the caller's scope; live
 * changes come as `stats_updated` on the WebSocket (realtime.ts).
 */
import { Dashboard, DashboardQuery } from '../schemas/dashboard.js';
import { defineRoute } from './route.js';

export const dashboardRoutes = {
  dashboard: defineRoute({
    method: 'GET',
    path: '/api/v1/dashboard',
    access: 'read',
    tags: ['dashboard'],
    summary: 'Dashboard KPIs and series',
    description:
      "KPIs and series for the caller's scope, or one group or branch in it (each branch's own site-local day); 404 for a group or branch out of scope",
    query: DashboardQuery,
    data: Dashboard,
    errors: [404],
  }),
};
