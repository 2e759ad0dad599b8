/**
 * The H.264 encoder of the gateway's transcodes (issue 15): for cameras whose codec a console
 * cannot decode (H.265 in a Chromium without a hardware HEVC decoder, like many control-room
 * PCs), the gateway re-encodes one H.264 variant per stream and quality, shared by every such
 * console. A hardware encoder (VAAPI on Intel/AMD, NVENC on NVIDIA, Quick Sync on Intel) costs
 * the CPU almost nothing; libx264 `ultrafast`/`zerolatency` is the fallback everywhere.
 *
 * ffmpeg lists encoders it was built with, not ones the machine can run (this machine lists
 * h264_nvenc, h264_vaapi and h264_qsv and has no GPU), so `auto` tries each with a 5-frame test
 * encode and keeps the first that works.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Encoders the gateway knows how to drive. */
export const H264_ENCODERS = ['libx264', 'h264_vaapi', 'h264_nvenc', 'h264_qsv'] as const;
export type H264Encoder = (typeof H264_ENCODERS)[number];
/** A setting: one of {@link H264_ENCODERS}, or `auto`. */
export type H264EncoderSetting = H264Encoder | 'auto';

/** The VAAPI render node the gateway uses (the first GPU). */
export const VAAPI_DEVICE = '/dev/dri/renderD128';

/** Heights a transcode is scaled to (px): the smallest one at least as tall as the tile. */
export const TRANSCODE_HEIGHTS = [180, 270, 360, 540, 720, 1080, 1440, 2160] as const;

/**
 * The output height for a tile `wanted` px high, never above the source's own.
 * @param wanted tile height in device px (undefined: the source's height)
 * @param sourceHeight px, when the probe knows it
 * @returns px; null = keep the source's size (no scaling)
 */
export function transcodeHeight(wanted: number | undefined, sourceHeight: number | null | undefined): number | null {
  if (wanted === undefined) return null;
  const step: number = TRANSCODE_HEIGHTS.find((h) => h >= wanted) ?? 2160;
  if (sourceHeight && step >= sourceHeight) return null;
  return step;
}

/**
 * ffmpeg arguments of one encoder: those before `-i` (hardware device) and those after the
 * input (filters, encoder and its low-latency settings). A key frame every second whatever the
 * camera's frame rate (`-force_key_frames`), so a late viewer waits at most 1 s; no B-frames.
 * @param height output height, px, or null to keep the source's
 */
export function encoderArgs(encoder: H264Encoder, height: number | null): { input: string[]; output: string[] } {
  const keyframes = ['-force_key_frames', 'expr:gte(t,n_forced*1)', '-bf', '0'];
  const scale = height === null ? [] : [`scale=-2:${height}`];
  switch (encoder) {
    case 'h264_vaapi':
      return {
        input: ['-vaapi_device', VAAPI_DEVICE],
        output: [
          '-vf',
          [...scale, 'format=nv12', 'hwupload'].join(','),
          '-c:v',
          'h264_vaapi',
          ...keyframes,
          '-qp',
          '26',
        ],
      };
    case 'h264_nvenc':
      return {
        input: [],
        output: [
          ...(scale.length ? ['-vf', scale.join(',')] : []),
          '-c:v',
          'h264_nvenc',
          '-preset',
          'p1',
          '-tune',
          'll',
          '-zerolatency',
          '1',
          ...keyframes,
        ],
      };
    case 'h264_qsv':
      return {
        input: [],
        output: ['-vf', [...scale, 'format=nv12'].join(','), '-c:v', 'h264_qsv', '-preset', 'veryfast', ...keyframes],
      };
    case 'libx264':
      return {
        input: [],
        output: [
          '-vf',
          [...scale, 'format=yuv420p'].join(','),
          '-c:v',
          'libx264',
          '-preset',
          'ultrafast',
          '-tune',
          'zerolatency',
          '-crf',
          '26',
          '-maxrate',
          '6M',
          '-bufsize',
          '3M',
          ...keyframes,
          // one encoder thread per transcode: several transcodes share the cores, and threads
          // of a small picture cost more in switching than they save (as in the simulator)
          '-threads',
          '1',
        ],
      };
  }
}

/** Whether one encoder works on this machine: a 5-frame test encode within 5 s. */
export function encoderWorks(encoder: H264Encoder, ffmpegPath = 'ffmpeg'): Promise<boolean> {
  if (encoder === 'h264_vaapi' && !existsSync(VAAPI_DEVICE)) return Promise.resolve(false);
  const { input, output } = encoderArgs(encoder, 144);
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    ...input,
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=256x144:rate=25',
    '-frames:v',
    '5',
    ...output,
    '-f',
    'null',
    '-',
  ];
  return new Promise((resolve) => {
    execFile(ffmpegPath, args, { timeout: 5000 }, (err) => resolve(!err));
  });
}

const detected = new Map<string, Promise<H264Encoder>>();

/**
 * The encoder a setting means here: the named one, or for `auto` the first of VAAPI, NVENC and
 * Quick Sync that works, else libx264. Detected once per ffmpeg binary and process.
 */
export function resolveEncoder(setting: H264EncoderSetting, ffmpegPath = 'ffmpeg'): Promise<H264Encoder> {
  if (setting !== 'auto') return Promise.resolve(setting);
  let found = detected.get(ffmpegPath);
  if (!found) {
    found = (async () => {
      for (const hw of ['h264_vaapi', 'h264_nvenc', 'h264_qsv'] as const)
        if (await encoderWorks(hw, ffmpegPath)) return hw;
      return 'libx264' as const;
    })();
    detected.set(ffmpegPath, found);
  }
  return found;
}
