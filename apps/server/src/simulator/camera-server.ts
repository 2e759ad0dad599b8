/**
 * Simulated RTSP cameras: runs `rtsp-server.py` (GStreamer's RTSP server) as a child process
 * and hands back the camera URLs (main stream and substream of each). The Python script does
 * the video; this module only starts, watches and stops it, and takes a camera offline and back
 * through the script's stdin.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SimulatorLogger } from './simulator-logger.js';

/** Default RTSP port: fixed so camera URLs (stored as stream URLs) stay the same across runs. */
export const DEFAULT_RTSP_PORT = 8554;

/** Debian packages the simulated cameras need (also named in start-up errors). */
export const RTSP_SERVER_APT_PACKAGES = [
  'python3-gi',
  'gir1.2-gst-rtsp-server-1.0',
  'gstreamer1.0-plugins-base',
  'gstreamer1.0-plugins-good',
  'gstreamer1.0-plugins-ugly',
  'gstreamer1.0-plugins-bad',
] as const;

/**
 * Niceness of the camera process (0 normal … 19 lowest): below the server and the console, so
 * the cameras yield under load (CFS weight ~1/3 of a normal thread). 10 (~1/10) starved them
 * for seconds on a 1.25-core machine, and the gateway took the pause for a camera that stopped
 * answering.
 */
export const CAMERA_NICENESS = 5;

const INSTALL_HINT = `apt-get install -y --no-install-recommends ${RTSP_SERVER_APT_PACKAGES.join(' ')}`;

/** Video codecs a simulated camera can send. */
export type SimulatedVideoCodec = 'h264' | 'h265';
/** Audio a simulated camera's main stream can carry. */
export type SimulatedAudio = 'none' | 'aac' | 'pcma' | 'pcmu';
/** RTSP authentication of the simulated cameras. */
export interface SimulatedAuth {
  method: 'basic' | 'digest';
  user: string;
  /** Any characters; handed to the script in its environment, never on its command line. */
  password: string;
}

export interface CameraServerOptions {
  /** Number of cameras, 1..64; served at `/cam1` .. `/camN`. */
  cameras: number;
  /** Name burned into each camera's picture (default `Camera N`); commas are replaced. */
  names?: string[] | undefined;
  /** RTSP port; 0 lets the server pick a free one (default {@link DEFAULT_RTSP_PORT}). */
  port?: number | undefined;
  /** Address to listen on (default `127.0.0.1`). */
  host?: string | undefined;
  /** Frame size of the main streams in px (default 640×360). */
  width?: number | undefined;
  height?: number | undefined;
  /** Frame size of the substreams in px (default 320×180): what a 16-tile wall plays. */
  subWidth?: number | undefined;
  subHeight?: number | undefined;
  /** Frames per second; also the key-frame interval in frames (default 25, so one per second). */
  fps?: number | undefined;
  /** Main stream codec (default `h264`); most IP cameras sold today send H.265 here. */
  codec?: SimulatedVideoCodec | undefined;
  /** Substream codec (default `h264`). */
  subCodec?: SimulatedVideoCodec | undefined;
  /** Audio on the main stream (default `none`): AAC or G.711 (PCMA A-law, PCMU mu-law) at 8 kHz. */
  audio?: SimulatedAudio | undefined;
  /** RTSP authentication (default none): basic or digest with a user and password; wrong or no credentials get 401. */
  auth?: SimulatedAuth | undefined;
  /** How long a camera refuses clients while it reboots, ms (default 2000). */
  rebootMs?: number | undefined;
  /** How long to wait for the cameras to be live, ms (default 25 000; the script itself gives up after 20 s). */
  readyTimeoutMs?: number | undefined;
  /** Python with GObject introspection (default `/usr/bin/python3`). */
  python?: string | undefined;
  /** Told when the server dies on its own after it was ready. */
  logger?: Pick<SimulatorLogger, 'error'> | undefined;
}

export interface CameraServer {
  /** The port actually listened on. */
  port: number;
  /** Main streams, `rtsp://HOST:PORT/camI`, one per camera, in order. Built per client on demand. */
  urls: string[];
  /** Substreams, `rtsp://HOST:PORT/camI/sub`, same order. Always on. */
  subUrls: string[];
  /** Process id of the Python server. */
  pid: number;
  /**
   * Takes camera `index` (1-based) offline, as if its network were cut: its viewers are dropped
   * and new ones refused (RTSP 503) until it is set online again. Resolves when the server has
   * done it (its acknowledgement line).
   * @throws RangeError for an index outside 1..cameras; Error when the server has stopped or
   *   does not acknowledge within 5 s
   */
  setOnline(index: number, online: boolean): Promise<void>;
  /**
   * Reboots camera `index` (1-based): every client is dropped, new ones are refused (503) for
   * `rebootMs`, then it answers with new pipelines (new SSRC, sequence numbers, timestamps and
   * SPS/PPS), as a camera does after a power cycle. Resolves when the server has started it.
   * @throws like {@link setOnline}
   */
  reboot(index: number): Promise<void>;
  /** Whether camera `index` (1-based) answers, as last set with {@link setOnline}. */
  isOnline(index: number): boolean;
  /** Stops the server (SIGTERM, then SIGKILL after 3 s); resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Path of `rtsp-server.py`: next to this module (running from `src`), else in the source tree
 * (running from `dist/simulator`, which has no copy of it).
 * @throws Error when neither exists
 */
export function rtspServerScriptPath(): string {
  const candidates = [
    new URL('./rtsp-server.py', import.meta.url),
    new URL('../../src/simulator/rtsp-server.py', import.meta.url),
  ];
  for (const url of candidates) {
    const path = fileURLToPath(url);
    if (existsSync(path)) return path;
  }
  throw new Error(`rtsp-server.py not found (looked in ${candidates.map((u) => fileURLToPath(u)).join(', ')})`);
}

/**
 * Starts the simulated cameras and resolves once every one of them is producing video.
 * Each camera serves H.264 (or the shape `codec`, `subCodec`, `audio` and `auth` ask for: H.265,
 * G.711 or AAC audio on the main stream, basic or digest auth) with a key frame every second at
 * `fps`, with its name and the wall clock (HH:MM:SS.mmm) burned in, as a main stream of `width`×`height` px (encoded per client, while
 * watched) and a substream of `subWidth`×`subHeight` px (always on, whether anyone watches or
 * not: about 10 % of a core at 640×360, a few % at 320×180); play them over RTSP/TCP or UDP.
 * The child exits with this process (it watches its stdin).
 * @throws RangeError on bad options; Error with the server's stderr when Python or GStreamer
 *   is missing (naming the apt packages), the port is taken, or it is not ready in time
 */
export async function startCameraServer(opts: CameraServerOptions): Promise<CameraServer> {
  const { cameras } = opts;
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? DEFAULT_RTSP_PORT;
  const width = opts.width ?? 640;
  const height = opts.height ?? 360;
  const subWidth = opts.subWidth ?? 320;
  const subHeight = opts.subHeight ?? 180;
  const fps = opts.fps ?? 25;
  const auth = opts.auth;
  if (auth && (auth.user === '' || auth.password === '' || /[:\s]/.test(auth.user)))
    throw new RangeError('auth needs a user (no colon or space) and a password');
  if (!Number.isInteger(cameras) || cameras < 1 || cameras > 64)
    throw new RangeError(`cameras must be 1..64, got ${cameras}`);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port must be 0..65535, got ${port}`);
  const names = Array.from({ length: cameras }, (_, i) =>
    (opts.names?.[i] ?? `Camera ${i + 1}`).replace(/,/g, ' ').trim(),
  );
  const python = opts.python ?? '/usr/bin/python3';
  const args = [
    rtspServerScriptPath(),
    '--host',
    host,
    '--port',
    String(port),
    '--cameras',
    String(cameras),
    '--names',
    names.join(','),
    '--width',
    String(width),
    '--height',
    String(height),
    '--sub-width',
    String(subWidth),
    '--sub-height',
    String(subHeight),
    '--fps',
    String(fps),
    // Simulated cameras stand for hardware that costs the workstation nothing, yet they share its
    // CPU with the server and the console (`npm start`, the end-to-end tests): on a busy or slow
    // machine their encoders give way (fewer frames per second) rather than starve the decoders
    // they feed. 16 cameras at 320×180/15 fps take ~1 core here. The script lowers its own
    // priority before it starts a thread (Linux keeps a niceness per thread).
    '--nice',
    String(CAMERA_NICENESS),
    '--codec',
    opts.codec ?? 'h264',
    '--sub-codec',
    opts.subCodec ?? 'h264',
    '--audio',
    opts.audio ?? 'none',
    '--reboot-s',
    String((opts.rebootMs ?? 2000) / 1000),
    ...(auth ? ['--auth', auth.method, '--user', auth.user] : []),
    '--watch-stdin',
  ];
  const child = spawn(python, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    // the password in the environment, not in argv (readable by every local user in /proc)
    env: auth ? { ...process.env, PANTAU_SIM_RTSP_PASSWORD: auth.password } : process.env,
  });
  // The last few KiB of stderr, for the errors below; reading it also keeps the pipe drained.
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_096);
  });
  const boundPort = await waitForReady(child, python, () => stderr, opts.readyTimeoutMs ?? 25_000);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  let stopping = false;
  child.once('close', (code, signal) => {
    if (!stopping)
      opts.logger?.error({ code, signal, stderr: stderr.trim() }, 'simulated RTSP cameras exited unexpectedly');
  });

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      stopping = true;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
      child.stdin?.destroy();
    })();
    return stopped;
  };

  const online = names.map(() => true);
  /** Sends one stdin command and waits for its acknowledgement line (the command upper-cased). */
  const command = async (verb: 'online' | 'offline' | 'reboot', index: number): Promise<void> => {
    if (!Number.isInteger(index) || index < 1 || index > cameras)
      throw new RangeError(`camera must be 1..${cameras}, got ${index}`);
    if (stopped || !child.stdin || child.exitCode !== null) throw new Error('simulated RTSP cameras have stopped');
    const command = `${verb} ${index}`;
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      const onData = (chunk: Buffer) => {
        seen += chunk.toString('utf8');
        if (seen.split('\n').includes(command.toUpperCase())) finish(null);
      };
      const timer = setTimeout(() => finish(new Error(`no acknowledgement of "${command}" within 5 s`)), 5_000);
      const finish = (err: Error | null) => {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        if (err) reject(err);
        else resolve();
      };
      child.stdout?.on('data', onData);
      child.stdin?.write(`${command}\n`);
    });
  };
  const setOnline = async (index: number, up: boolean): Promise<void> => {
    await command(up ? 'online' : 'offline', index);
    online[index - 1] = up;
  };

  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    port: boundPort,
    urls: names.map((_, i) => `rtsp://${urlHost}:${boundPort}/cam${i + 1}`),
    subUrls: names.map((_, i) => `rtsp://${urlHost}:${boundPort}/cam${i + 1}/sub`),
    pid: child.pid ?? -1,
    setOnline,
    reboot: (index) => command('reboot', index),
    isOnline: (index) => online[index - 1] ?? false,
    stop,
  };
}

/** Resolves with the port from the child's `READY <port>` line; rejects (and kills it) otherwise. */
function waitForReady(
  child: ChildProcess,
  python: string,
  stderrTail: () => string,
  timeoutMs: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let settled = false;
    const finish = (err: Error | null, port?: number) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout?.off('data', onStdout);
      if (err) {
        child.kill('SIGKILL');
        reject(err);
      } else {
        // Keep draining both pipes so the child never blocks on a full one.
        child.stdout?.resume();
        resolve(port as number);
      }
    };
    const onStdout = (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const m = /^READY (\d+)$/m.exec(stdout);
      if (m) finish(null, Number(m[1]));
    };
    const timer = setTimeout(() => {
      const stderr = stderrTail().trim();
      finish(new Error(`simulated RTSP cameras not ready after ${timeoutMs} ms${stderr ? `: ${stderr}` : ''}`));
    }, timeoutMs);
    child.stdout?.on('data', onStdout);
    child.once('error', (err: NodeJS.ErrnoException) => {
      const msg =
        err.code === 'ENOENT'
          ? `GStreamer RTSP server not installed: ${python} not found; ${INSTALL_HINT}`
          : `cannot start ${python}: ${err.message}`;
      finish(new Error(msg));
    });
    // 'close', not 'exit': by then all of stderr has been read.
    child.once('close', (code, signal) => {
      const why = stderrTail().trim() || `exited with ${code ?? signal}`;
      const hint = code === 3 && !why.includes('apt-get') ? `; ${INSTALL_HINT}` : '';
      finish(new Error(`simulated RTSP cameras failed to start: ${why}${hint}`));
    });
  });
}
