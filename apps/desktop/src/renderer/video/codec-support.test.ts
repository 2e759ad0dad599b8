import { describe, expect, it } from 'vitest';
import { codecLabel, decodableCodecs } from './codec-support.js';

describe('decodableCodecs', () => {
  it('asks MSE per codec string: H.264 only on a Chromium without an HEVC decoder', () => {
    const asked: string[] = [];
    const codecs = decodableCodecs((type) => {
      asked.push(type);
      return type.includes('avc1');
    });
    expect(codecs).toEqual(['h264']);
    expect(asked).toContain('video/mp4; codecs="hvc1.1.6.L93.B0"');
  });

  it('counts HEVC when either hvc1 or hev1 is supported, and survives a throwing check', () => {
    expect(decodableCodecs((t) => t.includes('avc1') || t.includes('hev1'))).toEqual(['h264', 'hevc']);
    expect(
      decodableCodecs((t) => {
        if (t.includes('hvc1')) throw new Error('bad type');
        return true;
      }),
    ).toEqual(['h264', 'hevc']);
    expect(decodableCodecs(null)).toEqual([]);
  });

  it('names codecs as the field writes them', () => {
    expect([codecLabel('hevc'), codecLabel('h264'), codecLabel('vvc'), codecLabel(null)]).toEqual([
      'H.265',
      'H.264',
      'VVC',
      '?',
    ]);
  });
});
