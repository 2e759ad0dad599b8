import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_SLOW_VIEWER, StreamSession } from './stream-session.js';
import type { ViewerSocket } from './stream-session.js';
import { makeSampleTs, pieces } from './test-fixtures/sample-ts.js';
import type { SampleTs } from './test-fixtures/sample-ts.js';
import { TS_PACKET_SIZE, packetPid, payloadUnitStart, randomAccess } from './ts-packets.js';

class FakeSocket implements ViewerSocket {
  bufferedAmount = 0;
  readyState = 1;
  sent: Buffer[] = [];
  closed: { code?: number; reason?: string } | null = null;
  send(data: Buffer): void {
    this.sent.push(data);
  }
  close(code?: number, reason?: string): void {
    this.closed = { code, reason };
    this.readyState = 3;
  }
  get bytes(): Buffer {
    return Buffer.concat(this.sent);
  }
}

let dir: string;
let sample: SampleTs;
/** The sample as ffmpeg would write it: runs of 7 packets. */
let chunks: Buffer[];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pantau-session-'));
  sample = makeSampleTs(dir);
  chunks = pieces(sample.bytes, TS_PACKET_SIZE * 7);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Whether `msg` starts with PAT, PMT, then the first packet of a key frame. */
function startsAtKeyFrame(msg: Buffer | undefined): boolean {
  if (!msg || msg.length < 3 * TS_PACKET_SIZE) return false;
  const at = 2 * TS_PACKET_SIZE;
  return (
    packetPid(msg, 0) === 0 &&
    packetPid(msg, TS_PACKET_SIZE) !== 0 &&
    payloadUnitStart(msg, at) &&
    randomAccess(msg, at)
  );
}

/** ffprobe's complaints when decoding `bytes` (empty when clean) and the frame count. */
function probe(bytes: Buffer, name: string): { errors: string; frames: number } {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  const r = spawnSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-count_frames',
      '-select_streams',
      'v',
      '-show_entries',
      'stream=nb_read_frames',
      '-of',
      'csv=p=0',
      file,
    ],
    { encoding: 'utf8' },
  );
  return { errors: r.stderr.trim(), frames: Number.parseInt(r.stdout.trim(), 10) };
}

/** What one undisturbed viewer of a session fed `input` receives. */
function undisturbed(input: Buffer[]): Buffer {
  const session = new StreamSession();
  const v = new FakeSocket();
  session.addViewer(v);
  for (const c of input) session.push(c);
  return v.bytes;
}

describe('StreamSession fan-out', () => {
  it('sends the same packet-aligned messages to every viewer, starting at a key frame', () => {
    const session = new StreamSession();
    const a = new FakeSocket();
    const b = new FakeSocket();
    session.addViewer(a);
    session.addViewer(b);
    for (const c of chunks) session.push(c);
    expect(startsAtKeyFrame(a.sent[0])).toBe(true);
    expect(a.bytes.equals(b.bytes)).toBe(true);
    for (const m of a.sent) expect(m.length % TS_PACKET_SIZE).toBe(0);
    expect(session.bytesIn).toBe(sample.bytes.length);
    expect(probe(a.bytes, 'a.ts')).toEqual({ errors: '', frames: 75 });
  });

  it('gives a late joiner PAT + PMT + the cached GOP at once, decodable from its first byte', () => {
    const session = new StreamSession();
    const half = Math.floor(chunks.length / 2) + 3;
    for (const c of chunks.slice(0, half)) session.push(c);
    expect(session.cachedGopBytes).toBeGreaterThan(0);
    const late = new FakeSocket();
    session.addViewer(late);
    expect(late.sent).toHaveLength(1);
    expect(startsAtKeyFrame(late.sent[0])).toBe(true);
    expect(late.sent[0]!.length).toBe(2 * TS_PACKET_SIZE + session.cachedGopBytes);
    for (const c of chunks.slice(half)) session.push(c);
    const { frames, errors } = probe(late.bytes, 'late.ts');
    expect(errors).toBe('');
    expect(frames).toBeGreaterThan(30);
    expect(session.viewerStatus()[0]).toMatchObject({ state: 'playing', first_bytes_ms: 0 });
  });

  it('skips a congested viewer to the next key frame once it drains, others unaffected', () => {
    const session = new StreamSession({ maxViewerBufferedBytes: 1000 });
    const slow = new FakeSocket();
    const fast = new FakeSocket();
    session.addViewer(slow);
    session.addViewer(fast);
    for (const c of chunks.slice(0, 10)) session.push(c);
    slow.bufferedAmount = 5000;
    for (const c of chunks.slice(10, 30)) session.push(c);
    // It got at most the rest of the frame it was in, then nothing.
    expect(session.viewerStatus()[0]).toMatchObject({ state: 'skipping' });
    const before = slow.sent.length;
    expect(before).toBeLessThanOrEqual(12);
    slow.bufferedAmount = 0;
    for (const c of chunks.slice(30)) session.push(c);
    expect(startsAtKeyFrame(slow.sent[before])).toBe(true);
    expect(session.viewerStatus()[0]!.bytes_dropped).toBeGreaterThan(0);
    expect(fast.bytes.equals(undisturbed(chunks))).toBe(true);
    // What the slow viewer got is whole GOPs with a gap: decodes without errors.
    const slowProbe = probe(slow.bytes, 'slow.ts');
    expect(slowProbe.errors).toBe('');
    expect(slowProbe.frames).toBeGreaterThan(30);
  });

  it('closes a viewer that stays congested longer than slowViewerTimeoutMs', async () => {
    const session = new StreamSession({ maxViewerBufferedBytes: 1000, slowViewerTimeoutMs: 20 });
    const slow = new FakeSocket();
    session.addViewer(slow);
    session.push(chunks[0]!);
    slow.bufferedAmount = 5000;
    let i = 1;
    while (session.viewerStatus()[0]?.state !== 'skipping') session.push(chunks[i++]!);
    await new Promise((r) => setTimeout(r, 40));
    session.push(chunks[i]!);
    expect(slow.closed?.code).toBe(CLOSE_SLOW_VIEWER);
    expect(session.viewerCount).toBe(0);
  });

  it('forgets the cache when a new ffmpeg run starts', () => {
    const session = new StreamSession();
    for (const c of chunks.slice(0, 20)) session.push(c);
    session.resetStream();
    expect(session.cachedGopBytes).toBe(0);
    const v = new FakeSocket();
    session.addViewer(v);
    expect(v.sent).toHaveLength(0);
    for (const c of chunks) session.push(c);
    expect(startsAtKeyFrame(v.sent[0])).toBe(true);
  });

  it('closeAll closes every socket with the code given', () => {
    const session = new StreamSession();
    const a = new FakeSocket();
    session.addViewer(a);
    session.closeAll(1001, 'bye');
    expect(a.closed).toEqual({ code: 1001, reason: 'bye' });
    expect(session.viewerCount).toBe(0);
  });
});
