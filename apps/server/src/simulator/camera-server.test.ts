import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rtspServerScriptPath, startCameraServer, type CameraServer } from './camera-server.js';

const run = promisify(execFile);

/** ffprobe's view of the first video stream at `url` (over RTSP/TCP). */
async function probe(url: string) {
  const { stdout } = await run(
    'ffprobe',
    [
      '-v',
      'error',
      '-rtsp_transport',
      'tcp',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=codec_name,width,height,r_frame_rate',
      '-of',
      'json',
      url,
    ],
    { timeout: 15_000 },
  );
  return (
    JSON.parse(stdout) as {
      streams: Array<{ codec_name: string; width: number; height: number; r_frame_rate: string }>;
    }
  ).streams[0];
}

/** Decodes `frames` frames over RTSP/TCP; resolves with ffmpeg's frame count. */
async function decode(url: string, frames: number): Promise<number> {
  const { stderr } = await run(
    'ffmpeg',
    [
      '-hide_banner',
      '-nostats',
      '-v',
      'info',
      '-rtsp_transport',
      'tcp',
      '-i',
      url,
      '-frames:v',
      String(frames),
      '-f',
      'null',
      '-',
    ],
    {
      timeout: 20_000,
    },
  );
  const m = /frame=\s*(\d+)/g;
  let last = 0;
  for (const hit of stderr.matchAll(m)) last = Number(hit[1]);
  return last;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('startCameraServer', () => {
  let server: CameraServer;

  beforeAll(async () => {
    server = await startCameraServer({
      cameras: 2,
      names: ['Jakarta Lobby', 'Bandung Gate'],
      port: 0,
      width: 640,
      height: 360,
      fps: 25,
      logger: { error: (o, m) => console.error(m, o) },
    });
  }, 20_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('serves each camera as H.264 640×360 at 25 fps', async () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.urls).toEqual([`rtsp://127.0.0.1:${server.port}/cam1`, `rtsp://127.0.0.1:${server.port}/cam2`]);
    for (const url of server.urls) {
      expect(await probe(url)).toEqual({ codec_name: 'h264', width: 640, height: 360, r_frame_rate: '25/1' });
    }
  }, 30_000);

  it('plays 30 frames in about real time, and again for a second client after the first left', async () => {
    const url = server.urls[0] as string;
    const t0 = performance.now();
    expect(await decode(url, 30)).toBe(30);
    // 30 frames at 25 fps take 1.2 s once playing: a live source, not a file.
    expect(performance.now() - t0).toBeGreaterThan(900);
    expect(await decode(url, 30)).toBe(30);
  }, 30_000);

  it('keeps serving other viewers when one is killed mid-stream, and serves the next one', async () => {
    const url = server.urls[1] as string;
    const rude = spawn(
      'ffmpeg',
      ['-v', 'error', '-rtsp_transport', 'tcp', '-i', url, '-c', 'copy', '-f', 'mpegts', '-'],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let bytes = 0;
    rude.stdout.on('data', (c: Buffer) => (bytes += c.length));
    let politeDone = false;
    const polite = decode(url, 100).finally(() => (politeDone = true));
    for (let i = 0; i < 100 && bytes === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(bytes).toBeGreaterThan(0);
    rude.kill('SIGKILL');
    expect(politeDone).toBe(false); // both were watching the same camera when one vanished
    expect(await polite).toBe(100);
    expect(await decode(url, 10)).toBe(10);
  }, 30_000);

  it('serves viewers that all join at the same moment, round after round', async () => {
    // gst-rtsp-server 1.22 aborts on a PLAY racing another PLAY of a fresh shared media;
    // the always-on keep-alive client is what prevents it (see rtsp-server.py).
    const url = server.urls[0] as string;
    for (let round = 0; round < 3; round++) {
      expect(await Promise.all([decode(url, 5), decode(url, 5), decode(url, 5)])).toEqual([5, 5, 5]);
    }
    expect(alive(server.pid)).toBe(true);
  }, 60_000);

  it('serves a 320×180 substream beside each main stream, several viewers at once', async () => {
    expect(server.subUrls).toEqual([
      `rtsp://127.0.0.1:${server.port}/cam1/sub`,
      `rtsp://127.0.0.1:${server.port}/cam2/sub`,
    ]);
    expect(await probe(server.subUrls[1] as string)).toEqual({
      codec_name: 'h264',
      width: 320,
      height: 180,
      r_frame_rate: '25/1',
    });
    const sub = server.subUrls[0] as string;
    expect(await Promise.all([decode(sub, 5), decode(sub, 5), decode(server.urls[0] as string, 5)])).toEqual([5, 5, 5]);
  }, 30_000);

  it('takes one camera offline (its viewers dropped, new ones refused) and brings it back', async () => {
    const watcher = spawn(
      'ffmpeg',
      ['-v', 'error', '-rtsp_transport', 'tcp', '-i', server.subUrls[0] as string, '-c', 'copy', '-f', 'mpegts', '-'],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let bytes = 0;
    watcher.stdout.on('data', (c: Buffer) => (bytes += c.length));
    const exited = new Promise<number | null>((r) => watcher.once('exit', (code) => r(code)));
    for (let i = 0; i < 100 && bytes === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(bytes).toBeGreaterThan(0);
    const t0 = performance.now();
    await server.setOnline(1, false);
    expect(server.isOnline(1)).toBe(false);
    await exited;
    expect(performance.now() - t0).toBeLessThan(3000); // dropped, not timed out
    await expect(probe(server.urls[0] as string)).rejects.toThrow(/5XX|503/);
    await expect(probe(server.subUrls[0] as string)).rejects.toThrow(/5XX|503/);
    expect(await decode(server.subUrls[1] as string, 5)).toBe(5); // the other camera is untouched
    await server.setOnline(1, true);
    expect(server.isOnline(1)).toBe(true);
    expect(await decode(server.subUrls[0] as string, 5)).toBe(5);
    expect(await decode(server.urls[0] as string, 5)).toBe(5);
    await expect(server.setOnline(3, false)).rejects.toThrow(RangeError);
  }, 40_000);

  it('refuses a port in use with a clear error', async () => {
    expect(alive(server.pid)).toBe(true);
    await expect(startCameraServer({ cameras: 1, port: server.port })).rejects.toThrow(
      /cannot listen on 127\.0\.0\.1:\d+/,
    );
  }, 20_000);
});

describe('startCameraServer lifecycle', () => {
  it('stop() leaves no Python process behind and is idempotent', async () => {
    const server = await startCameraServer({ cameras: 1, port: 0 });
    expect(alive(server.pid)).toBe(true);
    expect(await decode(server.urls[0] as string, 5)).toBe(5);
    await Promise.all([server.stop(), server.stop()]);
    expect(alive(server.pid)).toBe(false);
    const { stdout } = await run('ps', ['-eo', 'pid,ppid,args']);
    const orphans = stdout.split('\n').filter((l) => l.includes('rtsp-server.py') && l.includes(String(server.port)));
    expect(orphans).toEqual([]);
  }, 30_000);

  it('names the apt packages when Python cannot be started', async () => {
    await expect(startCameraServer({ cameras: 1, port: 0, python: '/nonexistent/python3' })).rejects.toThrow(
      /GStreamer RTSP server not installed.*apt-get install.*gir1\.2-gst-rtsp-server-1\.0/,
    );
  });

  it('includes the stderr of a child that exits before it is ready', async () => {
    // /bin/sleep rejects the script's arguments and says so on stderr.
    await expect(startCameraServer({ cameras: 1, port: 0, python: '/bin/sleep' })).rejects.toThrow(
      /failed to start: .*sleep: /,
    );
  });

  it('finds rtsp-server.py beside the module when running from src', () => {
    expect(rtspServerScriptPath()).toMatch(/src\/simulator\/rtsp-server\.py$/);
  });

  it('rejects bad camera counts', async () => {
    await expect(startCameraServer({ cameras: 0 })).rejects.toThrow(RangeError);
  });
});
