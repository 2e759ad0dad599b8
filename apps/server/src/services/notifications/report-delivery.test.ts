/**
 * Daily counting reports to WhatsApp (issue 13) against a real server and the Cloud API
 * stand-in: recipients per branch and group (validation, scope, audit), the schedule's report of
 * yesterday going out as a document message (the PDF uploaded to /media, read back with
 * pdftotext), once — not again when a late detection regenerates it, not for a day that was not
 * yesterday — in the recipient's language, tracked in notification_deliveries; a report asked
 * for before 01:00 goes out when the schedule finds it ready; template mode without a report
 * template fails with a reason instead of sending the alert template.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, PantauError } from '@pantau/shared';
import { startHarness, waitFor, type Harness } from '../../test-support/harness.js';
import { WhatsAppStandIn } from '../../test-support/whatsapp-stand-in.js';

let h: Harness;
let standIn: WhatsAppStandIn;
let branchAdmin: ApiClient;
let seq = 0;
beforeAll(async () => {
  h = await startHarness();
  standIn = await WhatsAppStandIn.start();
  await h.admin.saveProviderSettings({
    provider: 'whatsapp_cloud',
    config: { base_url: standIn.url, phone_number_id: '1234567890' },
    secrets: { token: 'report-token' },
  });
  await h.admin.createUser({
    email: 'branch-admin@test.local',
    name: 'Branch Admin',
    password: 'branch-admin-pw1',
    role: 'admin',
    scope_branch_ids: [h.branches[0]!.id],
  });
  branchAdmin = new ApiClient({ baseUrl: h.server.url });
  await branchAdmin.login({ email: 'branch-admin@test.local', password: 'branch-admin-pw1' });
});
afterAll(async () => {
  await h?.stop();
  await standIn?.stop();
});

const db = () => h.server.services.db.conn;
const drained = () =>
  waitFor(
    () => (db().prepare(`SELECT COUNT(*) AS n FROM jobs`).get() as { n: number }).n === 0,
    15_000,
    'queue drained',
  );
const post = (branch: number, device: string, at: string) =>
  h.device.logDetection({
    re_id: `rd-${++seq}`,
    branch_id: branch,
    device_id: device,
    detected_count: 1,
    detection_timestamp: at,
    event_id: `rd-${seq}`,
  });
const reportDeliveries = () =>
  db()
    .prepare(
      `SELECT d.report_id, d.phone, d.status, d.kind, d.document_language, d.error, r.report_date, r.scope_key
       FROM notification_deliveries d JOIN counting_reports r ON r.id = d.report_id ORDER BY d.id`,
    )
    .all() as Array<{
    report_id: number;
    phone: string;
    status: string;
    kind: string;
    document_language: string;
    error: string | null;
    report_date: string;
    scope_key: string;
  }>;
const pdfText = (data: Buffer) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pantau-report-')), 'r.pdf');
  fs.writeFileSync(file, data);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
};
const zones = () => [...h.server.services.branchZones.branchZones()];

describe('report recipients', () => {
  it('are set per branch and per group by admins within their scope, validated and audited', async () => {
    const [jkt, bdg] = h.branches;
    const set = await h.admin.putReportRecipients({
      branch_id: jkt!.id,
      phones: ['+62 812-3456-7890', '+62 812 9876 5432'],
      language: 'en',
    });
    expect(set).toMatchObject({
      branch_id: jkt!.id,
      group_id: null,
      scope_name: 'Jakarta Pusat',
      phones: ['+6281234567890', '+6281298765432'],
      language: 'en',
      enabled: true,
    });
    // replaced, not added
    const again = await h.admin.putReportRecipients({ branch_id: jkt!.id, phones: ['+6281234567890'], language: 'en' });
    expect(again.id).toBe(set.id);
    const group = await h.admin.putReportRecipients({ group_id: bdg!.group_id, phones: ['+6281311112222'] });
    expect(group).toMatchObject({ group_id: bdg!.group_id, branch_id: null, scope_name: 'Jawa Barat', language: 'id' });

    const fails = async (p: Promise<unknown>) => {
      const e = await p.then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(PantauError);
      return e as PantauError;
    };
    expect(await fails(h.admin.putReportRecipients({ branch_id: jkt!.id, phones: ['12'] }))).toMatchObject({
      code: 'VALIDATION_ERROR',
      details: { field: 'phones.0' },
    });
    expect(
      (await fails(h.admin.putReportRecipients({ branch_id: jkt!.id, group_id: bdg!.group_id, phones: [] }))).code,
    ).toBe('VALIDATION_ERROR');
    expect(
      (
        await fails(
          h.admin.putReportRecipients({ branch_id: jkt!.id, phones: ['+6281234567890', '+62 812 3456 7890'] }),
        )
      ).code,
    ).toBe('VALIDATION_ERROR');
    expect((await fails(h.admin.putReportRecipients({ branch_id: 9999, phones: [] }))).code).toBe('NOT_FOUND');
    // a branch admin sees and sets their branch only; the other branch's group is not theirs
    expect((await branchAdmin.listReportRecipients()).map((r) => r.id)).toEqual([set.id]);
    expect(
      (await fails(branchAdmin.putReportRecipients({ branch_id: bdg!.id, phones: ['+6281311112222'] }))).code,
    ).toBe('NOT_FOUND');
    expect((await fails(branchAdmin.deleteReportRecipients(group.id))).code).toBe('NOT_FOUND');
    // nothing of the failures changed the rows
    expect((await h.admin.listReportRecipients()).map((r) => [r.scope_name, r.phones])).toEqual([
      ['Jakarta Pusat', ['+6281234567890']],
      ['Jawa Barat', ['+6281311112222']],
    ]);
    const audit = db()
      .prepare(`SELECT action FROM audit_logs WHERE entity_type = 'report_recipients' ORDER BY id`)
      .all() as Array<{ action: string }>;
    expect(audit.map((a) => a.action)).toEqual(['create', 'update', 'create']);
  });
});

describe('daily report delivery', () => {
  it("sends yesterday's scheduled report as a PDF document, once, in the recipient's language", async () => {
    const jkt = h.branches[0]!;
    await post(jkt.id, 'cam-1', '2026-11-10T09:00:00.000+07:00');
    await post(jkt.id, 'cam-1', '2026-11-10T10:00:00.000+07:00');
    await drained();
    const before = standIn.requests.length;
    // 01:00 on 11 November in Jakarta: the schedule's run for the 10th
    h.server.services.reports.scheduleDay('Asia/Jakarta', '2026-11-10', zones());
    await drained();
    const day = () => reportDeliveries().filter((d) => d.report_date === '2026-11-10');
    await waitFor(() => day().length === 2 && day().every((d) => d.status === 'sent'), 10_000, 'reports sent');
    // Jakarta's report to its one number, and Jawa Barat's (nothing counted: that is news too);
    // the JKT group and "all" have no recipients
    expect(day()).toEqual([
      expect.objectContaining({
        scope_key: `b:${jkt.id}`,
        phone: '+6281234567890',
        status: 'sent',
        kind: 'report',
        document_language: 'en',
      }),
      expect.objectContaining({ scope_key: `g:${h.branches[1]!.group_id}`, status: 'sent', document_language: 'id' }),
    ]);
    const sent = day();
    const calls = standIn.requests.slice(before);
    const upload = calls.find((r) => r.path.endsWith('/media') && r.files.file?.name.includes('jakarta-pusat'))!;
    expect(upload.files.file!.type).toBe('application/pdf');
    expect(upload.files.file!.name).toBe('pantau-daily-2026-11-10-jakarta-pusat.pdf');
    const text = pdfText(upload.files.file!.data);
    expect(text).toContain('Jakarta Pusat');
    expect(text).toContain('2026-11-10');
    expect(text).toContain('Daily counting report');
    const message = calls.find(
      (r) => r.path.endsWith('/messages') && (r.body as { to: string }).to === '6281234567890',
    )!.body as {
      type: string;
      to: string;
      document: { id: string; filename: string; caption: string };
    };
    expect(message).toMatchObject({
      type: 'document',
      to: '6281234567890',
      document: { id: expect.any(String), filename: 'pantau-daily-2026-11-10-jakarta-pusat.pdf' },
    });
    expect(message.document.caption).toBe(
      'Pantau daily counting report — Jakarta Pusat, 2026-11-10: 2 detections, 2 persons. The PDF is attached.',
    );

    // a late detection regenerates the report; it does not go out again
    await post(jkt.id, 'cam-1', '2026-11-10T11:00:00.000+07:00');
    await drained();
    const id = sent[0]!.report_id;
    expect(h.server.services.reports.sweep()).toContain(id);
    await drained();
    expect(db().prepare(`SELECT total_detections FROM counting_reports WHERE id = ?`).get(id)).toEqual({
      total_detections: 3,
    });
    // nor when the schedule runs for the day again
    h.server.services.reports.scheduleDay('Asia/Jakarta', '2026-11-10', zones());
    await drained();
    expect(reportDeliveries().filter((d) => d.report_id === id)).toHaveLength(1);
    expect(day()).toHaveLength(2);
    // the deliveries API lists it by report
    const listed = await h.admin.deliveriesPage({ report_id: id });
    expect(listed.items).toEqual([expect.objectContaining({ kind: 'report', report_id: id, status: 'sent' })]);
  });

  it('sends a report asked for before 01:00 when the schedule finds it ready, and a group report in Bahasa Indonesia', async () => {
    const bdg = h.branches[1]!;
    await post(bdg.id, 'cam-2', '2026-11-12T08:00:00.000+07:00');
    await drained();
    // the head office asks for the group's day before the schedule runs: nothing is sent for that
    const asked = await h.admin.report('daily', { group_id: bdg.group_id, date: '2026-11-12' });
    expect(asked.status).toBe(202);
    await drained();
    const ofGroup = () =>
      reportDeliveries().filter((d) => d.report_date === '2026-11-12' && d.scope_key === `g:${bdg.group_id}`);
    expect(ofGroup()).toEqual([]);
    h.server.services.reports.scheduleDay('Asia/Jakarta', '2026-11-12', zones());
    await drained();
    await waitFor(() => ofGroup().some((d) => d.status === 'sent'), 10_000, 'group report sent');
    const groupSent = ofGroup();
    expect(groupSent).toEqual([
      expect.objectContaining({ scope_key: `g:${bdg.group_id}`, phone: '+6281311112222', document_language: 'id' }),
    ]);
    const msg = standIn
      .sends()
      .map((r) => r.body as { document?: { caption: string } })
      .find((b) => b.document?.caption.includes('2026-11-12'));
    expect(msg?.document?.caption).toBe(
      'Laporan penghitungan harian Pantau — Jawa Barat, 2026-11-12: 1 deteksi, 1 orang. PDF terlampir.',
    );
  });

  it('catches up only yesterday for delivery, and fails a report in template mode without a report template', async () => {
    const jkt = h.branches[0]!;
    // a restart on 20 November (Jakarta): the missing days are made; only the 19th is sent
    await post(jkt.id, 'cam-1', '2026-11-17T09:00:00.000+07:00');
    await post(jkt.id, 'cam-1', '2026-11-19T09:00:00.000+07:00');
    await drained();
    await h.admin.saveProviderSettings({
      provider: 'whatsapp_cloud',
      config: {
        base_url: standIn.url,
        phone_number_id: '1234567890',
        message_mode: 'template',
        template_name: 'pantau_alert',
      },
    });
    h.server.services.reports.catchUp('Asia/Jakarta', new Date('2026-11-20T02:00:00Z'), zones());
    await drained();
    await waitFor(
      () => reportDeliveries().some((d) => d.report_date === '2026-11-19' && d.status === 'failed'),
      10_000,
      'template report failed',
    );
    const rows = reportDeliveries().filter(
      (d) => d.report_date >= '2026-11-13' && d.report_date <= '2026-11-19' && d.scope_key === `b:${jkt.id}`,
    );
    expect(rows).toEqual([
      expect.objectContaining({
        report_date: '2026-11-19',
        status: 'failed',
        error: expect.stringContaining('report_template_name'),
      }),
    ]);
    // with one, the report goes out as that template with the PDF as its header
    await h.admin.saveProviderSettings({
      provider: 'whatsapp_cloud',
      config: {
        base_url: standIn.url,
        phone_number_id: '1234567890',
        message_mode: 'template',
        template_name: 'pantau_alert',
        report_template_name: 'pantau_daily_report',
      },
    });
    const failed = (await h.admin.deliveriesPage({ report_id: rows[0]!.report_id })).items[0]!;
    await h.admin.resendDelivery(failed.id);
    await waitFor(
      () => reportDeliveries().some((d) => d.report_date === '2026-11-19' && d.status === 'sent'),
      10_000,
      'template report sent',
    );
    const body = standIn.sends().at(-1)!.body as {
      type: string;
      template: { name: string; components: Array<{ type: string; parameters: Array<{ type: string }> }> };
    };
    expect(body.type).toBe('template');
    expect(body.template.name).toBe('pantau_daily_report');
    expect(body.template.components[0]).toMatchObject({ type: 'header', parameters: [{ type: 'document' }] });
  });
});
