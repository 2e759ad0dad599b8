/**
 * The escalation siren: a louder tone than the device status beeps (lib/sound.ts, whose
 * scheduler it reuses), repeated every {@link SIREN_INTERVAL_MS} while an escalated alarm is
 * still unacknowledged, until the operator mutes it. Made with the WebAudio API, no files.
 *
 * Browsers keep an AudioContext suspended until the page had a user gesture; signing in is
 * one, and {@link primeAlarmSound} (called from the mute switch) resumes it explicitly.
 */
import { playTones, type AudioContextLike, type ToneStep } from './sound.js';

/** localStorage key of the mute switch (JSON `true` / `false`). */
export const ALARM_MUTED_KEY = 'pantau.alarm-sound-muted';

/** Time between two sirens while an escalated alarm waits, ms. */
export const SIREN_INTERVAL_MS = 2500;

/** Peak gain of the siren, 0..1: over twice the status beeps' 0.15. */
export const SIREN_VOLUME = 0.4;

/**
 * One siren: three high–low pairs (B5 ↔ E5), 150 ms each with 30 ms gaps — a
 * two-tone pattern like a European emergency vehicle's, easy to tell from the status beeps.
 */
export const SIREN_PLAN: readonly ToneStep[] = [0, 1, 2].flatMap((i) => [
  { frequencyHz: 987.77, startS: i * 0.36, durationS: 0.15 },
  { frequencyHz: 659.25, startS: i * 0.36 + 0.18, durationS: 0.15 },
]);

/** A high-priority alarm's chime, played once on arrival (alarm-priority.ts): two rising tones, softer than the siren. */
export const CHIME_PLAN: readonly ToneStep[] = [
  { frequencyHz: 783.99, startS: 0, durationS: 0.12 },
  { frequencyHz: 1046.5, startS: 0.16, durationS: 0.2 },
];

/** Peak gain of the chime, 0..1. */
export const CHIME_VOLUME = 0.25;

/** Play the chime once on the console's audio context (nothing where audio is unavailable). */
export function playChime(context: () => AudioContextLike | null = alarmAudioContext): void {
  const ctx = context();
  if (!ctx) return;
  if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
  playTones(ctx, CHIME_PLAN, CHIME_VOLUME);
}

/** Whether the operator muted the siren (default: not muted). */
export function alarmSoundMuted(storage: Pick<Storage, 'getItem'> | null = localStorageOrNull()): boolean {
  try {
    return JSON.parse(storage?.getItem(ALARM_MUTED_KEY) ?? 'false') === true;
  } catch {
    return false;
  }
}

/** Timers the siren uses (fakes in tests). */
export interface SirenTimers {
  setInterval: (fn: () => void, ms: number) => unknown;
  clearInterval: (handle: unknown) => void;
}

/** Starts and stops the repeating siren. */
export interface Siren {
  /** `true`: sound now and every {@link SIREN_INTERVAL_MS}; `false`: stop. Repeated calls with the same value change nothing. */
  set: (on: boolean) => void;
  readonly playing: boolean;
}

/**
 * A siren over an audio context (`null` where audio is unavailable: then it only keeps time).
 * @param context returns the context to play on, created on first use
 */
export function createSiren(context: () => AudioContextLike | null, timers: SirenTimers = globalTimers()): Siren {
  let handle: unknown = null;
  const sound = () => {
    const ctx = context();
    if (!ctx) return;
    if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
    playTones(ctx, SIREN_PLAN, SIREN_VOLUME);
  };
  return {
    set(on) {
      if (on === (handle !== null)) return;
      if (on) {
        sound();
        handle = timers.setInterval(sound, SIREN_INTERVAL_MS);
      } else {
        timers.clearInterval(handle);
        handle = null;
      }
    },
    get playing() {
      return handle !== null;
    },
  };
}

let shared: AudioContextLike | null = null;

/** The console's audio context for the siren, created on first use (null without WebAudio). */
export function alarmAudioContext(): AudioContextLike | null {
  if (shared) return shared;
  const Ctor =
    typeof window === 'undefined'
      ? undefined
      : (window.AudioContext as unknown as (new () => AudioContextLike) | undefined);
  if (!Ctor) return null;
  shared = new Ctor();
  return shared;
}

/** Creates or resumes the siren's audio context; call from a user gesture. */
export function primeAlarmSound(): void {
  const ctx = alarmAudioContext();
  if (ctx && ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
}

function globalTimers(): SirenTimers {
  return {
    setInterval: (fn, ms) => setInterval(fn, ms),
    clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
  };
}

function localStorageOrNull(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
}
