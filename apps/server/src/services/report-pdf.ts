/**
 * A counting report as PDF (issue 13) with pdfkit: A4, DejaVu Sans embedded (npm
 * `dejavu-fonts-ttf`: Latin, and the Indonesian labels need nothing beyond it), a header with
 * what the report covers and its period in the site's zone, a KPI block, the hourly and device
 * charts drawn as vectors, the device table, the branches of a multi-branch report, the top
 * persons and the peak hour, page numbers; English or Bahasa Indonesia.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Readable } from 'node:stream';
import PDFDocument from 'pdfkit';
import type { CountingReport, ReportLanguage } from '@pantau/shared';
import { LABELS, hh, localTime, periodText, scopeName } from './report-labels.js';

const require = createRequire(import.meta.url);
const FONT_DIR = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const FONT = path.join(FONT_DIR, 'DejaVuSans.ttf');
const FONT_BOLD = path.join(FONT_DIR, 'DejaVuSans-Bold.ttf');

/** A4 in PostScript points, and the margin. */
const A4 = { w: 595.28, h: 841.89, m: 48 };

/** Render `r` as an A4 PDF in `lang`; the document is the stream (errors are emitted on it). */
export function renderPdf(r: CountingReport, lang: ReportLanguage): Readable {
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
