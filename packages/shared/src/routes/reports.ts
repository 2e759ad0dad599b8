/**
 * Counting reports (S6, D8, issue 13): cache first, generated on the `reports` queue when not
 * cached, exported as PDF, CSV or XLSX. Schemas: ../schemas/reports.ts.
 */
import { z } from 'zod';
import { Deleted, IdParams } from '../schemas/common.js';
import {
  CountingReport,
  ReportExportQuery,
  ReportPending,
  ReportQuery,
  ReportRecipients,
  ReportRecipientsPut,
  ReportTypeParams,
} from '../schemas/reports.js';
import { defineRoute } from './route.js';

export const reportRoutes = {
  /** The cached report (200), or 202 while it is generated (`report_ready` follows on the WebSocket). */
  report: defineRoute({
    method: 'GET',
    path: '/api/v1/reports/:type',
    access: 'read',
    tags: ['reports'],
    summary: 'A counting report',
    description:
      "A counting report of one branch, one group or the caller's whole scope: 200 with the cached report (stale: true while a regeneration for late detections runs), or 202 with the job that generates it; two requests for one report make one job",
    params: ReportTypeParams,
    query: ReportQuery,
    status: [200, 202],
    data: z.union([CountingReport, ReportPending]),
    errors: [400, 404],
  }),
  /** A generated report as a file; answers with the file, not an envelope. */
  reportExport: defineRoute({
    produces: ['application/pdf', 'text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    method: 'GET',
    path: '/api/v1/reports/:id/export',
    access: 'read',
    tags: ['reports'],
    summary: 'Export a report (PDF, CSV, XLSX)',
    description:
      'A generated report as PDF (A4, fonts embedded), CSV (RFC 4180, UTF-8 with BOM) or XLSX, streamed; audited; 404 when it does not exist or covers a branch out of scope',
    params: IdParams,
    query: ReportExportQuery,
    errors: [404, 409],
  }),
  /** Who receives the daily reports of the caller's branches and groups. */
  listReportRecipients: defineRoute({
    method: 'GET',
    path: '/api/v1/report-recipients',
    access: 'admin',
    tags: ['reports'],
    summary: 'List daily-report recipients',
    description:
      "The WhatsApp recipients of the daily report of each branch (and each group) in the caller's scope; a group's only for admins who see all of its branches",
    data: z.array(ReportRecipients),
  }),
  /** Set a branch's or a group's recipients (created or replaced); audited. */
  putReportRecipients: defineRoute({
    method: 'PUT',
    path: '/api/v1/report-recipients',
    access: 'admin',
    tags: ['reports'],
    summary: 'Set daily-report recipients',
    description:
      "Set the WhatsApp recipients of a branch's or a group's daily report: its numbers (E.164), the PDF's language, on or off; audited",
    body: ReportRecipientsPut,
    data: ReportRecipients,
    errors: [400, 404],
  }),
  deleteReportRecipients: defineRoute({
    method: 'DELETE',
    path: '/api/v1/report-recipients/:id',
    access: 'admin',
    tags: ['reports'],
    summary: "Remove a branch's or a group's report recipients; audited",
    params: IdParams,
    data: Deleted,
    errors: [404],
  }),
};
