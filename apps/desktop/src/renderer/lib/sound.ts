/**
 * The optional sound when a camera or NVR goes offline or comes back: short sine tones made
 * with the WebAudio API (no audio files), falling for offline and rising for back online. The
 * operator turns it on or off (off by default); the choice is kept in localStorage.
 *
 * Browsers start an AudioContext suspended until the page has had a user gesture, so
 * {@link primeStatusSound} is called from the switch's click to unlock it.
 */

/** localStorage key of the on/off setting (JSON `true` / `false`, as Mantine's useLocalStorage writes it). */
export const STATUS_SOUND_KEY = 'pantau.status-sound';

/** Which change a tone announces. */
export type StatusTone = 'offline' | 'online';

/** One beep: frequency (Hz), start after the first beep and length, both in seconds. */
export interface ToneStep {
  frequencyHz: number;
  startS: number;
  durationS: number;
}

/** The part of an AudioContext the tones need (a fake in tests). */
export interface AudioContextLike {
  readonly currentTime: number;
  readonly state: string;
  readonly destination: unknown;
  resume(): Promise<void>;
  createOscillator(): {
    type: string;
    frequency: { setValueAtTime(v: number, t: number): unknown };
    connect(node: unknown): unknown;
    start(t: number): void;
    stop(t: number): void;
  };
  createGain(): {
    gain: { setValueAtTime(v: number, t: number): unknown; linearRampToValueAtTime(v: number, t: number): unknown };
    connect(node: unknown): unknown;
  };
}

/** Whether the operator turned the sound on. */
export function statusSoundEnabled(storage: Pick<Storage, 'getItem'> | null = localStorageOrNull()): boolean {
  try {
    return JSON.parse(storage?.getItem(STATUS_SOUND_KEY) ?? 'false') === true;
  } catch {
    return false;
  }
}

/**
 * The beeps of a tone: offline falls a fifth (A5 → D5), back online rises a fifth (C5 → G5),
 * two 120 ms beeps 160 ms apart.
 */
export function tonePlan(kind: StatusTone): ToneStep[] {
  const [a, b] = kind === 'offline' ? [880, 587.33] : [523.25, 783.99];
  return [
    { frequencyHz: a, startS: 0, durationS: 0.12 },
    { frequencyHz: b, startS: 0.16, durationS: 0.12 },
  ];
}

/**
 * Schedules the beeps on `ctx`, each a sine with a 10 ms fade in and out (no clicks).
 * @param volume peak gain, 0..1 (default 0.15)
 */
export function playTones(ctx: AudioContextLike, plan: readonly ToneStep[], volume = 0.15): void {
  const t0 = ctx.currentTime + 0.01;
  for (const step of plan) {
    const start = t0 + step.startS;
    const end = start + step.durationS;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.setValueAtTime(step.frequencyHz, start);
    gain.gain.setValueAtTime(0, start);
    gain.gain.linearRampToValueAtTime(volume, start + 0.01);
    gain.gain.setValueAtTime(volume, end - 0.01);
    gain.gain.linearRampToValueAtTime(0, end);
    osc.connect(gain);
    gain.connect(ctx.destination);
    osc.start(start);
    osc.stop(end);
  }
}

let shared: AudioContextLike | null = null;

function context(): AudioContextLike | null {
  if (shared) return shared;
  const Ctor =
    typeof window === 'undefined'
      ? undefined
      : (window.AudioContext as unknown as (new () => AudioContextLike) | undefined);
  if (!Ctor) return null;
  shared = new Ctor();
  return shared;
}

/** Creates or resumes the audio context; call from a user gesture (the switch's click). */
export function primeStatusSound(): void {
  const ctx = context();
  if (ctx && ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
}

/** Plays the tone for `kind` when the sound is on (silently nothing where audio is unavailable). */
export function playStatusSound(kind: StatusTone): void {
  if (!statusSoundEnabled()) return;
  const ctx = context();
  if (!ctx) return;
  if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
  playTones(ctx, tonePlan(kind));
}

function localStorageOrNull(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
}
