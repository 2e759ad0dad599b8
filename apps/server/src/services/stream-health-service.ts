/**
 * Stream health (S11) and what each stream sends (issue 15): on a schedule, and whenever a
 * stream is created or changed, its main stream and substream are probed — ffprobe connects,
 * reads a second of packets and leaves; nothing keeps running — and its status, why it cannot be
 * read (`problem`), what each stream sends (`main_media`, `sub_media`: codec, profile, size, fps,
 * bitrate, audio), the main stream's resolution and fps and last_checked_at are recorded. A change
 * of status or problem is broadcast as `stream_status` (`source: 'probe'`) to the users who may
 * see the stream's branch. Streams being watched through the gateway are skipped by the schedule:
 * the gateway reports them live.
 */
import type { GatewayUpstreamState, StreamProblem, StreamQuality } from '@pantau/shared';
import { probeStream, type ProbeResult } from '../gateway/stream-probe.js';
import type { SyncExecutor } from '../db/sync-executor.js';
import type { StreamRow } from '../repositories/organisation-repository.js';
import type { StreamHealthRepository, StreamProbeChanges } from '../repositories/stream-health-repository.js';
import type { DomainEvents } from '../domain/domain-events.js';
import { nowIso } from '../db/database.js';

export type { ProbeResult } from '../gateway/stream-probe.js';

/** Probes of the main stream and, if there is one, the substream. */
export interface StreamProbeOutcome {
  main: ProbeResult;
  sub: ProbeResult | null;
}

/** Scheduled and on-change probing of every stream. */
export class StreamHealthService {
  private running = false;
  private closed = false;
  private readonly inFlight = new Map<number, Promise<StreamProbeOutcome | null>>();
  private readonly aborts = new Set<AbortController>();
  /** Streams the gateway is serving now (not probed); set by the gateway's wiring. */
  watched: () => Set<number> = () => new Set();

  constructor(
    private readonly repo: StreamHealthRepository,
    private readonly exec: SyncExecutor,
    private readonly events: DomainEvents,
    /** The pull URL of a quality with credentials, for ffprobe only. */
    private readonly sourceUrl: (row: StreamRow, quality: StreamQuality) => string,
    private readonly opts: { concurrency?: number; timeoutMs?: number; probe?: typeof probeStream } = {},
  ) {}

  /**
   * Probe every stream not being watched (skipped while a previous round still runs).
   * @returns stream id → what the probe of its main stream found
   */
  async probeAll(): Promise<Map<number, ProbeResult>> {
    const results = new Map<number, ProbeResult>();
    if (this.running) return results;
    this.running = true;
    try {
      const skip = this.watched();
      const rows = this.repo.all().filter((r) => !skip.has(r.id));
      let next = 0;
      const lane = async () => {
        while (next < rows.length && !this.closed) {
          const row = rows[next++]!;
          const r = await this.probeOne(row.id);
          if (r) results.set(row.id, r.main);
        }
      };
      await Promise.all(Array.from({ length: this.opts.concurrency ?? 2 }, lane));
      return results;
    } finally {
      this.running = false;
    }
  }

  /**
   * Probe one stream now (main, then sub) and record what was found; a probe of the same
   * stream already running is shared, not repeated.
   * @returns both probes, or null when the stream does not exist (or the service closed)
   */
  probeOne(streamId: number): Promise<StreamProbeOutcome | null> {
    const running = this.inFlight.get(streamId);
    if (running) return running;
    const done = this.runProbe(streamId).finally(() => this.inFlight.delete(streamId));
    this.inFlight.set(streamId, done);
    return done;
  }

  /** Kill running probes and start no more. */
  close(): void {
    this.closed = true;
    for (const a of this.aborts) a.abort();
  }

  private async runProbe(streamId: number): Promise<StreamProbeOutcome | null> {
    const row = this.repo.get(streamId);
    if (!row || this.closed) return null;
    const probe = async (quality: StreamQuality): Promise<ProbeResult> => {
      const abort = new AbortController();
      this.aborts.add(abort);
      try {
        return await (this.opts.probe ?? probeStream)(this.sourceUrl(row, quality), {
          timeoutMs: this.opts.timeoutMs ?? 10_000,
          transport: row.transport,
          signal: abort.signal,
        });
      } finally {
        this.aborts.delete(abort);
      }
    };
    const main = await probe('main');
    const sub = row.sub_url !== null && !this.closed ? await probe('sub') : null;
    if (this.closed) return null;
    this.record(row, main, sub);
    return { main, sub };
  }

  /**
   * The gateway's upstream of a stream changed state (`starting`, `live`, `reconnecting`,
   * `stopped`): say it as the stream's status (`online` while live, `idle` once stopped), with
   * what is wrong when the gateway knows (`problem`). What the gateway learns of the main
   * stream is also recorded on the stream — online when it plays, offline with the problem when
   * it cannot be read for a known reason — so the camera tree and the fleet board agree with the
   * tile. A stream deleted meanwhile is ignored.
   */
  upstreamChanged(
    streamId: number,
    quality: StreamQuality,
    state: GatewayUpstreamState,
    problem: StreamProblem | null = null,
  ): void {
    const status = state === 'live' ? 'online' : state === 'stopped' ? 'idle' : state;
    const since = nowIso();
    this.exec.tx(() => {
      const row = this.repo.statusOf(streamId);
      if (!row) return;
      if (quality === 'main' && state === 'live' && (row.status !== 'online' || row.problem !== null))
        this.repo.recordProbe(streamId, { status: 'online', problem: null, last_checked_at: since });
      else if (quality === 'main' && state === 'reconnecting' && problem !== null && row.problem !== problem)
        this.repo.recordProbe(streamId, { status: 'offline', problem, last_checked_at: since });
      this.events.emit('stream.status_changed', {
        stream_id: streamId,
        branch_id: row.branch_id,
        quality,
        status,
        since,
        source: 'gateway',
        ...(problem && state !== 'live' ? { problem } : {}),
      });
    });
  }

  private record(row: StreamRow, r: ProbeResult, sub: ProbeResult | null): void {
    const status = r.ok ? 'online' : 'offline';
    const problem: StreamProblem | null = r.ok ? null : (r.problem ?? null);
    const now = nowIso();
    this.exec.tx(() => {
      const fresh = this.repo.statusOf(row.id);
      if (!fresh) return; // deleted meanwhile
      const set: StreamProbeChanges = { status, problem, last_checked_at: now };
      if (r.ok && r.media) {
        set.resolution = `${r.media.width}x${r.media.height}`;
        set.fps = Math.round(r.media.fps ?? 0) || null;
        set.main_media = JSON.stringify({ ...r.media, probed_at: now });
      }
      if (sub?.ok && sub.media) set.sub_media = JSON.stringify({ ...sub.media, probed_at: now });
      this.repo.recordProbe(row.id, set);
      if (fresh.status === status && fresh.problem === problem) return;
      this.events.emit('stream.status_changed', {
        stream_id: row.id,
        branch_id: fresh.branch_id,
        quality: 'main',
        status,
        since: now,
        source: 'probe',
        ...(r.error ? { error: r.error } : {}),
        ...(problem ? { problem } : {}),
      });
    });
  }
}
