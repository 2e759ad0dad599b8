/**
 * Stream health (S11): on a schedule, each configured stream is probed — ffprobe connects,
 * reads the first video frame and leaves; nothing keeps running — and its status,
 * resolution, fps and last_checked_at are recorded. A change of status is broadcast as
 * `stream_status` (`source: 'probe'`) to the users who may see the stream's branch.
 * Streams being watched through the gateway are skipped: the gateway reports them live.
 */
import { spawn } from 'node:child_process';
import type { GatewayUpstreamState, StreamQuality } from '@pantau/shared';
import type { SyncExecutor } from '../db/sync-executor.js';
import type { StreamRow } from '../repositories/organisation-repository.js';
import type { StreamHealthRepository, StreamProbeChanges } from '../repositories/stream-health-repository.js';
import type { DomainEvents } from '../domain/domain-events.js';
import { nowIso } from '../db/database.js';

/** What one probe found. */
export interface ProbeResult {
  ok: boolean;
  width?: number;
  height?: number;
  fps?: number;
  codec?: string;
  /** Why it failed (no credentials in it). */
  error?: string;
  /** How long the probe took, ms. */
  elapsedMs: number;
}

/**
 * Probe one URL with ffprobe: read stream info and the first video packet, then exit.
 * @param timeoutMs the whole probe's budget (the process is killed past it)
 */
export function probeStream(url: string, timeoutMs = 10_000, ffprobe = 'ffprobe'): Promise<ProbeResult> {
  const started = Date.now();
  const rtsp = /^rtsps?:/i.test(url);
  const args = [
    '-v',
    'error',
    ...(rtsp ? ['-rtsp_transport', 'tcp'] : []),
    '-timeout',
    String(Math.round(timeoutMs * 1000 * 0.8)),
    '-select_streams',
    'v:0',
    '-read_intervals',
    '%+#1',
    '-show_entries',
    'stream=codec_name,width,height,avg_frame_rate,r_frame_rate',
    '-of',
    'json',
    url,
  ];
  return new Promise((resolve) => {
    const child = spawn(ffprobe, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const done = (r: Omit<ProbeResult, 'elapsedMs'>) => {
      clearTimeout(timer);
      resolve({ ...r, elapsedMs: Date.now() - started });
    };
    child.once('error', (e) => done({ ok: false, error: `ffprobe: ${e.message}` }));
    child.once('close', (code, signal) => {
      const scrub = (s: string) =>
        s
          .replace(/\/\/[^/@\s]*@/g, '//')
          .trim()
          .split('\n')
          .slice(-1)[0]
          ?.slice(0, 300);
      if (signal) return done({ ok: false, error: `no answer within ${timeoutMs} ms` });
      try {
        const info = JSON.parse(out) as {
          streams?: Array<{
            codec_name?: string;
            width?: number;
            height?: number;
            avg_frame_rate?: string;
            r_frame_rate?: string;
          }>;
        };
        const v = info.streams?.[0];
        if (code === 0 && v?.width) {
          const rate = (f?: string) => {
            const [n, d] = (f ?? '0/1').split('/').map(Number);
            return d ? n! / d : 0;
          };
          const fps = rate(v.avg_frame_rate) || rate(v.r_frame_rate);
          return done({
            ok: true,
            width: v.width,
            height: v.height!,
            fps: Math.round(fps * 100) / 100,
            codec: v.codec_name ?? 'unknown',
          });
        }
      } catch {
        /* not JSON: fall through to the error */
      }
      done({ ok: false, error: scrub(err) || `ffprobe exited with ${code}` });
    });
  });
}

/** Scheduled probing of every stream. */
export class StreamHealthService {
  private running = false;
  /** Streams the gateway is serving now (not probed); set by the gateway's wiring. */
  watched: () => Set<number> = () => new Set();

  constructor(
    private readonly repo: StreamHealthRepository,
    private readonly exec: SyncExecutor,
    private readonly events: DomainEvents,
    /** The pull URL with credentials, for ffprobe only. */
    private readonly sourceUrl: (row: StreamRow) => string,
    private readonly opts: { concurrency?: number; timeoutMs?: number; probe?: typeof probeStream } = {},
  ) {}

  /**
   * Probe every stream not being watched (skipped while a previous round still runs).
   * @returns stream id → what the probe found
   */
  async probeAll(): Promise<Map<number, ProbeResult>> {
    const results = new Map<number, ProbeResult>();
    if (this.running) return results;
    this.running = true;
    try {
      const skip = this.watched();
      const rows = this.repo.all().filter((r) => !skip.has(r.id));
      const probe = this.opts.probe ?? probeStream;
      let next = 0;
      const lane = async () => {
        while (next < rows.length) {
          const row = rows[next++]!;
          const r = await probe(this.sourceUrl(row), this.opts.timeoutMs ?? 10_000);
          results.set(row.id, r);
          this.record(row, r);
        }
      };
      await Promise.all(Array.from({ length: this.opts.concurrency ?? 2 }, lane));
      return results;
    } finally {
      this.running = false;
    }
  }

  /**
   * The gateway's upstream of a stream changed state (`starting`, `live`, `reconnecting`,
   * `stopped`): say it as the stream's status (`online` while live, `idle` once stopped).
   * A stream deleted meanwhile is ignored.
   */
  upstreamChanged(streamId: number, quality: StreamQuality, state: GatewayUpstreamState): void {
    const status = state === 'live' ? 'online' : state === 'stopped' ? 'idle' : state;
    const since = nowIso();
    this.exec.tx(() => {
      const row = this.repo.statusOf(streamId);
      if (!row) return;
      this.events.emit('stream.status_changed', {
        stream_id: streamId,
        branch_id: row.branch_id,
        quality,
        status,
        since,
        source: 'gateway',
      });
    });
  }

  private record(row: StreamRow, r: ProbeResult): void {
    const status = r.ok ? 'online' : 'offline';
    const now = nowIso();
    this.exec.tx(() => {
      const fresh = this.repo.statusOf(row.id);
      if (!fresh) return; // deleted meanwhile
      const set: StreamProbeChanges = { status, last_checked_at: now };
      if (r.ok) {
        set.resolution = `${r.width}x${r.height}`;
        set.fps = Math.round(r.fps ?? 0) || null;
      }
      this.repo.recordProbe(row.id, set);
      if (fresh.status === status) return;
      this.events.emit('stream.status_changed', {
        stream_id: row.id,
        branch_id: fresh.branch_id,
        quality: 'main',
        status,
        since: now,
        source: 'probe',
        ...(r.error ? { error: r.error } : {}),
      });
    });
  }
}
