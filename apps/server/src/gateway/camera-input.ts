/**
 * The input URL of one ffmpeg or ffprobe run, without the camera's password on its command line
 * (issue 16 item 3): an `rtsp(s)://` URL with credentials goes through a loopback RTSP relay
 * (rtsp-auth-relay.ts), an `http(s)://` one through a loopback HTTP relay (http-auth-relay.ts);
 * a URL without credentials is used as it is. Usage, per spawn:
 *
 * ```ts
 * const input = await openCameraInput(source.url, { connectTimeoutMs });
 * const child = spawn('ffmpeg', [..., '-i', input.url, ...]);
 * input.bind(child);                 // only this child may connect; closes when it exits
 * child.on('close', () => input.failure ?? stderr);   // why the camera could not be reached
 * ```
 */
import type { ChildProcess } from 'node:child_process';
import { openHttpRelay } from './http-auth-relay.js';
import { openRtspRelay } from './rtsp-auth-relay.js';

/** What a child gets as its input, and the relay behind it if any. */
export interface CameraInput {
  /** The URL for `-i`: never with credentials when they could be relayed. */
  readonly url: string;
  /** Whether a relay carries this input. */
  readonly relayed: boolean;
  /** Why the relay could not reach the camera, in ffmpeg's words (`Connection to tcp://… failed: …`); null otherwise. */
  readonly failure: string | null;
  /** Tie the input to its child process (call right after spawn, also when spawn failed). */
  bind(child: ChildProcess): void;
  /** Release the relay (idempotent; also done when the bound child exits). */
  close(): void;
}

/** Relays bound to a child, by its pid → the camera URL without credentials (diagnostics and tests). */
const relayed = new Map<number, string>();

/** The camera a running child's input relay leads to (no credentials), or null when it has none. */
export function relayTargetOf(pid: number): string | null {
  return relayed.get(pid) ?? null;
}

/** Options of {@link openCameraInput}. */
export interface CameraInputOptions {
  /** The relay gives up connecting to the camera after this long, ms (keep it under the child's own I/O timeout). Default 5000. */
  connectTimeoutMs?: number;
}

/**
 * Open the input of one run for a camera URL as stored (credentials percent-encoded).
 * @returns the direct URL when it has no user info or a scheme no relay speaks (e.g. `rtmp:`,
 *   whose URL stays as it is), else a relay listening on 127.0.0.1
 * @throws Error when the relay cannot listen (no free port), or TypeError for a URL that cannot be parsed
 */
export async function openCameraInput(url: string, options: CameraInputOptions = {}): Promise<CameraInput> {
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  const scheme = parsed?.protocol ?? '';
  if (!parsed || (parsed.username === '' && parsed.password === '') || !/^(rtsps?|https?):$/.test(scheme))
    return { url, relayed: false, failure: null, bind: () => undefined, close: () => undefined };
  const relay = scheme.startsWith('rtsp')
    ? await openRtspRelay(url, { connectTimeoutMs: options.connectTimeoutMs ?? 5000 })
    : await openHttpRelay(url, { timeoutMs: options.connectTimeoutMs ?? 5000 });
  let pid: number | null = null;
  return {
    get url() {
      return relay.url;
    },
    relayed: true,
    get failure() {
      return relay.failure;
    },
    bind: (child) => {
      pid = child.pid ?? null;
      if (pid !== null) relayed.set(pid, relay.target);
      relay.bind(child);
    },
    close: () => {
      if (pid !== null && relayed.get(pid) === relay.target) relayed.delete(pid);
      relay.close();
    },
  };
}
