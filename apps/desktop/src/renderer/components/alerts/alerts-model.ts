/**
 * The alert screens' pure rules: each typed number checked where it is typed (E.164, the
 * same check the server makes), the template's live preview with sample values, what a
 * setting's form starts with, the camera overrides of a branch and the cameras that may get
 * one, and which deliveries may be resent.
 */
import {
  DEFAULT_MESSAGE_TEMPLATE,
  TEMPLATE_PLACEHOLDERS,
  renderTemplate,
  toE164,
  unknownPlaceholders,
  type AlertSetting,
  type Delivery,
  type Device,
} from '@pantau/shared';

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
export function previewTemplate(
  template: string,
  sample: { branch_name: string; device_name: string; time: string },
): { text: string; unknown: string[] } {
  return {
    text: renderTemplate(template, { ...sample, re_id: 'RE-000123', detected_count: 2 }),
    unknown: unknownPlaceholders(template),
  };
}

/** The placeholders as the help lists them. */
export const PLACEHOLDER_TOKENS = TEMPLATE_PLACEHOLDERS.map((p) => `{${p}}`);

/** Cooldown of a new setting, seconds (the server's default). */
export const DEFAULT_COOLDOWN_SECONDS = 300;

/** What the alert setting form edits. */
export interface AlertFormValues {
  enabled: boolean;
  numbers: string[];
  message_template: string;
  send_image: boolean;
  /** Seconds. */
  cooldown_seconds: number;
}

/**
 * What the form starts with: the setting being edited; for a new one, a copy of `prefill`
 * (a new camera override starts as the branch-wide setting); else the server's defaults.
 */
export function initialAlertValues(setting: AlertSetting | null, prefill: AlertSetting | null = null): AlertFormValues {
  const from = setting ?? prefill;
  if (!from)
    return {
      enabled: true,
      numbers: [],
      message_template: DEFAULT_MESSAGE_TEMPLATE,
      send_image: false,
      cooldown_seconds: DEFAULT_COOLDOWN_SECONDS,
    };
  return {
    enabled: from.enabled,
    numbers: [...from.numbers],
    message_template: from.message_template,
    send_image: from.send_image,
    cooldown_seconds: from.cooldown_seconds,
  };
}

/** A device as the overrides need it: its own id and its name. */
export type DeviceRef = Pick<Device, 'device_id' | 'device_name'>;

/** One camera override of a branch, as the overrides list shows it. */
export interface OverrideRow {
  setting: AlertSetting & { device_id: string };
  /** The camera's name (its own id when the name is unknown). */
  name: string;
  /**
   * The camera is no longer in the setting's branch (it was moved): detections are matched to
   * settings of the camera's current branch, so this override no longer applies.
   */
  moved: boolean;
}

const byName = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: 'base', numeric: true });

/**
 * The camera overrides among a branch's settings (those with a device), by camera name.
 * @param branchDevices the branch's devices by their own id; null while they load (then no
 *   override is reported as moved)
 */
export function overrideRows(
  settings: readonly AlertSetting[],
  branchDevices: ReadonlyMap<string, DeviceRef> | null,
): OverrideRow[] {
  return settings
    .filter((s): s is AlertSetting & { device_id: string } => s.device_id !== null)
    .map((s) => ({
      setting: s,
      name: s.device_name ?? branchDevices?.get(s.device_id)?.device_name ?? s.device_id,
      moved: branchDevices !== null && !branchDevices.has(s.device_id),
    }))
    .sort((a, b) => byName(a.name, b.name) || byName(a.setting.device_id, b.setting.device_id));
}

/** The branch's devices that have no setting of their own yet (the "add override" picker), by name. */
export function devicesWithoutOverride<T extends DeviceRef>(
  devices: readonly T[],
  settings: readonly AlertSetting[],
): T[] {
  const taken = new Set(settings.map((s) => s.device_id));
  return devices
    .filter((d) => !taken.has(d.device_id))
    .sort((a, b) => byName(a.device_name, b.device_name) || byName(a.device_id, b.device_id));
}

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
