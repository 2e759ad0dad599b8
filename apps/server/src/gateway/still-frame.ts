/**
 * Still frames for big walls (issue 15): a JPEG decoded from a stream's cached key frame (PAT,
 * PMT and the packets since its last key frame, from the gateway's session), so a tile that is
 * not live still shows what the camera sees, refreshed every few seconds. Decoding one key frame
 * of a 320×180 substream takes ffmpeg ~20–40 ms here; at most {@link MAX_DECODERS} run at once,
 * so 64 tiles asking together queue rather than spawn 64 decoders.
 */
import { spawn } from 'node:child_process';

/** Decoders running at once, over every stream. */
export const MAX_DECODERS = 2;
/** A decode that takes longer is killed, ms. */
export const DECODE_TIMEOUT_MS = 5000;

let running = 0;
const waiting: Array<() => void> = [];

async function slot(): Promise<() => void> {
  if (running >= MAX_DECODERS) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  return () => {
    running--;
    waiting.shift()?.();
  };
}

/**
 * Decode the first video frame of an MPEG-TS fragment to JPEG.
 * @param ts PAT + PMT + a key frame and what follows it
 * @param height output height, px (null: the frame's own); the width keeps the aspect ratio
 * @returns the JPEG bytes
 * @throws Error with ffmpeg's last line when it cannot decode, or on timeout
 */
export async function decodeStill(ts: Buffer, height: number | null, ffmpegPath = 'ffmpeg'): Promise<Buffer> {
  const release = await slot();
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      const args = [
        '-hide_banner',
        '-loglevel',
        'error',
        '-nostdin',
        '-f',
        'mpegts',
        '-i',
        'pipe:0',
        '-map',
        '0:v:0',
        '-frames:v',
        '1',
        ...(height ? ['-vf', `scale=-2:${height}`] : []),
        '-q:v',
        '5',
        '-f',
        'image2pipe',
        '-c:v',
        'mjpeg',
        'pipe:1',
      ];
      const child = spawn(ffmpegPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let err = '';
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-1000)));
      const timer = setTimeout(() => child.kill('SIGKILL'), DECODE_TIMEOUT_MS);
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`cannot run ffmpeg: ${e.message}`));
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        const jpeg = Buffer.concat(out);
        if (code === 0 && jpeg.length > 0) resolve(jpeg);
        else
          reject(
            new Error(
              signal
                ? `still not decoded within ${DECODE_TIMEOUT_MS} ms`
                : err.trim().split('\n').pop() || `ffmpeg exited with ${code}`,
            ),
          );
      });
      // ffmpeg may exit once it has its frame, before reading everything: that is not an error
      child.stdin.on('error', () => undefined);
      child.stdin.end(ts);
    });
  } finally {
    release();
  }
}
