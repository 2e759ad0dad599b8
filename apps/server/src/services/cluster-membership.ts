/**
 * This process as a member of the servers sharing one database (scale mode, S14): its row in
 * `server_processes` with a heartbeat, the leadership that keeps once-only work (the schedule,
 * the escalation tick) to one process, and, on PostgreSQL, putting back the running jobs of a
 * process that died.
 *
 * Timings: a heartbeat every {@link ClusterOptions.heartbeatMs} (2 s); a process silent for
 * {@link ClusterOptions.staleMs} (10 s) is dead: its jobs go back to their queues and its row is
 * forgotten. A process of the same machine whose pid no longer runs is dead at once (a crash and
 * restart on one machine gets its jobs back at the next heartbeat, not 10 s later). The leader lock is released by PostgreSQL when the leader's connection ends, so a
 * killed leader is replaced at the next heartbeat of another process (≤ 2 s after PostgreSQL
 * notices: at once for a killed process, whose socket closes).
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { ClusterRepository, ServerProcessRow } from '../repositories/cluster-repository.js';
import type { JobQueue } from '../repositories/job-queue.js';
import type { SyncExecutor } from '../db/sync-executor.js';

/** What a server process does (`pantau serve --role`). */
export type ServerRole = ServerProcessRow['role'];

/** Settings of {@link ClusterMembership}. */
export interface ClusterOptions {
  role: ServerRole;
  /** The package version, shown beside each process. */
  version: string;
  /** Heartbeat period, ms (default 2 000). */
  heartbeatMs?: number;
  /** Silence after which a process is taken for dead, ms (default 10 000). */
  staleMs?: number;
  /** Put back a dead process's running jobs (PostgreSQL: true; SQLite recovers at start instead). */
  recoverAbandoned: boolean;
  now?: () => number;
}

/** Whether a process of this machine runs (signal 0 probes without signalling). */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether a registered process may still run: one of another machine is taken on its heartbeat;
 * one of this machine, whose pid is gone, died (kill -9, a crash).
 */
export function stillRunning(p: Pick<ServerProcessRow, 'host' | 'pid'>): boolean {
  return p.host !== os.hostname() || pidAlive(p.pid);
}

/** See the module's docstring. */
export class ClusterMembership {
  /** `<host>:<pid>:<random>`: stored on the jobs this process claims. */
  readonly id = `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private timer: NodeJS.Timeout | null = null;
  private leader = false;
  private url: string | null = null;
  private candidate = true;
  private readonly leaderListeners: Array<(leader: boolean) => void> = [];
  private readonly heartbeatMs: number;
  private readonly staleMs: number;
  private readonly now: () => number;

  /**
   * @param workerQueues the queues this process's worker runs (whose dead holders' jobs it puts back)
   * @param onRecovered told which queues got jobs back (the worker is woken)
   */
  constructor(
    private readonly repo: ClusterRepository,
    private readonly exec: SyncExecutor,
    private readonly queue: JobQueue,
    private readonly workerQueues: () => string[],
    private readonly logger: Logger,
    private readonly opts: ClusterOptions,
    private readonly onRecovered: (queues: string[]) => void = () => undefined,
  ) {
    this.heartbeatMs = opts.heartbeatMs ?? 2000;
    this.staleMs = opts.staleMs ?? 10_000;
    this.now = opts.now ?? Date.now;
    queue.owner = this.id;
  }

  /** Whether this process holds the leadership (once-only work runs here). */
  get isLeader(): boolean {
    return this.leader;
  }

  /** Be told each time this process becomes the leader (true) or stops being it (false). */
  onLeadership(listener: (leader: boolean) => void): void {
    this.leaderListeners.push(listener);
  }

  /**
   * Join: register, take the leadership if free, and beat until {@link stop}.
   * @param url the address this process serves (shown to the others and in /health)
   * @param candidate whether this process may lead (runs the schedule): the `all` and `worker` roles
   */
  start(url: string | null, candidate = true): void {
    if (this.timer) return;
    this.url = url;
    this.candidate = candidate;
    this.exec.tx(() => this.repo.register(this.row(this.now())));
    this.beat();
    this.timer = setInterval(() => this.beat(), this.heartbeatMs);
    this.timer.unref();
  }

  /** This process's registry row, beating at `t` (epoch ms). */
  private row(t: number): ServerProcessRow {
    return {
      id: this.id,
      role: this.opts.role,
      host: os.hostname(),
      pid: process.pid,
      url: this.url,
      version: this.opts.version,
      started_at: new Date(t).toISOString(),
      heartbeat_at: t,
    };
  }

  /** One heartbeat: renew the row, try the leadership, and (PostgreSQL) put back dead holders' jobs. */
  beat(): void {
    try {
      const t = this.now();
      this.exec.tx(() => {
        if (!this.repo.heartbeat(this.id, t, this.url)) this.repo.register(this.row(t));
      });
      const was = this.leader;
      this.leader = this.candidate && this.repo.lead();
      if (this.leader !== was) {
        this.logger.info(
          { process: this.id, role: this.opts.role },
          this.leader ? 'leader: this process' : 'leader no more',
        );
        for (const l of this.leaderListeners) l(this.leader);
      }
      if (this.opts.recoverAbandoned) {
        const queues = this.workerQueues();
        const back = this.exec.tx(() => {
          // a process of this machine whose pid is gone died (kill -9, a crash): no need to wait
          // for its heartbeat to go stale; its row goes, so its jobs come back now
          for (const p of this.repo.live(t - this.staleMs))
            if (p.pid !== process.pid && !stillRunning(p)) this.repo.remove(p.id);
          const n = this.queue.recoverAbandoned(queues, t - this.staleMs);
          if (this.leader) this.repo.prune(t - this.staleMs);
          return n;
        });
        if (back > 0) {
          this.logger.warn({ jobs: back }, 'jobs of a stopped server process put back in their queues');
          this.onRecovered(queues);
        }
      }
    } catch (err) {
      // the database is away: the next beat tries again; meanwhile no leadership is assumed
      this.logger.warn({ err }, 'cluster heartbeat failed');
      if (this.leader) {
        this.leader = false;
        for (const l of this.leaderListeners) l(false);
      }
    }
  }

  /** The processes alive now (heartbeat within the stale window). */
  members(): ServerProcessRow[] {
    return this.repo.live(this.now() - this.staleMs);
  }

  /** Leave: stop beating, give up the leadership and remove this process's row. */
  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = null;
    try {
      this.repo.resign();
      this.exec.tx(() => this.repo.remove(this.id));
    } catch {
      // the database is already closed: the others will see this process go stale
    }
    this.leader = false;
  }
}
