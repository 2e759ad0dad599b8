/**
 * Counting reports (S6, D8): `GET /api/v1/reports/:type` (cache first: 200, or 202 while the
 * report is generated), `GET /api/v1/reports/:id/export` (PDF, CSV or XLSX, streamed, audited)
 * and `/api/v1/report-recipients` (who receives the daily reports on WhatsApp; admins).
 * Declarations: packages/shared/src/routes/reports.ts.
 */
import { DELETED, ROUTES } from '@pantau/shared';
import type { Services } from '../services/container.js';
import { userOf } from '../http/access.js';
import { callerOf } from '../http/actor.js';
import type { RouteRegistrar } from '../http/route.js';
import { renderReport } from '../services/report-export.js';

/** Register the report routes. */
export function reportRoutes(api: RouteRegistrar, s: Services): void {
  api.implement(ROUTES.report, (req, reply) => {
    const answer = s.reports.request(userOf(req), req.params.type, req.query);
    void reply.status(answer.status);
    return answer.data;
  });
  api.implement(ROUTES.reportExport, (req, reply) => {
    const caller = callerOf(req);
    const report = s.reports.exportable(caller, req.params.id);
    const file = renderReport(report, req.query.format, req.query.lang);
    s.reports.recordExport(caller, report.id, req.query.format, req.query.lang);
    return reply
      .header('content-type', file.mime)
      .header('content-disposition', `attachment; filename="${file.filename}"`)
      .header('cache-control', 'private, no-store')
      .header('x-content-type-options', 'nosniff')
      .send(file.stream);
  });
  api.implement(ROUTES.listReportRecipients, (req) => s.reportDelivery.list(userOf(req)));
  api.implement(ROUTES.putReportRecipients, (req) => s.reportDelivery.put(callerOf(req), req.body));
  api.implement(ROUTES.deleteReportRecipients, (req) => {
    s.reportDelivery.remove(callerOf(req), req.params.id);
    return DELETED;
  });
}
