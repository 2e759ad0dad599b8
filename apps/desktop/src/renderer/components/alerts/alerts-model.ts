/**
 * The alert screens' pure rules: each typed number checked where it is typed (E.164, the
 * same check the server makes), the template's live preview with sample values, and which
 * deliveries may be resent.
 */
import { TEMPLATE_PLACEHOLDERS, renderTemplate, toE164, unknownPlaceholders, type Delivery } from '@pantau/shared';

/** One typed number: its normalised form, or null when invalid. */
export interface CheckedNumber {
  input: string;
  e164: string | null;
  duplicate: boolean;
}

/** Check every typed number; duplicates are judged after normalising. */
export function checkNumbers(inputs: readonly string[]): CheckedNumber[] {
  const seen = new Set<string>();
  return inputs.map((input) => {
    const e164 = toE164(input);
    const duplicate = e164 !== null && seen.has(e164);
    if (e164) seen.add(e164);
    return { input, e164, duplicate };
  });
}

/** True when every number is valid and none repeats. */
export function numbersValid(checked: readonly CheckedNumber[]): boolean {
  return checked.every((c) => c.e164 !== null && !c.duplicate);
}

/** The template with sample values (`time` as given), and its unknown placeholders. */
export function previewTemplate(template: string, sample: { branch_name: string; device_name: string; time: string }): { text: string; unknown: string[] } {
  return { text: renderTemplate(template, { ...sample, re_id: 'RE-000123', detected_count: 2 }), unknown: unknownPlaceholders(template) };
}

/** The placeholders as the help lists them. */
export const PLACEHOLDER_TOKENS = TEMPLATE_PLACEHOLDERS.map((p) => `{${p}}`);

/** Whether the console offers "resend" for a delivery. */
export function canResend(d: Pick<Delivery, 'status'>): boolean {
  return d.status === 'uncertain' || d.status === 'failed';
}

/** Badge colour of a delivery status. */
export function statusColor(status: Delivery['status']): string {
  switch (status) {
    case 'queued':
    case 'sending':
      return 'gray';
    case 'sent':
      return 'blue';
    case 'delivered':
      return 'teal';
    case 'read':
      return 'green';
    case 'failed':
      return 'red';
    case 'uncertain':
      return 'orange';
    default: {
      const never: never = status;
      return never;
    }
  }
}
