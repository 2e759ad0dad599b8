/**
 * How each alarm priority looks and sounds on the console (issue 14), in one table: its colour
 * (Mantine palette name), its sound, and whether a new alarm of it pops up as a toast.
 *
 * | priority | colour | sound                                  | pops up |
 * | -------- | ------ | -------------------------------------- | ------- |
 * | critical | red    | the siren until acknowledged           | yes, stays until acknowledged |
 * | high     | orange | a chime once                           | yes     |
 * | medium   | yellow | none                                   | yes     |
 * | low      | blue   | none                                   | no (feed and alarm list only) |
 *
 * An escalation is red, sounds the siren and toasts whatever the priority. An alarm without a
 * priority (from before the rules) looks medium.
 */
import type { AlarmPriority } from '@pantau/shared';

/** What a priority looks and sounds like. */
export interface PriorityLook {
  colour: 'red' | 'orange' | 'yellow' | 'blue';
  sound: 'siren' | 'chime' | null;
  popup: boolean;
  /** toasts of this priority stay until acknowledged */
  sticky: boolean;
}

export const PRIORITY_LOOK: Readonly<Record<AlarmPriority, PriorityLook>> = {
  critical: { colour: 'red', sound: 'siren', popup: true, sticky: true },
  high: { colour: 'orange', sound: 'chime', popup: true, sticky: false },
  medium: { colour: 'yellow', sound: null, popup: true, sticky: false },
  low: { colour: 'blue', sound: null, popup: false, sticky: false },
};

/** The look of a row's priority (null/absent = medium). */
export function lookOf(priority: AlarmPriority | null | undefined): PriorityLook {
  return PRIORITY_LOOK[priority ?? 'medium'];
}

/** Whether a new alarm of this priority pops up as a toast. */
export function popsUp(priority: AlarmPriority | null | undefined): boolean {
  return lookOf(priority).popup;
}
