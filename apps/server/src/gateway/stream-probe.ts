/**
 * One ffprobe of a camera stream: what it really sends (video codec, profile, size, fps, bitrate,
 * audio codec and rate), or why it cannot be read. Used by the health probe (S11), on stream
 * create and update, and by the live route when a stream was never probed (so the gateway knows
 * whether a console can decode it before it plays).
 *
 * ffprobe reads one second of packets (`-read_intervals %+1`): enough for the bitrate over
 * 25 video packets at 25 fps, and 1.2–1.4 s in all on the simulated cameras.
 */
import { spawn } from 'node:child_process';
import type { StreamMedia, StreamProblem, StreamTransport } from '@pantau/shared';
import { openCameraInput, type CameraInput } from './camera-input.js';
import { redactCredentials } from './ffmpeg-upstream.js';
import { streamProblemOf } from './stream-problem.js';

/** What one probe found. */
export interface ProbeResult {
  ok: boolean;
  /** Main stream facts when ok (also flat below for older callers). */
  media?: Omit<StreamMedia, 'probed_at'>;
  width?: number;
  height?: number;
  fps?: number;
  codec?: string;
  /** Why it failed (no credentials in it). */
  error?: string;
  /** What the failure means, when it says. */
  problem?: StreamProblem;
  /** How long the probe took, ms. */
  elapsedMs: number;
}

/** Options of {@link probeStream}. */
export interface ProbeOptions {
  /** The whole probe's budget, ms (the process is killed past it). Default 10 000. */
  timeoutMs?: number;
  /** RTSP transport; default `tcp`. */
  transport?: StreamTransport;
  /** ffprobe binary; default `ffprobe` on PATH. */
  ffprobe?: string;
  /** Aborting kills ffprobe; the probe then fails with "probe aborted". */
  signal?: AbortSignal;
}

interface ProbeStreamInfo {
  index?: number;
  codec_type?: string;
  codec_name?: string;
  profile?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  sample_rate?: string;
}

interface ProbePacket {
  stream_index?: number;
  pts_time?: string;
  size?: string;
}

/** `25/1` → 25; `0/0` or missing → 0. */
function rate(fraction?: string): number {
  const [n, d] = (fraction ?? '0/1').split('/').map(Number);
  return d ? n! / d : 0;
}

/**
 * Video bits per second over the packets read: their bytes over the span of their timestamps
 * plus one frame. Null with fewer than 2 timed packets.
 */
export function videoBitrate(packets: readonly ProbePacket[], videoIndex: number, fps: number): number | null {
  const video = packets.filter((p) => p.stream_index === videoIndex);
  const times = video.map((p) => Number(p.pts_time)).filter((t) => Number.isFinite(t));
  if (times.length < 2) return null;
  const bytes = video.reduce((sum, p) => sum + (Number(p.size) || 0), 0);
  const span = Math.max(...times) - Math.min(...times) + (fps > 0 ? 1 / fps : 0);
  return span > 0 ? Math.round((bytes * 8) / span) : null;
}

/**
 * Reads ffprobe's JSON (`-show_entries stream=…:packet=…`) into the stream's media facts.
 * @returns null when it holds no video stream with a size
 */
export function mediaFromProbe(json: {
  streams?: ProbeStreamInfo[];
  packets?: ProbePacket[];
}): Omit<StreamMedia, 'probed_at'> | null {
  const streams = json.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video' && s.width);
  if (!video?.width || !video.height) return null;
  const audio = streams.find((s) => s.codec_type === 'audio');
  const fps = rate(video.avg_frame_rate) || rate(video.r_frame_rate);
  return {
    video_codec: video.codec_name ?? 'unknown',
    profile: video.profile && video.profile !== 'unknown' ? video.profile : null,
    width: video.width,
    height: video.height,
    fps: fps > 0 ? Math.round(fps * 100) / 100 : null,
    bitrate_bps: videoBitrate(json.packets ?? [], video.index ?? 0, fps),
    audio_codec: audio?.codec_name ?? null,
    audio_sample_rate: audio?.sample_rate ? Number(audio.sample_rate) || null : null,
  };
}

/**
 * Probe one URL with ffprobe: stream facts and a second of packets, then exit.
 * @param url with credentials (they never reach the result, nor ffprobe's command line: its
 *   input goes through a loopback relay, camera-input.ts)
 */
export async function probeStream(url: string, opts: ProbeOptions | number = {}): Promise<ProbeResult> {
  const o: ProbeOptions = typeof opts === 'number' ? { timeoutMs: opts } : opts;
  const timeoutMs = o.timeoutMs ?? 10_000;
  const started = Date.now();
  let input: CameraInput;
  try {
    // the relay gives up connecting before ffprobe's own timeout (0.8 of the budget) does
    input = await openCameraInput(url, { connectTimeoutMs: Math.round(timeoutMs * 0.7) });
  } catch (err) {
    const source = { url, protocol: /^rtsps?:/i.test(url) ? 'rtsp' : 'http' };
    const error = redactCredentials(`cannot open the camera input: ${(err as Error).message}`, source);
    return { ok: false, error, elapsedMs: Date.now() - started };
  }
  return runProbe(url, input, o, timeoutMs, started);
}

function runProbe(
  url: string,
  input: CameraInput,
  o: ProbeOptions,
  timeoutMs: number,
  started: number,
): Promise<ProbeResult> {
  const rtsp = /^rtsps?:/i.test(url);
  const args = [
    '-v',
    'error',
    ...(rtsp ? ['-rtsp_transport', o.transport ?? 'tcp'] : []),
    '-timeout',
    String(Math.round(timeoutMs * 1000 * 0.8)),
    '-read_intervals',
    '%+1',
    '-show_entries',
    'stream=index,codec_type,codec_name,profile,width,height,avg_frame_rate,r_frame_rate,sample_rate:packet=stream_index,pts_time,size',
    '-of',
    'json',
    input.url,
  ];
  const source = { url, protocol: rtsp ? 'rtsp' : 'http' };
  return new Promise((resolve) => {
    const child = spawn(o.ffprobe ?? 'ffprobe', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    input.bind(child);
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    let aborted = false;
    const onAbort = () => {
      aborted = true;
      child.kill('SIGKILL');
    };
    if (o.signal?.aborted) onAbort();
    else o.signal?.addEventListener('abort', onAbort, { once: true });
    const done = (r: Omit<ProbeResult, 'elapsedMs'>) => {
      clearTimeout(timer);
      input.close();
      o.signal?.removeEventListener('abort', onAbort);
      resolve({ ...r, elapsedMs: Date.now() - started });
    };
    const fail = (error: string) => {
      const problem = streamProblemOf(error);
      done({ ok: false, error, ...(problem && { problem }) });
    };
    child.once('error', (e) => fail(`ffprobe: ${e.message}`));
    child.once('close', (code, signal) => {
      if (aborted) return done({ ok: false, error: 'probe aborted' });
      if (signal) return fail(input.failure ?? `no answer within ${timeoutMs} ms`);
      try {
        const media = mediaFromProbe(JSON.parse(Buffer.concat(out).toString('utf8')) as object);
        if (media) {
          return done({
            ok: true,
            media,
            width: media.width,
            height: media.height,
            fps: media.fps ?? 0,
            codec: media.video_codec,
          });
        }
      } catch {
        /* not JSON: fall through to the error */
      }
      // ffprobe saw the relay hang up; the relay knows why the camera could not be reached
      if (input.failure !== null) return fail(input.failure);
      const last = redactCredentials(err.trim(), source).split('\n').slice(-1)[0]?.slice(0, 300);
      if (last) return fail(last);
      fail(code === 0 ? 'no video stream' : `ffprobe exited with ${code}`);
    });
  });
}
