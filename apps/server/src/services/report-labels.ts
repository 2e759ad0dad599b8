/**
 * What every counting report export prints (issue 13): its labels in English and Bahasa
 * Indonesia, and the few ways a report's facts are written (scope, period, hour, site-local
 * time), shared by the PDF (report-pdf.ts) and the spreadsheets (report-export.ts).
 */
import type { CountingReport, ReportLanguage } from '@pantau/shared';
import { wallClock } from './site-time.js';

/** Every label an export prints, in each language. */
export const LABELS = {
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

/** The report's scope as printed ("All branches" in the chosen language). */
export function scopeName(r: CountingReport, lang: ReportLanguage): string {
  return r.branch_id === null && r.group_id === null ? LABELS[lang].all : r.scope_name;
}

/** An instant as site-local wall time `YYYY-MM-DD HH:mm:ss` in `zone`. */
export function localTime(iso: string, zone: string): string {
  const at = Date.parse(iso);
  return wallClock(at, zone).toISOString().slice(0, 19).replace('T', ' ');
}

/** An instant as a Date whose UTC fields are the site-local wall time (Excel dates have no zone). */
export function wallDate(iso: string, zone: string): Date {
  const at = Date.parse(iso);
  return wallClock(at, zone);
}

export function slug(s: string): string {
  return (
    s
      .normalize('NFKD')
      .replace(/[^\w]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .toLowerCase() || 'report'
  );
}

export function periodText(r: CountingReport): string {
  return r.report_date === r.period_end ? r.report_date : `${r.report_date} – ${r.period_end}`;
}

export const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
