/**
 * Sends device heartbeats (`POST /api/v1/devices/heartbeat`, S11) for the simulated cameras,
 * as their edge devices would, so the demo fleet shows online on the fleet status board.
 *
 * Every round sends each report once (in parallel), then waits the interval (15 s by
 * default) before the next, so rounds never overlap. The server says in each answer how long
 * it waits before calling a silent device offline (`timeout_s`); when a third of that is
 * shorter than the interval, the sender speeds up to it, so a server run with a short
 * `PANTAU_HEARTBEAT_TIMEOUT_MS` still sees the demo cameras online.
 */
import { PantauError, type ApiClient, type HeartbeatBody } from '@pantau/shared';
import type { SimulatorLogger } from './simulator-logger.js';

/** Default time between rounds, ms. */
export const HEARTBEAT_INTERVAL_MS = 15_000;
/** Fastest the sender goes however short the server's timeout, ms. */
export const MIN_HEARTBEAT_INTERVAL_MS = 250;

export interface HeartbeatSenderOptions {
  /** Client holding the API key and secret (needs the `devices:heartbeat` permission). */
  client: ApiClient;
  /**
   * The heartbeats of one round: one per device (an NVR may list its cameras). A function is
   * asked again every round, so a device that is cut off (a simulated camera switched off)
   * falls silent like a real one would.
   */
  reports: HeartbeatBody[] | (() => HeartbeatBody[]);
  /** Time between rounds, ms (default {@link HEARTBEAT_INTERVAL_MS}). */
  intervalMs?: number | undefined;
  logger?: Pick<SimulatorLogger, 'warn'> | undefined;
}

/** Counters since start. */
export interface HeartbeatSenderStats {
  /** Rounds completed. */
  rounds: number;
  /** Heartbeats answered 200. */
  sent: number;
  /** Heartbeats refused or not delivered. */
  failed: number;
  /** The interval in use now, ms (may have shrunk to a third of the server's timeout). */
  intervalMs: number;
}

export interface HeartbeatSender {
  /** A copy of the counters. */
  stats(): HeartbeatSenderStats;
  /** Resolves when the round in progress (or the first one) has finished. */
  settled(): Promise<void>;
  /** Stops sending and waits for the round in flight. Idempotent. */
  stop(): Promise<void>;
}

/** One heartbeat per camera: each simulated camera reports itself online. */
export function cameraHeartbeats(cameras: ReadonlyArray<{ device_id: string }>): HeartbeatBody[] {
  return cameras.map((c) => ({ device_id: c.device_id, status: 'online' as const }));
}

/**
 * Starts sending: the first round at once, then one every interval. Failures are logged (at
 * most once per round) and counted; the sender keeps going, so the fleet comes back online
 * by itself after the server was away.
 * @throws RangeError when there is nothing to report or the interval is not a positive number of ms
 */
export function startHeartbeatSender(opts: HeartbeatSenderOptions): HeartbeatSender {
  if (Array.isArray(opts.reports) && opts.reports.length === 0)
    throw new RangeError('no devices to send heartbeats for');
  const reportsNow = (): HeartbeatBody[] => (typeof opts.reports === 'function' ? opts.reports() : opts.reports);
  let intervalMs = opts.intervalMs ?? HEARTBEAT_INTERVAL_MS;
  if (!Number.isFinite(intervalMs) || intervalMs <= 0)
    throw new RangeError(`intervalMs must be > 0 ms, got ${intervalMs}`);
  const stats = { rounds: 0, sent: 0, failed: 0 };
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  const round = async (): Promise<void> => {
    const results = await Promise.allSettled(reportsNow().map(async (r) => opts.client.heartbeat(r)));
    let firstError: unknown;
    for (const r of results) {
      if (r.status === 'fulfilled') {
        stats.sent++;
        // a third of the server's timeout leaves room for two lost heartbeats before it gives up
        const fit = Math.max(MIN_HEARTBEAT_INTERVAL_MS, (r.value.timeout_s * 1000) / 3);
        if (fit < intervalMs) intervalMs = fit;
      } else {
        stats.failed++;
        firstError ??= r.reason;
      }
    }
    stats.rounds++;
    if (firstError !== undefined) {
      const e =
        firstError instanceof PantauError
          ? { code: firstError.code, message: firstError.message }
          : { message: String(firstError) };
      opts.logger?.warn(
        { err: e, failed: results.filter((r) => r.status === 'rejected').length },
        'device heartbeats failed',
      );
    }
  };

  const loop = (): void => {
    if (stopped) return;
    inFlight = round().finally(() => {
      if (!stopped) timer = setTimeout(loop, intervalMs);
    });
  };
  loop();

  let stopping: Promise<void> | undefined;
  return {
    stats: () => ({ ...stats, intervalMs }),
    settled: () => inFlight,
    stop: () => {
      stopping ??= (async () => {
        stopped = true;
        clearTimeout(timer);
        await inFlight;
      })();
      return stopping;
    },
  };
}
