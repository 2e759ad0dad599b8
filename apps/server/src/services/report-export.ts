/**
 * Counting report exports (issue 13), each a stream so a month of every branch never sits whole
 * in memory:
 * - PDF with pdfkit: A4, DejaVu Sans embedded (npm `dejavu-fonts-ttf`: Latin, and the Indonesian
 *   labels need nothing beyond it), a header with what the report covers and its period in the
 *   site's zone, a KPI block, the hourly and device charts drawn as vectors, the device table,
 *   the top persons and the peak hour; English or Bahasa Indonesia.
 * - CSV with csv-stringify: RFC 4180, UTF-8 with a BOM (Excel reads the encoding from it), one
 *   header row, one row per figure (`section` says which: total, day, hour, branch, device,
 *   person), site-local times.
 * - XLSX with exceljs' streaming writer: sheets Summary, Hourly, Days, Devices, Top persons (and
 *   Branches for several branches); numbers as numbers, times as dates (site-local wall time),
 *   column widths set; no row cap.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import type { CountingReport, ReportFormat, ReportLanguage } from '@pantau/shared';
import { utcOffsetMs } from './site-time.js';

const require = createRequire(import.meta.url);
const FONT_DIR = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const FONT = path.join(FONT_DIR, 'DejaVuSans.ttf');
const FONT_BOLD = path.join(FONT_DIR, 'DejaVuSans-Bold.ttf');

/** Every label an export prints, in each language. */
const LABELS = {
  en: {
    title: { daily: 'Daily counting report', weekly: 'Weekly counting report', monthly: 'Monthly counting report' },
    all: 'All branches',
    period: 'Period',
    zone: 'Time zone',
    generated: 'Generated',
    detections: 'Detections',
    counted: 'People counted',
    unique: 'Unique persons',
    peak: 'Peak hour',
    none: 'none',
    hourly: 'Detections per hour',
    devices: 'Detections per device',
    device: 'Device',
    branch: 'Branch',
    branches: 'Branches',
    person: 'Person',
    label: 'Label',
    top: 'Top persons',
    first: 'First seen',
    last: 'Last seen',
    hour: 'Hour',
    date: 'Date',
    days: 'Days',
    summary: 'Summary',
    previous: 'Previous period',
    late: 'Updated with {n} late detections',
    page: 'Page',
  },
  id: {
    title: {
      daily: 'Laporan penghitungan harian',
      weekly: 'Laporan penghitungan mingguan',
      monthly: 'Laporan penghitungan bulanan',
    },
    all: 'Semua cabang',
    period: 'Periode',
    zone: 'Zona waktu',
    generated: 'Dibuat',
    detections: 'Deteksi',
    counted: 'Orang terhitung',
    unique: 'Orang unik',
    peak: 'Jam tersibuk',
    none: 'tidak ada',
    hourly: 'Deteksi per jam',
    devices: 'Deteksi per perangkat',
    device: 'Perangkat',
    branch: 'Cabang',
    branches: 'Cabang',
    person: 'Orang',
    label: 'Label',
    top: 'Orang terbanyak',
    first: 'Pertama terlihat',
    last: 'Terakhir terlihat',
    hour: 'Jam',
    date: 'Tanggal',
    days: 'Hari',
    summary: 'Ringkasan',
    previous: 'Periode sebelumnya',
    late: 'Diperbarui dengan {n} deteksi terlambat',
    page: 'Halaman',
  },
} as const;

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

/** The report's scope as printed ("All branches" in the chosen language). */
function scopeName(r: CountingReport, lang: ReportLanguage): string {
  return r.branch_id === null && r.group_id === null ? LABELS[lang].all : r.scope_name;
}

/** An instant as site-local wall time `YYYY-MM-DD HH:mm:ss` in `zone`. */
export function localTime(iso: string, zone: string): string {
  const at = Date.parse(iso);
  return new Date(at + utcOffsetMs(zone, at)).toISOString().slice(0, 19).replace('T', ' ');
}

/** An instant as a Date whose UTC fields are the site-local wall time (Excel dates have no zone). */
function wallDate(iso: string, zone: string): Date {
  const at = Date.parse(iso);
  return new Date(at + utcOffsetMs(zone, at));
}

function slug(s: string): string {
  return (
    s
      .normalize('NFKD')
      .replace(/[^\w]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .toLowerCase() || 'report'
  );
}

function periodText(r: CountingReport): string {
  return r.report_date === r.period_end ? r.report_date : `${r.report_date} – ${r.period_end}`;
}

const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;

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

function pick(x: { detections: number; detected_count: number; unique_persons?: number }) {
  return {
    detections: x.detections,
    detected_count: x.detected_count,
    ...(x.unique_persons !== undefined ? { unique_persons: x.unique_persons } : {}),
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

// ── PDF ───────────────────────────────────────────────────────────────────────────────────

/** A4 in PostScript points, and the margin. */
const A4 = { w: 595.28, h: 841.89, m: 48 };

function renderPdf(r: CountingReport, lang: ReportLanguage): Readable {
  const L = LABELS[lang];
  const d = r.report_data;
  const doc = new PDFDocument({
    size: 'A4',
    margin: A4.m,
    bufferPages: true,
    info: {
      Title: `${L.title[r.report_type]} · ${scopeName(r, lang)} · ${periodText(r)}`,
      Author: 'Pantau',
      Creator: 'Pantau',
    },
  });
  doc.registerFont('body', FONT);
  doc.registerFont('bold', FONT_BOLD);
  const width = A4.w - 2 * A4.m;

  // header
  doc.font('bold').fontSize(18).fillColor('#111').text(L.title[r.report_type]);
  doc.font('body').fontSize(13).text(scopeName(r, lang));
  doc
    .fontSize(10)
    .fillColor('#444')
    .text(
      `${L.period}: ${periodText(r)}   ·   ${L.zone}: ${r.timezone}   ·   ${L.generated}: ${localTime(r.generated_at, r.timezone)}`,
    );
  if (r.late_detections > 0) doc.fillColor('#a15c00').text(L.late.replace('{n}', String(r.late_detections)));
  doc.moveDown(0.8);

  // KPI block
  const kpis: Array<[string, string]> = [
    [L.detections, fmt(r.total_detections, lang)],
    [L.counted, fmt(r.total_detected_count, lang)],
    [L.unique, fmt(r.unique_person_count, lang)],
    [L.peak, d.peak_hour ? `${hh(d.peak_hour.hour)} (${fmt(d.peak_hour.detections, lang)})` : L.none],
  ];
  const boxW = width / kpis.length;
  const top = doc.y;
  kpis.forEach(([k, v], i) => {
    const x = A4.m + i * boxW;
    doc.roundedRect(x + 2, top, boxW - 4, 52, 4).fillAndStroke('#f3f5f8', '#d0d5dd');
    doc
      .fillColor('#555')
      .font('body')
      .fontSize(9)
      .text(k, x + 10, top + 8, { width: boxW - 20 });
    doc
      .fillColor('#111')
      .font('bold')
      .fontSize(15)
      .text(v, x + 10, top + 24, { width: boxW - 20 });
  });
  doc.x = A4.m;
  doc.y = top + 64;
  if (d.previous)
    doc
      .font('body')
      .fontSize(9)
      .fillColor('#555')
      .text(
        `${L.previous} (${d.previous.report_date}): ${L.detections} ${fmt(d.previous.total_detections, lang)} · ${L.unique} ${fmt(d.previous.unique_person_count, lang)}`,
      );
  doc.moveDown(0.8);

  // hourly chart: 24 bars, vectors
  heading(doc, L.hourly);
  barChart(
    doc,
    d.hourly_breakdown.map((h) => ({ label: String(h.hour).padStart(2, '0'), value: h.detections })),
    width,
    140,
    d.peak_hour?.hour,
  );

  // device chart: the ten busiest devices, horizontal bars
  heading(doc, L.devices);
  const devs = d.device_breakdown.slice(0, 10);
  const maxDev = Math.max(1, ...devs.map((x) => x.detections));
  for (const dev of devs) {
    ensureRoom(doc, 16);
    const y = doc.y;
    doc
      .font('body')
      .fontSize(8)
      .fillColor('#333')
      .text(dev.device_name, A4.m, y + 2, { width: 150, ellipsis: true, lineBreak: false });
    const w = ((width - 220) * dev.detections) / maxDev;
    doc.rect(A4.m + 155, y + 2, Math.max(w, 0.5), 9).fill('#3b6fd4');
    doc.fillColor('#333').text(fmt(dev.detections, lang), A4.m + 160 + w, y + 2, { lineBreak: false });
    doc.y = y + 14;
    doc.x = A4.m;
  }
  doc.moveDown(0.8);

  // device table
  const names = new Map(d.branch_breakdown.map((b) => [b.branch_id, b.branch_name]));
  table(
    doc,
    [L.device, L.branch, L.detections, L.counted],
    [0.38, 0.3, 0.16, 0.16],
    d.device_breakdown.map((x) => [
      x.device_name,
      names.get(x.branch_id) ?? '',
      fmt(x.detections, lang),
      fmt(x.detected_count, lang),
    ]),
    width,
  );

  // branches (group and all-branch reports)
  if (r.branch_ids.length > 1) {
    heading(doc, L.branches);
    table(
      doc,
      [L.branch, L.zone, L.detections, L.counted, L.unique],
      [0.32, 0.2, 0.16, 0.16, 0.16],
      d.branch_breakdown.map((b) => [
        b.branch_name,
        b.timezone,
        fmt(b.detections, lang),
        fmt(b.detected_count, lang),
        fmt(b.unique_persons, lang),
      ]),
      width,
    );
  }

  // top persons
  heading(doc, L.top);
  table(
    doc,
    [L.person, L.label, L.detections, L.first, L.last],
    [0.26, 0.16, 0.14, 0.22, 0.22],
    d.top_persons.map((p) => [
      p.re_id,
      p.label ?? '',
      fmt(p.detections, lang),
      localTime(p.first_seen, r.timezone).slice(5, 16),
      localTime(p.last_seen, r.timezone).slice(5, 16),
    ]),
    width,
  );

  // page numbers
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // below the bottom margin pdfkit would start a page for the footer: lift the margin for it
    doc.page.margins.bottom = 0;
    doc
      .font('body')
      .fontSize(8)
      .fillColor('#888')
      .text(`Pantau · ${L.page} ${i + 1} / ${range.count}`, A4.m, A4.h - A4.m + 16, {
        width,
        align: 'right',
        lineBreak: false,
      });
  }
  doc.end();
  return doc;
}

function fmt(n: number, lang: ReportLanguage): string {
  return n.toLocaleString(lang === 'id' ? 'id-ID' : 'en-GB');
}

function heading(doc: PDFKit.PDFDocument, text: string): void {
  ensureRoom(doc, 60);
  doc.x = A4.m;
  doc.font('bold').fontSize(12).fillColor('#111').text(text);
  doc.moveDown(0.3);
}

/** Start a new page unless `h` points fit above the bottom margin. */
function ensureRoom(doc: PDFKit.PDFDocument, h: number): void {
  if (doc.y + h > A4.h - A4.m) doc.addPage();
}

function barChart(
  doc: PDFKit.PDFDocument,
  bars: Array<{ label: string; value: number }>,
  width: number,
  height: number,
  highlight?: number,
): void {
  ensureRoom(doc, height + 30);
  const x0 = A4.m + 30;
  const y0 = doc.y;
  const plotW = width - 30;
  // three grid lines at whole steps: the scale's top is 3 steps
  const step = Math.max(1, Math.ceil(Math.max(0, ...bars.map((b) => b.value)) / 3));
  const max = step * 3;
  doc.lineWidth(0.5);
  for (let i = 0; i <= 3; i++) {
    const y = y0 + height - (height * i) / 3;
    doc
      .moveTo(x0, y)
      .lineTo(x0 + plotW, y)
      .strokeColor(i === 0 ? '#888' : '#e2e5ea')
      .stroke();
    doc
      .font('body')
      .fontSize(7)
      .fillColor('#777')
      .text(String(step * i), A4.m, y - 4, { width: 26, align: 'right', lineBreak: false });
  }
  const slot = plotW / bars.length;
  bars.forEach((b, i) => {
    const h = (height * b.value) / max;
    doc.rect(x0 + i * slot + slot * 0.15, y0 + height - h, slot * 0.7, h).fill(i === highlight ? '#d4713b' : '#3b6fd4');
    doc
      .font('body')
      .fontSize(6.5)
      .fillColor('#555')
      .text(b.label, x0 + i * slot, y0 + height + 3, { width: slot, align: 'center', lineBreak: false });
  });
  doc.x = A4.m;
  doc.y = y0 + height + 18;
}

function table(doc: PDFKit.PDFDocument, header: string[], widths: number[], rows: string[][], width: number): void {
  const rowH = 14;
  const draw = (cells: string[], bold: boolean) => {
    ensureRoom(doc, rowH);
    const y = doc.y;
    let x = A4.m;
    cells.forEach((c, i) => {
      const w = width * widths[i]!;
      const numeric = i >= 2;
      doc
        .font(bold ? 'bold' : 'body')
        .fontSize(8)
        .fillColor('#222')
        .text(c, x + 2, y + 3, {
          width: w - 4,
          align: numeric ? 'right' : 'left',
          lineBreak: false,
          ellipsis: true,
        });
      x += w;
    });
    doc
      .moveTo(A4.m, y + rowH)
      .lineTo(A4.m + width, y + rowH)
      .lineWidth(0.3)
      .strokeColor('#d0d5dd')
      .stroke();
    doc.x = A4.m;
    doc.y = y + rowH;
  };
  draw(header, true);
  for (const r of rows) draw(r, false);
  doc.moveDown(0.8);
}
