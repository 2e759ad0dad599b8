/**
 * Counting report exports (issue 13), each a stream so a month of every branch never sits whole
 * in memory:
 * - PDF: report-pdf.ts.
 * - CSV with csv-stringify: RFC 4180, UTF-8 with a BOM (Excel reads the encoding from it), one
 *   header row, one row per figure (`section` says which: total, day, hour, branch, device,
 *   person), site-local times.
 * - XLSX with exceljs' streaming writer: sheets Summary, Hourly, Days, Devices, Top persons (and
 *   Branches for several branches); numbers as numbers, times as dates (site-local wall time),
 *   column widths set; no row cap.
 */
import { PassThrough, type Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import type { CountingReport, ReportFormat, ReportLanguage } from '@pantau/shared';
import { LABELS, hh, localTime, periodText, scopeName, slug, wallDate } from './report-labels.js';
import { renderPdf } from './report-pdf.js';

/** An export ready to send: its stream, media type and file name. */
export interface ReportFile {
  stream: Readable;
  mime: string;
  filename: string;
}

/**
 * Render `report` as `format` in `lang`.
 * @returns the file as a stream (errors are emitted on it)
 */
export function renderReport(report: CountingReport, format: ReportFormat, lang: ReportLanguage): ReportFile {
  const base = `pantau-${report.report_type}-${report.report_date}-${slug(scopeName(report, lang))}`;
  if (format === 'csv') return { stream: renderCsv(report), mime: 'text/csv; charset=utf-8', filename: `${base}.csv` };
  if (format === 'xlsx')
    return {
      stream: renderXlsx(report, lang),
      mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      filename: `${base}.xlsx`,
    };
  return { stream: renderPdf(report, lang), mime: 'application/pdf', filename: `${base}.pdf` };
}

// ── CSV ───────────────────────────────────────────────────────────────────────────────────

const CSV_COLUMNS = [
  'section',
  'report_type',
  'report_date',
  'date',
  'hour',
  'branch_id',
  'branch_name',
  'device_id',
  'device_name',
  're_id',
  'label',
  'detections',
  'detected_count',
  'unique_persons',
  'first_seen',
  'last_seen',
] as const;

function renderCsv(r: CountingReport): Readable {
  const out = stringify({ header: true, columns: [...CSV_COLUMNS], bom: true, record_delimiter: 'windows' });
  const base = { report_type: r.report_type, report_date: r.report_date };
  const d = r.report_data;
  const branchName = new Map(d.branch_breakdown.map((b) => [b.branch_id, b.branch_name]));
  // written in one go: csv-stringify buffers what the consumer has not read yet
  out.write({
    ...base,
    section: 'total',
    detections: r.total_detections,
    detected_count: r.total_detected_count,
    unique_persons: r.unique_person_count,
  });
  for (const day of d.daily_breakdown) out.write({ ...base, section: 'day', date: day.date, ...pick(day) });
  for (const h of d.hourly_breakdown) out.write({ ...base, section: 'hour', hour: h.hour, ...pick(h) });
  for (const b of d.branch_breakdown)
    out.write({ ...base, section: 'branch', branch_id: b.branch_id, branch_name: b.branch_name, ...pick(b) });
  for (const dev of d.device_breakdown)
    out.write({
      ...base,
      section: 'device',
      branch_id: dev.branch_id,
      branch_name: branchName.get(dev.branch_id) ?? '',
      device_id: dev.device_id,
      device_name: dev.device_name,
      ...pick(dev),
    });
  for (const p of d.top_persons)
    out.write({
      ...base,
      section: 'person',
      re_id: p.re_id,
      label: p.label ?? '',
      ...pick(p),
      first_seen: localTime(p.first_seen, r.timezone),
      last_seen: localTime(p.last_seen, r.timezone),
    });
  out.end();
  return out;
}

/** The counts of a row; `unique_persons` null (a multi-branch week's or month's day) is left empty. */
function pick(x: { detections: number; detected_count: number; unique_persons?: number | null }) {
  return {
    detections: x.detections,
    detected_count: x.detected_count,
    ...(x.unique_persons !== undefined && x.unique_persons !== null ? { unique_persons: x.unique_persons } : {}),
  };
}

// ── XLSX ──────────────────────────────────────────────────────────────────────────────────

function renderXlsx(r: CountingReport, lang: ReportLanguage): Readable {
  const L = LABELS[lang];
  const out = new PassThrough();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'Pantau';
  const d = r.report_data;
  const sheet = (name: string, columns: Array<{ header: string; key: string; width: number; numFmt?: string }>) => {
    const ws = wb.addWorksheet(name);
    ws.columns = columns.map((c) => ({
      header: c.header,
      key: c.key,
      width: c.width,
      ...(c.numFmt ? { style: { numFmt: c.numFmt } } : {}),
    }));
    ws.getRow(1).font = { bold: true };
    ws.getRow(1).commit();
    return ws;
  };
  const n = (header: string, key: string) => ({ header, key, width: 16, numFmt: '#,##0' });

  void (async () => {
    const summary = sheet(L.summary, [
      { header: '', key: 'k', width: 28 },
      { header: '', key: 'v', width: 36 },
    ]);
    const rows: Array<[string, string | number]> = [
      [L.title[r.report_type], scopeName(r, lang)],
      [L.period, periodText(r)],
      [L.zone, r.timezone],
      [L.generated, localTime(r.generated_at, r.timezone)],
      [L.detections, r.total_detections],
      [L.counted, r.total_detected_count],
      [L.unique, r.unique_person_count],
      [L.peak, d.peak_hour ? hh(d.peak_hour.hour) : L.none],
    ];
    if (d.previous)
      rows.push([`${L.previous} (${d.previous.report_date}) · ${L.detections}`, d.previous.total_detections]);
    for (const [k, v] of rows) summary.addRow({ k, v }).commit();
    summary.commit();

    const hourly = sheet(L.hourly, [
      { header: L.hour, key: 'hour', width: 10 },
      n(L.detections, 'detections'),
      n(L.counted, 'detected_count'),
    ]);
    for (const h of d.hourly_breakdown)
      hourly.addRow({ hour: hh(h.hour), detections: h.detections, detected_count: h.detected_count }).commit();
    hourly.commit();

    const days = sheet(L.days, [
      { header: L.date, key: 'date', width: 14, numFmt: 'yyyy-mm-dd' },
      n(L.detections, 'detections'),
      n(L.counted, 'detected_count'),
      n(L.unique, 'unique_persons'),
    ]);
    for (const day of d.daily_breakdown) days.addRow({ ...day, date: new Date(`${day.date}T00:00:00Z`) }).commit();
    days.commit();

    const names = new Map(d.branch_breakdown.map((b) => [b.branch_id, b.branch_name]));
    const devices = sheet(L.devices, [
      { header: L.device, key: 'device_name', width: 28 },
      { header: 'device_id', key: 'device_id', width: 22 },
      { header: L.branch, key: 'branch', width: 24 },
      n(L.detections, 'detections'),
      n(L.counted, 'detected_count'),
    ]);
    for (const dev of d.device_breakdown) devices.addRow({ ...dev, branch: names.get(dev.branch_id) ?? '' }).commit();
    devices.commit();

    const persons = sheet(L.top, [
      { header: 're_id', key: 're_id', width: 24 },
      { header: L.label, key: 'label', width: 20 },
      n(L.detections, 'detections'),
      n(L.counted, 'detected_count'),
      n(L.branches, 'branches'),
      { header: L.first, key: 'first_seen', width: 20, numFmt: 'yyyy-mm-dd hh:mm:ss' },
      { header: L.last, key: 'last_seen', width: 20, numFmt: 'yyyy-mm-dd hh:mm:ss' },
    ]);
    for (const p of d.top_persons)
      persons
        .addRow({
          ...p,
          label: p.label ?? '',
          first_seen: wallDate(p.first_seen, r.timezone),
          last_seen: wallDate(p.last_seen, r.timezone),
        })
        .commit();
    persons.commit();

    if (r.branch_ids.length > 1) {
      const branches = sheet(L.branches, [
        { header: L.branch, key: 'branch_name', width: 28 },
        { header: L.zone, key: 'timezone', width: 18 },
        n(L.detections, 'detections'),
        n(L.counted, 'detected_count'),
        n(L.unique, 'unique_persons'),
      ]);
      for (const b of d.branch_breakdown) branches.addRow(b).commit();
      branches.commit();
    }
    await wb.commit();
  })().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return out;
}
