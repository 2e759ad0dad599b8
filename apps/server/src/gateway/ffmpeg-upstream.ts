/**
 * One ffmpeg process that remuxes a camera stream to MPEG-TS on its stdout — or, for consoles
 * that cannot decode the camera's codec, re-encodes it to H.264 (h264-encoder.ts) — kept alive:
 * restarted with backoff when it exits or stalls, until stopped. The camera's credentials never
 * reach ffmpeg's command line: each run's input goes through a loopback relay (camera-input.ts).
 */
import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { silentLogger } from './gateway-types.js';
import type { GatewayUpstreamState, StreamProblem } from '@pantau/shared';
import type { GatewayLogger, StreamSource } from './gateway-types.js';
import { streamProblemOf } from './stream-problem.js';
import { JpegSplitter, buildFfmpegArgs, type AudioMode, type StillsSpec, type TranscodeSpec } from './ffmpeg-args.js';
import { openCameraInput, type CameraInput } from './camera-input.js';

/** Restart delays after consecutive failures, ms: 1, 2, 4, 8 s, then 10 s for ever. */
export const DEFAULT_BACKOFF_MS: readonly number[] = [1000, 2000, 4000, 8000, 10_000];

export interface FfmpegUpstreamOptions {
  source: StreamSource;
  /** Called with every block of ffmpeg's stdout, in order (not packet-aligned). */
  onData(chunk: Buffer): void;
  /** Called when a new ffmpeg is spawned (the byte stream starts over: reset parsers and caches). */
  onRunStart?(): void;
  /** Called on every state change. */
  onState?(state: GatewayUpstreamState): void;
  /** For log lines, e.g. `stream 3/sub`. Never the URL. */
  label: string;
  /** ffmpeg binary. Default `ffmpeg` (on PATH). */
  ffmpegPath?: string;
  /** A running ffmpeg that delivers no bytes for this long is killed and restarted, ms. Default 5000. */
  stallTimeoutMs?: number;
  /** A new ffmpeg must deliver its first bytes within this long, ms (connect + wait for a key frame). Default 10 000. */
  startTimeoutMs?: number;
  /** Restart delays, ms; the last one repeats. Default {@link DEFAULT_BACKOFF_MS}. */
  backoffMs?: readonly number[];
  /** A run that stayed live this long resets the backoff, ms. Default 5000. */
  stableAfterMs?: number;
  /** Grace between SIGTERM (lets ffmpeg send RTSP TEARDOWN) and SIGKILL on stop, ms. Default 2000. */
  killGraceMs?: number;
  /** Re-encode to H.264 instead of copying; default copy. */
  transcode?: TranscodeSpec | null;
  /** Carry the audio too; default video only. */
  audio?: AudioMode | null;
  /** Also write a JPEG of every key frame (copy only; ignored with `transcode`). */
  stills?: StillsSpec | null;
  /** Called with each still JPEG, in order. */
  onStill?(jpeg: Buffer): void;
  logger?: GatewayLogger;
}

/**
 * Remove credentials from text that may contain a URL (ffmpeg prints its input URL in errors).
 * @param text any text
 * @param source if given, its password is also blanked wherever it appears verbatim
 */
export function redactCredentials(text: string, source?: StreamSource): string {
  // Greedy up to the last '@' before the path: a password may hold an unencoded '@'.
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/]*@/gi, '$1***@');
  if (source) {
    try {
      const u = new URL(source.url);
      for (const secret of [u.password, decodeURIComponent(u.password)]) {
        if (secret.length >= 3) out = out.split(secret).join('***');
      }
    } catch {
      // not a URL we can parse: the pattern above is all we can do
    }
  }
  return out;
}

type FfmpegChild = ChildProcessByStdio<null, Readable, Readable>;

/**
 * Keeps one ffmpeg running for a source. Call {@link start} once and {@link stop} at the end;
 * in between it restarts ffmpeg after an exit or a stall, waiting per {@link FfmpegUpstreamOptions.backoffMs}.
 */
export class FfmpegUpstream {
  /** Current state; see {@link GatewayUpstreamState}. */
  state: GatewayUpstreamState = 'stopped';
  /** ffmpeg processes spawned after the first one. */
  restarts = 0;
  /** Last error (ffmpeg's stderr or the reason it was killed), credentials removed; null while healthy. */
  lastError: string | null = null;
  /** Epoch ms when the current run delivered its first bytes, or null when not live. */
  liveSince: number | null = null;
  /** What {@link lastError} means (401 → unauthorized, …); null while healthy. */
  get problem(): StreamProblem | null {
    return this.state === 'live' ? null : streamProblemOf(this.lastError);
  }
  /** Whether runs also write still frames. */
  get stills(): boolean {
    return this.o.stills !== null;
  }

  /** The transcode this upstream runs, or null for a copy. */
  get transcode(): TranscodeSpec | null {
    return this.o.transcode;
  }

  private source: StreamSource;
  private readonly o: Required<
    Omit<FfmpegUpstreamOptions, 'onRunStart' | 'onState' | 'onStill' | 'source' | 'transcode' | 'audio' | 'stills'>
  > &
    Pick<FfmpegUpstreamOptions, 'onRunStart' | 'onState' | 'onStill'> & {
      transcode: TranscodeSpec | null;
      audio: AudioMode | null;
      stills: StillsSpec | null;
    };
  /** The next exit is a restart asked for ({@link restartWith}): no backoff, not a failure. */
  private restartAsked = false;
  private child: FfmpegChild | null = null;
  private childClosed: Promise<void> = Promise.resolve();
  private runs = 0;
  private failures = 0;
  private spawnedAt = 0;
  private lastDataAt = 0;
  private stopping = false;
  private started = false;
  private readonly createdAt = Date.now();
  private restartTimer: NodeJS.Timeout | null = null;
  private watchdog: NodeJS.Timeout | null = null;

  constructor(options: FfmpegUpstreamOptions) {
    this.source = options.source;
    this.o = {
      onData: options.onData,
      onRunStart: options.onRunStart,
      onState: options.onState,
      label: options.label,
      ffmpegPath: options.ffmpegPath ?? 'ffmpeg',
      stallTimeoutMs: options.stallTimeoutMs ?? 5000,
      startTimeoutMs: options.startTimeoutMs ?? 10_000,
      backoffMs: options.backoffMs && options.backoffMs.length > 0 ? options.backoffMs : DEFAULT_BACKOFF_MS,
      stableAfterMs: options.stableAfterMs ?? 5000,
      killGraceMs: options.killGraceMs ?? 2000,
      transcode: options.transcode ?? null,
      audio: options.audio ?? null,
      stills: options.transcode ? null : (options.stills ?? null),
      ...(options.onStill && { onStill: options.onStill }),
      logger: options.logger ?? silentLogger,
    };
  }

  /** OS process id of the running ffmpeg, or null. */
  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** Use another URL from the next (re)start on, e.g. after the camera's password changed. */
  setSource(source: StreamSource): void {
    this.source = source;
  }

  /**
   * Run another transcode from now on (e.g. taller, for a bigger tile): the running ffmpeg is
   * replaced at once, without backoff; viewers stay attached and continue at its first key frame.
   */
  restartWith(transcode: TranscodeSpec): void {
    this.o.transcode = transcode;
    const child = this.child;
    if (!child || this.stopping) return;
    this.restartAsked = true;
    child.kill('SIGKILL');
  }

  /** Spawn ffmpeg. Calling it again, or after {@link stop}, does nothing. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const tick = Math.max(100, Math.min(1000, Math.floor(Math.min(this.o.stallTimeoutMs, this.o.startTimeoutMs) / 4)));
    this.watchdog = setInterval(() => this.checkStall(), tick);
    this.spawnRun();
  }

  /**
   * Stop for good: cancel any restart, SIGTERM ffmpeg (SIGKILL after the grace period) and
   * resolve once it has exited. Safe to call more than once.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.watchdog) clearInterval(this.watchdog);
    this.restartTimer = null;
    this.watchdog = null;
    const child = this.child;
    if (child) {
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), this.o.killGraceMs);
      await this.childClosed;
      clearTimeout(force);
    }
    this.setState('stopped');
  }

  private setState(state: GatewayUpstreamState): void {
    if (this.state === state) return;
    this.state = state;
    if (state !== 'live') this.liveSince = null;
    this.o.onState?.(state);
  }

  private spawnRun(): void {
    if (this.stopping) return;
    if (this.runs > 0) this.restarts++;
    this.runs++;
    const run = this.runs;
    this.spawnedAt = Date.now();
    this.lastDataAt = 0;
    this.o.onRunStart?.();
    this.setState('starting');
    const source = this.source;
    // the relay gives up on the camera before ffmpeg's own I/O timeout, so its words are the ones kept
    openCameraInput(source.url, { connectTimeoutMs: Math.max(500, Math.round(this.o.stallTimeoutMs * 0.8)) }).then(
      (input) => {
        if (this.stopping || run !== this.runs) return input.close();
        this.launch(source, input);
      },
      (err: Error) => {
        if (this.stopping || run !== this.runs) return;
        this.lastError = redactCredentials(`cannot open the camera input: ${err.message}`, source);
        this.scheduleRestart('input error');
      },
    );
  }

  /** Spawn ffmpeg on an opened input; `source` gives the rest of its arguments. */
  private launch(source: StreamSource, input: CameraInput): void {
    const args = buildFfmpegArgs(
      { ...source, url: input.url },
      {
        tsOffsetS: (Date.now() - this.createdAt) / 1000,
        ioTimeoutMs: this.o.stallTimeoutMs,
        transcode: this.o.transcode,
        audio: this.o.audio,
        stills: this.o.stills,
      },
    );
    this.spawnedAt = Date.now();
    const child = spawn(this.o.ffmpegPath, args, {
      stdio: this.o.stills ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'],
    }) as FfmpegChild;
    // fd 3: the still JPEGs (stdio beyond the three standard ones is untyped in Node's typings)
    const stillPipe = (child.stdio as unknown as Array<Readable | null | undefined>)[3];
    if (stillPipe) {
      const splitter = new JpegSplitter();
      stillPipe.on('data', (chunk: Buffer) => {
        if (this.child !== child) return;
        for (const jpeg of splitter.push(chunk)) this.o.onStill?.(jpeg);
      });
      stillPipe.on('error', () => undefined);
    }
    this.child = child;
    this.o.logger.debug({ stream: this.o.label, pid: child.pid, run: this.runs }, 'gateway: ffmpeg started');
    let ended = false;
    let resolveClosed: () => void = () => undefined;
    this.childClosed = new Promise((resolve) => (resolveClosed = resolve));
    const onEnd = (why: string): void => {
      if (ended) return;
      ended = true;
      resolveClosed();
      this.onRunEnded(child, why);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      if (this.child !== child) return;
      this.lastDataAt = Date.now();
      if (this.state !== 'live') {
        this.liveSince = this.lastDataAt;
        this.lastError = null;
        this.setState('live');
      }
      this.o.onData(chunk);
    });
    let stderrTail = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderrTail = (stderrTail + text).slice(-2000);
      const lines = stderrTail.split('\n');
      stderrTail = lines.pop() ?? '';
      for (const line of lines) {
        const clean = redactCredentials(line.trim(), source);
        if (!clean) continue;
        this.lastError = clean.slice(0, 300);
        this.o.logger.warn({ stream: this.o.label, pid: child.pid }, `gateway: ffmpeg: ${this.lastError}`);
      }
    });
    child.on('error', (err) => {
      this.lastError = redactCredentials(`cannot run ffmpeg: ${err.message}`, source);
      onEnd('spawn error');
    });
    input.bind(child);
    child.on('close', (code, signal) => {
      input.close();
      // ffmpeg saw the relay hang up; the relay knows why the camera could not be reached
      if (input.failure !== null && this.child === child) this.lastError = input.failure;
      onEnd(signal ? `killed by ${signal}` : `exited with code ${String(code)}`);
    });
  }

  private onRunEnded(child: FfmpegChild, why: string): void {
    if (this.child !== child) return;
    this.child = null;
    if (this.stopping) return;
    if (this.restartAsked) {
      this.restartAsked = false;
      this.spawnRun();
      return;
    }
    this.scheduleRestart(why);
  }

  /** A run failed (`why`: how it ended): back off, then spawn the next one. */
  private scheduleRestart(why: string): void {
    const wasStable = this.liveSince !== null && Date.now() - this.liveSince >= this.o.stableAfterMs;
    if (wasStable) this.failures = 0;
    const backoff = this.o.backoffMs;
    const delay = backoff[Math.min(this.failures, backoff.length - 1)] ?? 1000;
    this.failures++;
    if (this.lastError === null) this.lastError = `ffmpeg ${why}`;
    this.o.logger.info(
      { stream: this.o.label, why, retryInMs: delay, lastError: this.lastError },
      'gateway: upstream down, will retry',
    );
    this.setState('reconnecting');
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.spawnRun();
    }, delay);
  }

  private checkStall(): void {
    const child = this.child;
    if (!child || this.stopping) return;
    const now = Date.now();
    const stalled =
      this.lastDataAt === 0
        ? now - this.spawnedAt > this.o.startTimeoutMs
        : now - this.lastDataAt > this.o.stallTimeoutMs;
    if (!stalled) return;
    this.lastError =
      this.lastDataAt === 0
        ? `no data within ${this.o.startTimeoutMs} ms of start`
        : `stalled: no data for ${now - this.lastDataAt} ms`;
    this.o.logger.warn({ stream: this.o.label, pid: child.pid }, `gateway: ${this.lastError}, restarting ffmpeg`);
    child.kill('SIGKILL');
  }
}
