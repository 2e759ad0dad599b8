import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSampleTs, pieces } from './test-fixtures/sample-ts.js';
import type { SampleTs } from './test-fixtures/sample-ts.js';
import { TS_PACKET_SIZE, TsPacketAligner, TsStreamInspector, packetPid } from './ts-packets.js';

let dir: string;
let sample: SampleTs;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pantau-ts-'));
  sample = makeSampleTs(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('TsPacketAligner', () => {
  it('re-chunks arbitrary pieces into whole packets without losing a byte', () => {
    const aligner = new TsPacketAligner();
    const out: Buffer[] = [];
    let seed = 7;
    for (let i = 0; i < sample.bytes.length;) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const n = 1 + (seed % 5000);
      const chunk = aligner.push(sample.bytes.subarray(i, i + n));
      if (chunk) {
        expect(chunk.length % TS_PACKET_SIZE).toBe(0);
        out.push(chunk);
      }
      i += n;
    }
    expect(Buffer.concat(out).equals(sample.bytes)).toBe(true);
  });

  it('skips leading garbage to the first sync byte', () => {
    const aligner = new TsPacketAligner();
    const chunk = aligner.push(Buffer.concat([Buffer.alloc(100, 0x00), sample.bytes]));
    expect(aligner.skippedBytes).toBe(100);
    expect(chunk?.equals(sample.bytes)).toBe(true);
  });
});

describe('TsStreamInspector', () => {
  it('finds PAT, PMT, the H.264 PID and one random-access point per key frame', () => {
    const inspector = new TsStreamInspector();
    let raps = 0;
    for (const chunk of pieces(sample.bytes, TS_PACKET_SIZE * 3)) {
      const { rap, frameStart } = inspector.inspect(chunk);
      if (rap >= 0) {
        expect(frameStart).toBeGreaterThanOrEqual(0);
        expect(frameStart).toBeLessThanOrEqual(rap);
        raps++;
        expect(packetPid(chunk, rap)).toBe(inspector.videoPid);
      }
    }
    expect(sample.keyFrames).toBeGreaterThan(5);
    expect(raps).toBe(sample.keyFrames);
    expect(inspector.videoStreamType).toBe(0x1b);
    const psi = inspector.psi();
    expect(psi?.length).toBe(2 * TS_PACKET_SIZE);
    expect(packetPid(psi!, 0)).toBe(0);
  });

  it('reports nothing before the PMT has been seen and after reset', () => {
    const inspector = new TsStreamInspector();
    expect(inspector.psi()).toBeNull();
    inspector.inspect(sample.bytes);
    expect(inspector.psi()).not.toBeNull();
    inspector.reset();
    expect(inspector.psi()).toBeNull();
    expect(inspector.videoPid).toBeNull();
  });
});
