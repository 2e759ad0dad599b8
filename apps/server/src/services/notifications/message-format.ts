/**
 * What an alert says: the template's placeholders filled in, the time in the branch's own
 * time zone (`2026-11-21 10:15:07 WIB`: Indonesian zone names, 24 h).
 */
import { renderTemplate, type TemplatePlaceholder } from '@pantau/shared';

/** `YYYY-MM-DD HH:mm:ss <zone>` of an instant in a time zone (zone names as Indonesians write them: WIB, WITA, WIT). */
export function siteTime(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('id-ID', {
    timeZone,
    timeZoneName: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const p = (t: Intl.DateTimeFormatPartTypes) => parts.find((x) => x.type === t)?.value ?? '';
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}:${p('second')} ${p('timeZoneName')}`.trim();
}

/** The facts of one event that a template may show. */
export interface AlertFacts {
  branch_name: string;
  device_name: string;
  re_id: string;
  detected_count: number;
  /** ISO-8601 detection time. */
  event_timestamp: string;
  /** The branch's IANA time zone. */
  timezone: string;
}

/** Placeholder values of an event, in {@link TemplatePlaceholder} terms. */
export function placeholderValues(f: AlertFacts): Record<TemplatePlaceholder, string | number> {
  return {
    branch_name: f.branch_name,
    device_name: f.device_name,
    re_id: f.re_id,
    detected_count: f.detected_count,
    time: siteTime(new Date(f.event_timestamp), f.timezone),
  };
}

/** The message of an event from a template. */
export function renderAlert(template: string, f: AlertFacts): string {
  return renderTemplate(template, placeholderValues(f));
}

/** Body parameters of a WhatsApp template message, in placeholder order: branch, device, person, count, time. */
export function templateParams(f: AlertFacts): string[] {
  const v = placeholderValues(f);
  return [String(v.branch_name), String(v.device_name), String(v.re_id), String(v.detected_count), String(v.time)];
}
