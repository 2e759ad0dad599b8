/**
 * What a probe reads from a camera as it ships (issue 15): codec, profile, size, fps, bitrate and
 * audio of an H.265 + G.711 camera behind digest auth, and the words for each way a read fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCameraServer, type CameraServer } from '../simulator/camera-server.js';
import { encoderArgs, encoderWorks, resolveEncoder, transcodeHeight } from './h264-encoder.js';
import { mediaFromProbe, probeStream, videoBitrate } from './stream-probe.js';
import { streamProblemOf } from './stream-problem.js';

let cams: CameraServer;
const auth = (url: string, password: string) => url.replace('rtsp://', `rtsp://admin:${encodeURIComponent(password)}@`);

beforeAll(async () => {
  cams = await startCameraServer({
    cameras: 1,
    port: 0,
    width: 640,
    height: 360,
    codec: 'h265',
    audio: 'pcma',
    auth: { method: 'digest', user: 'admin', password: 'k@m:era/1' },
  });
});
afterAll(async () => cams?.stop());

describe('probeStream against a camera as it ships', () => {
  it('reads H.265 Main 640x360 at 25 fps with its bitrate, and G.711 A-law at 8 kHz, through digest auth', async () => {
    const r = await probeStream(auth(cams.urls[0]!, 'k@m:era/1'));
    expect(r.ok).toBe(true);
    expect(r.media).toMatchObject({
      video_codec: 'hevc',
      profile: 'Main',
      width: 640,
      height: 360,
      fps: 25,
      audio_codec: 'pcm_alaw',
      audio_sample_rate: 8000,
    });
    // x265 asked for 1500 kbit/s: a second of packets reads within a factor of 3 of it
    expect(r.media!.bitrate_bps).toBeGreaterThan(300_000);
    expect(r.media!.bitrate_bps).toBeLessThan(5_000_000);
    const sub = await probeStream(auth(cams.subUrls[0]!, 'k@m:era/1'));
    expect(sub.media).toMatchObject({ video_codec: 'h264', width: 320, height: 180, audio_codec: null });
    expect(r.elapsedMs).toBeLessThan(5000);
  });

  it('names a wrong password, a wrong path and a dead address differently, and never echoes the password', async () => {
    const wrong = await probeStream(auth(cams.urls[0]!, 'not-it-secret'));
    expect(wrong).toMatchObject({ ok: false, problem: 'unauthorized' });
    expect(wrong.error).not.toContain('not-it-secret');
    const none = await probeStream(cams.urls[0]!);
    expect(none).toMatchObject({ ok: false, problem: 'unauthorized' });
    const path = await probeStream(auth(cams.urls[0]!.replace('/cam1', '/nothing'), 'k@m:era/1'));
    expect(path).toMatchObject({ ok: false, problem: 'not_found' });
    const dead = await probeStream('rtsp://127.0.0.1:9/cam1', { timeoutMs: 3000 });
    expect(dead).toMatchObject({ ok: false, problem: 'unreachable' });
  });

  it('is killed when aborted', async () => {
    const abort = new AbortController();
    const p = probeStream(auth(cams.urls[0]!, 'k@m:era/1'), { signal: abort.signal });
    abort.abort();
    expect(await p).toMatchObject({ ok: false, error: 'probe aborted' });
  });
});

describe('stream problems', () => {
  it.each([
    ['method DESCRIBE failed: 401 Unauthorized', 'unauthorized'],
    ['Server returned 403 Forbidden (access denied)', 'unauthorized'],
    ['method DESCRIBE failed: 404 Not Found', 'not_found'],
    ['method DESCRIBE failed: 503 Service Unavailable', 'unavailable'],
    ['Connection to tcp://10.0.0.7:554?timeout=0 failed: Connection refused', 'unreachable'],
    ['Connection to tcp://10.0.0.7:554 failed: Connection timed out', 'unreachable'],
    ['Failed to resolve hostname cam.example: Name or service not known', 'unreachable'],
    ['no answer within 10000 ms', 'unreachable'],
    ["Stream map '0:v:0' matches no streams.", 'no_video'],
    ['no data within 10000 ms of start', 'no_video'],
  ])('%s → %s', (line, problem) => {
    expect(streamProblemOf(line)).toBe(problem);
  });

  it('says nothing of lines that name none', () => {
    expect(streamProblemOf('Invalid data found when processing input')).toBeNull();
    expect(streamProblemOf(null)).toBeNull();
  });
});

describe('media facts from ffprobe JSON', () => {
  it('takes the first video and audio streams; bitrate over the timed video packets plus one frame', () => {
    const packets = [
      { stream_index: 0, pts_time: '0.00', size: '10000' },
      { stream_index: 1, pts_time: '0.00', size: '160' },
      { stream_index: 0, pts_time: '0.04', size: '2500' },
      { stream_index: 0, size: '2500' },
      { stream_index: 0, pts_time: '0.08', size: '2500' },
    ];
    expect(videoBitrate(packets, 0, 25)).toBe(Math.round((17_500 * 8) / 0.12));
    expect(
      mediaFromProbe({
        streams: [
          { index: 1, codec_type: 'audio', codec_name: 'aac', sample_rate: '16000' },
          {
            index: 0,
            codec_type: 'video',
            codec_name: 'h264',
            profile: 'High',
            width: 1920,
            height: 1080,
            avg_frame_rate: '30000/1001',
          },
        ],
        packets,
      }),
    ).toEqual({
      video_codec: 'h264',
      profile: 'High',
      width: 1920,
      height: 1080,
      fps: 29.97,
      bitrate_bps: Math.round((17_500 * 8) / (0.08 + 1001 / 30000)),
      audio_codec: 'aac',
      audio_sample_rate: 16000,
    });
    expect(mediaFromProbe({ streams: [{ codec_type: 'audio', codec_name: 'aac' }] })).toBeNull();
  });
});

describe('transcode settings', () => {
  it('scales to the next ladder step at least as tall as the tile, never above the source', () => {
    expect(transcodeHeight(200, 1080)).toBe(270);
    expect(transcodeHeight(360, 1080)).toBe(360);
    expect(transcodeHeight(1000, 720)).toBeNull(); // the source's own size
    expect(transcodeHeight(undefined, 720)).toBeNull();
    expect(transcodeHeight(5000, null)).toBe(2160);
  });

  it('builds low-latency arguments for each encoder: a key frame a second, no B-frames', () => {
    for (const enc of ['libx264', 'h264_vaapi', 'h264_nvenc', 'h264_qsv'] as const) {
      const { input, output } = encoderArgs(enc, 360);
      expect(output.join(' ')).toContain(`-c:v ${enc}`);
      expect(output.join(' ')).toContain('-force_key_frames expr:gte(t,n_forced*1) -bf 0');
      expect(output.join(' ')).toContain('scale=-2:360');
      expect(input.length > 0).toBe(enc === 'h264_vaapi');
    }
    expect(encoderArgs('libx264', null).output.join(' ')).not.toContain('scale=');
  });

  it('auto picks a hardware encoder only where one works, else libx264 (this machine has no GPU)', async () => {
    const chosen = await resolveEncoder('auto');
    if (chosen === 'libx264')
      for (const hw of ['h264_vaapi', 'h264_nvenc', 'h264_qsv'] as const) expect(await encoderWorks(hw)).toBe(false);
    else expect(await encoderWorks(chosen)).toBe(true);
    expect(await encoderWorks('libx264')).toBe(true);
    expect(await resolveEncoder('h264_nvenc')).toBe('h264_nvenc'); // a named one is taken as set
  });
});
