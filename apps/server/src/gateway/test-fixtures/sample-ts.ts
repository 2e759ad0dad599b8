/**
 * Test helper: a small real MPEG-TS file made by ffmpeg (H.264 test pattern, a key frame every
 * 10 frames), for the parser and fan-out unit tests.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface SampleTs {
  file: string;
  bytes: Buffer;
  /** Key frames in it, as ffprobe counts them. */
  keyFrames: number;
}

/**
 * Write `sample.ts` into `dir` (3 s, 320×240, 25 fps, GOP 10) and read it back.
 * @throws Error if ffmpeg or ffprobe fails
 */
export function makeSampleTs(dir: string): SampleTs {
  const file = path.join(dir, 'sample.ts');
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=320x240:rate=25',
    '-t',
    '3',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-g',
    '10',
    '-keyint_min',
    '10',
    '-sc_threshold',
    '0',
    '-f',
    'mpegts',
    file,
  ]);
  return { file, bytes: readFileSync(file), keyFrames: countKeyFrames(file) };
}

/** Key frames ffprobe finds in a file. */
export function countKeyFrames(file: string): number {
  const out = execFileSync(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v', '-show_entries', 'packet=flags', '-of', 'csv=p=0', file],
    {
      encoding: 'utf8',
    },
  );
  return out.split('\n').filter((l) => l.startsWith('K')).length;
}

/** Cut `bytes` into pieces of `size` bytes (the last may be shorter). */
export function pieces(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}
