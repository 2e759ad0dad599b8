import { describe, expect, it } from 'vitest';
import { playTones, statusSoundEnabled, STATUS_SOUND_KEY, tonePlan, type AudioContextLike } from './sound.js';

/** Records what the tones schedule. */
function fakeContext(currentTime = 2) {
  const log: string[] = [];
  const ctx: AudioContextLike = {
    currentTime,
    state: 'running',
    destination: 'speakers',
    resume: async () => undefined,
    createOscillator: () => {
      const osc = {
        type: '',
        frequency: { setValueAtTime: (v: number, t: number) => log.push(`freq ${v} @${t.toFixed(3)}`) },
        connect: () => log.push('osc→gain'),
        start: (t: number) => log.push(`start ${osc.type} @${t.toFixed(3)}`),
        stop: (t: number) => log.push(`stop @${t.toFixed(3)}`),
      };
      return osc;
    },
    createGain: () => ({
      gain: {
        setValueAtTime: (v: number, t: number) => log.push(`gain ${v} @${t.toFixed(3)}`),
        linearRampToValueAtTime: (v: number, t: number) => log.push(`ramp ${v} @${t.toFixed(3)}`),
      },
      connect: (n: unknown) => log.push(`gain→${String(n)}`),
    }),
  };
  return { ctx, log };
}

describe('status sound', () => {
  it('is off unless the operator turned it on', () => {
    const store = (v: string | null) => ({ getItem: (k: string) => (k === STATUS_SOUND_KEY ? v : null) });
    expect(statusSoundEnabled(store(null))).toBe(false);
    expect(statusSoundEnabled(store('false'))).toBe(false);
    expect(statusSoundEnabled(store('true'))).toBe(true);
    expect(statusSoundEnabled(store('not json'))).toBe(false);
    expect(statusSoundEnabled(null)).toBe(false);
  });

  it('falls for offline and rises for back online', () => {
    const [a, b] = tonePlan('offline');
    expect(a!.frequencyHz).toBeGreaterThan(b!.frequencyHz);
    const [c, d] = tonePlan('online');
    expect(c!.frequencyHz).toBeLessThan(d!.frequencyHz);
    expect(b!.startS).toBeGreaterThanOrEqual(a!.startS + a!.durationS);
  });

  it('schedules each beep as a sine with a fade in and out, to the speakers', () => {
    const { ctx, log } = fakeContext(2);
    playTones(ctx, [{ frequencyHz: 440, startS: 0, durationS: 0.1 }], 0.2);
    expect(log).toEqual([
      'freq 440 @2.010',
      'gain 0 @2.010',
      'ramp 0.2 @2.020',
      'gain 0.2 @2.100',
      'ramp 0 @2.110',
      'osc→gain',
      'gain→speakers',
      'start sine @2.010',
      'stop @2.110',
    ]);
  });
});
