import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FfmpegUpstream, redactCredentials } from './ffmpeg-upstream.js';
import { JpegSplitter, buildFfmpegArgs } from './ffmpeg-args.js';
import type { GatewayUpstreamState } from '@pantau/shared';
import { waitFor } from './test-fixtures/processes.js';

const source = { url: 'rtsp://admin:p%40ss-w0rd@10.0.0.7:554/Streaming/Channels/102', protocol: 'rtsp' };
let dir: string;
const upstreams: FfmpegUpstream[] = [];

/** A stand-in for ffmpeg: a shell script that ignores its arguments. */
function fakeFfmpeg(name: string, body: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

function upstream(ffmpegPath: string, extra: Partial<ConstructorParameters<typeof FfmpegUpstream>[0]> = {}) {
  const states: GatewayUpstreamState[] = [];
  const errors: Array<string | null> = [];
  let bytes = 0;
  const u: FfmpegUpstream = new FfmpegUpstream({
    source,
    label: 'test',
    ffmpegPath,
    onData: (c) => (bytes += c.length),
    onState: (s) => {
      states.push(s);
      if (s === 'reconnecting') errors.push(u.lastError);
    },
    backoffMs: [30, 60],
    ...extra,
  });
  upstreams.push(u);
  return { u, states, errors, bytes: () => bytes };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pantau-upstream-'));
});
afterEach(async () => {
  await Promise.all(upstreams.splice(0).map((u) => u.stop()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('JpegSplitter', () => {
  it('cuts concatenated JPEGs at each EOI, across chunk boundaries, and skips bytes before an SOI', () => {
    const a = Buffer.from([0xff, 0xd8, 1, 2, 0xff, 0x00, 3, 0xff, 0xd9]);
    const b = Buffer.from([0xff, 0xd8, 9, 0xff, 0xd9]);
    const all = Buffer.concat([Buffer.from([7, 7]), a, b]);
    const s = new JpegSplitter();
    const out = [...s.push(all.subarray(0, 6)), ...s.push(all.subarray(6, 12)), ...s.push(all.subarray(12))];
    expect(out).toEqual([a, b]);
  });

  it('drops a partial image past its size cap', () => {
    const s = new JpegSplitter(8);
    expect(s.push(Buffer.from([0xff, 0xd8, 0, 0, 0, 0, 0, 0, 0, 0]))).toEqual([]);
    expect(s.push(Buffer.from([0xff, 0xd9, 0xff, 0xd8, 5, 0xff, 0xd9]))).toEqual([
      Buffer.from([0xff, 0xd8, 5, 0xff, 0xd9]),
    ]);
  });
});

describe('buildFfmpegArgs', () => {
  it('adds a still output on fd 3 that decodes key frames only, for a copy and never for a transcode', () => {
    const copy = buildFfmpegArgs(source, { tsOffsetS: 0, ioTimeoutMs: 5000, stills: { maxHeight: 360 } }).join(' ');
    expect(copy).toContain('-skip_frame nokey');
    expect(copy).toMatch(
      /-f mpegts .* pipe:1 -map 0:v:0 -fps_mode vfr -vf scale=-2:'min\(360,ih\)' -c:v mjpeg .* pipe:3$/,
    );
    const transcode = buildFfmpegArgs(source, {
      tsOffsetS: 0,
      ioTimeoutMs: 5000,
      stills: { maxHeight: 360 },
      transcode: { encoder: 'libx264', height: null },
    }).join(' ');
    expect(transcode).not.toContain('skip_frame');
    expect(transcode).not.toContain('pipe:3');
  });

  it('carries the audio as AAC: copied when it is AAC, re-encoded otherwise', () => {
    const aac = buildFfmpegArgs(source, { tsOffsetS: 0, ioTimeoutMs: 5000, audio: 'copy' }).join(' ');
    expect(aac).toContain('-map 0:v:0 -c:v copy -map 0:a:0? -c:a copy');
    const g711 = buildFfmpegArgs(source, { tsOffsetS: 0, ioTimeoutMs: 5000, audio: 'aac' }).join(' ');
    expect(g711).toContain('-map 0:a:0? -c:a aac -ac 1 -ar 16000 -b:a 48k');
  });

  it('pulls RTSP over TCP and stream-copies the first video stream to MPEG-TS on stdout', () => {
    const args = buildFfmpegArgs(source, { tsOffsetS: 12.5, ioTimeoutMs: 5000 });
    const joined = args.join(' ');
    expect(joined).toContain('-rtsp_transport tcp -timeout 5000000');
    expect(joined).toContain(`-i ${source.url} -map 0:v:0 -c copy -output_ts_offset 12.500 -f mpegts`);
    expect(args.at(-1)).toBe('pipe:1');
    expect(args).not.toContain('-c:v');
  });

  it('uses a generic I/O timeout for http sources', () => {
    const joined = buildFfmpegArgs(
      { url: 'http://cam/live.m3u8', protocol: 'hls' },
      { tsOffsetS: 0, ioTimeoutMs: 3000 },
    ).join(' ');
    expect(joined).toContain('-rw_timeout 3000000');
    expect(joined).not.toContain('rtsp_transport');
  });
});

describe('redactCredentials', () => {
  it('removes user info from URLs and the password wherever it appears', () => {
    const line = `${source.url}: Server returned 401 Unauthorized; password p@ss-w0rd`;
    const clean = redactCredentials(line, source);
    expect(clean).toBe(
      'rtsp://***@10.0.0.7:554/Streaming/Channels/102: Server returned 401 Unauthorized; password ***',
    );
    expect(redactCredentials('rtsp://u:p@ss@cam/x failed')).toBe('rtsp://***@cam/x failed');
  });
});

describe('FfmpegUpstream', () => {
  it('restarts an ffmpeg that exits, with backoff, and keeps the error without credentials', async () => {
    const { u, states } = upstream(fakeFfmpeg('exits.sh', 'echo "$@" >&2; exit 1'));
    u.start();
    await waitFor('three restarts', () => u.restarts >= 3, 5000);
    expect(states.slice(0, 3)).toEqual(['starting', 'reconnecting', 'starting']);
    // the stand-in echoes its arguments: the input is the relay's, without credentials (or, had the
    // relay already failed to reach 10.0.0.7, its words)
    expect(u.lastError).toMatch(
      /rtsp:\/\/127\.0\.0\.1:\d+\/Streaming\/Channels\/102|Connection to tcp:\/\/10\.0\.0\.7:554 failed/,
    );
    expect(u.lastError).not.toMatch(/w0rd|admin/);
    await u.stop();
    expect(u.state).toBe('stopped');
    const after = u.restarts;
    await new Promise((r) => setTimeout(r, 150));
    expect(u.restarts).toBe(after);
  });

  it('goes live on the first bytes and restarts a run that stalls', async () => {
    const { u, states, errors, bytes } = upstream(fakeFfmpeg('stalls.sh', 'head -c 1880 /dev/zero; exec sleep 30'), {
      stallTimeoutMs: 300,
    });
    u.start();
    await waitFor('live', () => u.state === 'live');
    expect(u.liveSince).not.toBeNull();
    await waitFor('a restart after the stall', () => u.restarts >= 1, 5000);
    expect(states).toContain('reconnecting');
    expect(errors[0]).toMatch(/stalled: no data for \d+ ms/);
    expect(bytes()).toBeGreaterThanOrEqual(1880);
  });

  it('kills an ffmpeg that never delivers within startTimeoutMs; stop() kills the running one', async () => {
    const { u, errors } = upstream(fakeFfmpeg('silent.sh', 'exec sleep 30'), { startTimeoutMs: 200 });
    u.start();
    const firstPid = await waitFor('a pid', () => u.pid);
    await waitFor('a restart', () => u.restarts >= 1, 5000);
    expect(errors[0]).toBe('no data within 200 ms of start');
    await waitFor('the new run', () => u.pid !== null && u.pid !== firstPid);
    const pid = u.pid!;
    await u.stop();
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('reports a missing ffmpeg binary as an error and keeps retrying', async () => {
    const { u } = upstream(path.join(dir, 'no-such-ffmpeg'));
    u.start();
    await waitFor('a retry', () => u.restarts >= 1, 5000);
    expect(u.lastError).toMatch(/cannot run ffmpeg: .*ENOENT/);
  });
});
