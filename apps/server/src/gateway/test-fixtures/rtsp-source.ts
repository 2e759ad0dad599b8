/**
 * Test helper: runs rtsp-test-server.py (GStreamer's RTSP server with an H.264 test pattern)
 * on 127.0.0.1 and tells where it listens. Not the product's simulator.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';

const SCRIPT = path.join(import.meta.dirname, 'rtsp-test-server.py');

export interface RtspTestSource {
  /** `rtsp://[user:password@]127.0.0.1:<port>/cam` (credentials percent-encoded). */
  url: string;
  port: number;
  /** Kill the server (SIGKILL: a camera that drops, no goodbye) and wait for it to exit. */
  kill(): Promise<void>;
}

export interface RtspTestSourceOptions {
  /** 0 (default) picks a free port; give the old one to bring a killed camera back. */
  port?: number;
  user?: string;
  password?: string;
  /** videotestsrc pattern; `snow` (default here) fills the bitrate so tests get bytes fast. */
  pattern?: string;
  bitrateKbps?: number;
}

/**
 * Start a test RTSP server and resolve once it listens.
 * @throws Error if it does not print READY within 10 s
 */
export async function startRtspSource(options: RtspTestSourceOptions = {}): Promise<RtspTestSource> {
  const args = [SCRIPT, '--port', String(options.port ?? 0), '--pattern', options.pattern ?? 'snow'];
  if (options.bitrateKbps) args.push('--bitrate-kbps', String(options.bitrateKbps));
  if (options.user !== undefined) args.push('--user', options.user, '--password', options.password ?? '');
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn('/usr/bin/python3', args, {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`RTSP test server did not start: ${stderr}`));
    }, 10_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`RTSP test server exited with ${String(code)}: ${stderr}`));
    });
  });
  const auth =
    options.user !== undefined
      ? `${encodeURIComponent(options.user)}:${encodeURIComponent(options.password ?? '')}@`
      : '';
  return {
    url: `rtsp://${auth}127.0.0.1:${port}/cam`,
    port,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
