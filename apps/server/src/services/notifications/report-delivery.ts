/**
 * Daily counting reports to a phone (issue 13): each branch and each group may name WhatsApp
 * numbers that receive its daily report as a PDF (`report_recipients`, migration 017).
 *
 * - The schedule marks the daily reports it makes for yesterday (`counting_reports.deliver`);
 *   when such a report is ready (generated, or found ready because someone asked for it before
 *   01:00) the report service says `report.due`, and this queues one `report` delivery per
 *   number in the same transaction (NotificationDispatcher.enqueueReport): sent by the WhatsApp
 *   job like any alert — retries, outage hold, rate limit, uncertain — and tracked through
 *   sent, delivered and read by the provider's webhook. Once per report: a regeneration for
 *   late detections does not send it again (`delivered_at`).
 * - The PDF is rendered when the delivery is sent (WhatsAppSender's `documentOf`), in the
 *   recipient row's language, so nothing is kept on disk for it.
 * - Admins set recipients within their scope: a branch's when it is in their scope, a group's
 *   when they see every branch of it. Changes are audited.
 */
import { PantauError, type ReportLanguage, type ReportRecipients, type ReportRecipientsPut } from '@pantau/shared';
import type { AuthUser, Caller } from '../../domain/caller.js';
import type { DomainEvents } from '../../domain/domain-events.js';
import type { SyncExecutor } from '../../db/sync-executor.js';
import type { AuditRepository } from '../../repositories/audit-repository.js';
import type { CountingReportRow } from '../../repositories/report-repository.js';
import type { ReportRecipientRepository, ReportRecipientsRow } from '../../repositories/report-recipient-repository.js';
import type { NotificationDispatcher } from './notification-dispatcher.js';

/** What a report delivery's text says, in each language. */
const TEXT: Record<ReportLanguage, (r: ReportFacts) => string> = {
  en: (r) =>
    `Pantau daily counting report — ${r.scope}, ${r.date}: ${r.detections.toLocaleString('en-US')} detections, ${r.persons.toLocaleString('en-US')} persons. The PDF is attached.`,
  id: (r) =>
    `Laporan penghitungan harian Pantau — ${r.scope}, ${r.date}: ${r.detections.toLocaleString('id-ID')} deteksi, ${r.persons.toLocaleString('id-ID')} orang. PDF terlampir.`,
};

/** The figures a delivery's text names. */
interface ReportFacts {
  scope: string;
  date: string;
  detections: number;
  persons: number;
}

/** Report recipients and the queuing of report deliveries. */
export class ReportDeliveryService {
  constructor(
    private readonly repo: ReportRecipientRepository,
    private readonly dispatcher: Pick<NotificationDispatcher, 'enqueueReport'>,
    private readonly exec: SyncExecutor,
    private readonly audit: AuditRepository,
    /** The report row by id (ReportRepository.byId). */
    private readonly report: (id: number) => CountingReportRow | undefined,
    /** The branches of a group now (ids), for the scope check of a group's recipients. */
    private readonly groupBranches: (groupId: number) => number[] | undefined,
    /** Whether a branch exists. */
    private readonly branchExists: (branchId: number) => boolean,
    events: DomainEvents,
    private readonly now: () => number = Date.now,
  ) {
    events.on('report.due', ({ report_id }) => this.queueFor(report_id));
  }

  /** The recipients of the caller's branches and groups. */
  list(user: AuthUser): ReportRecipients[] {
    return this.repo
      .list()
      .filter((r) => this.visible(user, r))
      .map(toApi);
  }

  /**
   * Set a branch's or a group's recipients; audited.
   * @throws PantauError NOT_FOUND (field `branch_id` / `group_id`) when it does not exist or is out of scope
   */
  put(c: Caller, body: ReportRecipientsPut & { language: ReportLanguage; enabled: boolean }): ReportRecipients {
    const scope = { branch_id: body.branch_id ?? null, group_id: body.group_id ?? null };
    const field = scope.branch_id !== null ? 'branch_id' : 'group_id';
    const exists =
      scope.branch_id !== null ? this.branchExists(scope.branch_id) : this.groupBranches(scope.group_id!) !== undefined;
    if (!exists || !this.visible(c.user, scope))
      throw new PantauError('NOT_FOUND', `${field === 'branch_id' ? 'branch' : 'group'} not found`, { field });
    return this.exec.tx(() => {
      const before = this.repo.forScope(scope);
      const id = this.repo.upsert({
        ...scope,
        phones: body.phones,
        language: body.language,
        enabled: body.enabled,
        now: new Date(this.now()).toISOString(),
      });
      const after = this.repo.byId(id)!;
      this.audit.record(
        c.actor,
        before ? 'update' : 'create',
        'report_recipients',
        id,
        before ? auditView(before) : null,
        auditView(after),
      );
      return toApi(after);
    });
  }

  /**
   * Remove a branch's or a group's recipients; audited.
   * @throws PantauError NOT_FOUND (field `id`) when there is no such row in scope
   */
  remove(c: Caller, id: number): void {
    this.exec.tx(() => {
      const cur = this.repo.byId(id);
      if (!cur || !this.visible(c.user, cur))
        throw new PantauError('NOT_FOUND', `report recipients ${id} not found`, { field: 'id' });
      this.repo.delete(id);
      this.audit.record(c.actor, 'delete', 'report_recipients', id, auditView(cur), null);
    });
  }

  /**
   * Queue a ready report's deliveries to its branch's or group's recipients (the `report.due`
   * subscriber; inside the report's transaction). Nothing when it went out already, has no
   * recipients, or they are off.
   * @returns the deliveries queued
   */
  queueFor(reportId: number): number {
    const row = this.report(reportId);
    if (!row || row.status !== 'ready' || row.delivered_at !== null) return 0;
    if (row.branch_id === null && row.group_id === null) return 0; // the all-branch report has no recipients
    const to = this.repo.forScope(row);
    const phones = to && to.enabled === 1 ? (JSON.parse(to.phones) as string[]) : [];
    const nowMs = this.now();
    this.repo.markDelivered(reportId, new Date(nowMs).toISOString());
    if (!to || phones.length === 0) return 0;
    const text = TEXT[to.language]({
      scope: to.scope_name ?? `#${row.branch_id ?? row.group_id}`,
      date: row.report_date,
      detections: row.total_detections,
      persons: row.unique_person_count,
    });
    return this.dispatcher.enqueueReport(row, phones, text, to.language, nowMs).length;
  }

  /** A branch's recipients when the branch is in scope; a group's when every branch of it is. */
  private visible(user: AuthUser, r: { branch_id: number | null; group_id: number | null }): boolean {
    if (user.branchScope === null) return true;
    if (r.branch_id !== null) return user.branchScope.includes(r.branch_id);
    const ids = this.groupBranches(r.group_id!) ?? [];
    return ids.length > 0 && ids.every((b) => user.branchScope!.includes(b));
  }
}

/** A stored row as the API answers it. */
function toApi(r: ReportRecipientsRow): ReportRecipients {
  return {
    id: r.id,
    branch_id: r.branch_id,
    group_id: r.group_id,
    scope_name: r.scope_name ?? `#${r.branch_id ?? r.group_id}`,
    phones: JSON.parse(r.phones) as string[],
    language: r.language,
    enabled: r.enabled === 1,
    updated_at: r.updated_at,
  };
}

/** What the audit log keeps of a row. */
function auditView(r: ReportRecipientsRow): Record<string, unknown> {
  return { phones: JSON.parse(r.phones) as string[], language: r.language, enabled: r.enabled === 1 };
}
