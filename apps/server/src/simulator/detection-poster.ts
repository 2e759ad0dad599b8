/**
 * Posts simulated person detections to `POST /api/v1/detection/log` at a steady rate, as the
 * edge devices behind the demo cameras would. People come from a fixed pool of re-ids so the
 * same person keeps turning up at every branch.
 */
import { randomUUID } from 'node:crypto';
import { PantauError } from '@pantau/shared';
import type { ApiClient, DetectionLogBody } from '@pantau/shared';
import type { SimulatorLogger } from './simulator-logger.js';

/** Where a detection can come from: a camera's own id and its branch's numeric id. */
export interface DetectionTarget {
  branch_id: number;
  device_id: string;
}

export interface DetectionPosterOptions {
  /** Client holding the API key and secret (`apiKey` option of ApiClient). */
  client: ApiClient;
  /** Cameras to post from; each post picks one at random. */
  targets: DetectionTarget[];
  /** Detections per second, spread evenly (0 posts nothing). */
  rate: number;
  /** Size of the re-id pool `person-0001`..; default 40. */
  personPool?: number | undefined;
  /** Largest number of posts awaiting an answer; beyond it a due post is skipped. Default 256. */
  maxInFlight?: number | undefined;
  /** Delay before the one retry of a post that found the server unreachable, ms (default 500). */
  retryDelayMs?: number | undefined;
  /**
   * Retries of a post the server refused as overloaded (503 with `Retry-After`), each after the
   * time it asked for (default 5): a real device keeps the detection and sends it again.
   */
  maxOverloadRetries?: number | undefined;
  /** Random source in [0, 1) (default Math.random); inject a seeded one in tests. */
  random?: (() => number) | undefined;
  logger?: Pick<SimulatorLogger, 'warn'> | undefined;
}

/** Counters since start. */
export interface DetectionPosterStats {
  /** Posts sent (not counting retries). */
  posted: number;
  /** Answered 202 processing. */
  accepted: number;
  /** Answered 200 duplicate (a retry of one that had in fact arrived). */
  duplicate: number;
  /** Gave up on (after the retry, for UNAVAILABLE). */
  failed: number;
  /** Retries sent after UNAVAILABLE. */
  retried: number;
  /** Due but not sent because maxInFlight posts were still open. */
  skipped: number;
}

export interface DetectionPoster {
  /** A copy of the counters. */
  stats(): DetectionPosterStats;
  /** Stops posting and waits for the posts in flight to settle. Idempotent. */
  stop(): Promise<void>;
}

const COLOURS = ['black', 'white', 'grey', 'navy', 'red', 'green', 'beige', 'brown'];

/**
 * The i-th person's appearance as a re-identification model reports it (the same every time for
 * one person): `{ upper_colour, lower_colour, carrying }`.
 */
export function appearanceOf(i: number): { upper_colour: string; lower_colour: string; carrying: string } {
  return {
    upper_colour: COLOURS[i % COLOURS.length]!,
    lower_colour: COLOURS[(i * 3 + 1) % COLOURS.length]!,
    carrying: ['nothing', 'backpack', 'handbag', 'parcel'][i % 4]!,
  };
}

/** The i-th re-id of the pool, e.g. `person-0007` for i = 6. */
export function personReId(i: number): string {
  return `person-${String(i + 1).padStart(4, '0')}`;
}

/**
 * Starts posting detections: the k-th post is due at start + k·(1000/rate) ms, so they are
 * spread evenly; after a stall of more than a second the backlog is dropped rather than burst.
 * Each post has a unique `event_id` (so a retry is idempotent), a re-id from the pool,
 * `detected_count` 1–3, a random target, `detection_timestamp` now, `detection_data`
 * `{ confidence, bbox: [x, y, w, h] (px of a 640×360 frame), source }` and the person's
 * `appearance_features` ({@link appearanceOf}).
 * Errors are logged (at most once a second per code) and counted; an UNAVAILABLE post is
 * retried with the same event_id: once after `retryDelayMs` when the server was unreachable, and
 * up to `maxOverloadRetries` times after the `retry_after_s` it asked for when it was overloaded.
 * @throws RangeError when rate is negative or not finite, or there are no targets
 */
export function startDetectionPoster(opts: DetectionPosterOptions): DetectionPoster {
  const { client, targets, rate } = opts;
  if (!Number.isFinite(rate) || rate < 0) throw new RangeError(`rate must be ≥ 0 per second, got ${rate}`);
  if (rate > 0 && targets.length === 0) throw new RangeError('no cameras to post detections from');
  const pool = opts.personPool ?? 40;
  const maxInFlight = opts.maxInFlight ?? 256;
  const retryDelayMs = opts.retryDelayMs ?? 500;
  const maxOverloadRetries = opts.maxOverloadRetries ?? 5;
  const random = opts.random ?? Math.random;
  const runId = randomUUID().slice(0, 8);
  const stats: DetectionPosterStats = { posted: 0, accepted: 0, duplicate: 0, failed: 0, retried: 0, skipped: 0 };
  const inFlight = new Set<Promise<void>>();
  const lastWarnAt = new Map<string, number>();
  let running = rate > 0;
  let timer: NodeJS.Timeout | undefined;

  const pick = (n: number) => Math.min(n - 1, Math.floor(random() * n));

  const warn = (err: unknown, body: DetectionLogBody) => {
    const code = err instanceof PantauError ? err.code : 'ERROR';
    const now = Date.now();
    if (now - (lastWarnAt.get(code) ?? 0) < 1_000) return;
    lastWarnAt.set(code, now);
    opts.logger?.warn(
      { code, event_id: body.event_id, err: (err as Error).message, failed: stats.failed },
      'simulated detection not accepted',
    );
  };

  const makeBody = (seq: number): DetectionLogBody => {
    const target = targets[pick(targets.length)] as DetectionTarget;
    const w = 40 + pick(80);
    const h = Math.round(w * 2.2);
    const person = pick(pool);
    return {
      re_id: personReId(person),
      branch_id: target.branch_id,
      device_id: target.device_id,
      detected_count: 1 + pick(3),
      detection_timestamp: new Date().toISOString(),
      detection_data: {
        confidence: Math.round((0.6 + random() * 0.39) * 100) / 100,
        bbox: [pick(640 - w), pick(Math.max(1, 360 - h)), w, h],
        source: 'pantau-simulate',
      },
      // what a re-identification model reports of a person, as the edge boxes send it
      appearance_features: appearanceOf(person),
      event_id: `sim-${runId}-${seq}`,
    };
  };

  const send = async (body: DetectionLogBody) => {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await client.logDetection(body);
        if (res.data.status === 'duplicate') stats.duplicate++;
        else stats.accepted++;
        return;
      } catch (err) {
        if (err instanceof PantauError && err.code === 'UNAVAILABLE' && running) {
          // the server's back-pressure says when to come back; an unreachable server gets one retry
          const after = err.details?.retry_after_s;
          const asked = typeof after === 'number';
          if (asked ? attempt < maxOverloadRetries : attempt === 0) {
            stats.retried++;
            await new Promise((r) => setTimeout(r, asked ? after * 1000 : retryDelayMs));
            continue;
          }
        }
        stats.failed++;
        warn(err, body);
        return;
      }
    }
  };

  const intervalMs = rate > 0 ? 1_000 / rate : Infinity;
  let base = performance.now();
  let due = 0; // posts due since `base` that were handled (sent or skipped)

  const tick = () => {
    if (!running) return;
    const now = performance.now();
    let target = Math.floor((now - base) / intervalMs) + 1;
    if (target - due > Math.max(1, rate)) {
      // Stalled for over a second (event loop blocked, machine asleep): start afresh.
      base = now;
      due = 0;
      target = 1;
    }
    for (; due < target; due++) {
      if (inFlight.size >= maxInFlight) {
        stats.skipped++;
        continue;
      }
      const p = send(makeBody(stats.posted++)).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    timer = setTimeout(tick, Math.max(0, base + due * intervalMs - performance.now()));
  };
  if (running) tick();

  let stopped: Promise<void> | undefined;
  return {
    stats: () => ({ ...stats }),
    stop: () => {
      stopped ??= (async () => {
        running = false;
        clearTimeout(timer);
        await Promise.allSettled([...inFlight]);
      })();
      return stopped;
    },
  };
}
