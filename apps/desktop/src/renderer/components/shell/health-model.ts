/**
 * What the header's infrastructure light says about `GET /health` (issue 12): one level and the
 * parts that set it. Pure, so the rules are tested without a browser.
 *
 * - database not answering → `down`
 * - failed jobs, a job waiting over {@link QUEUE_STUCK_MS}, or an upstream reconnecting → `degraded`
 * - the server itself says degraded → `degraded`
 * - otherwise `ok`
 */
import type { Health } from '@pantau/shared';

/** A job waiting longer than this makes the queue part degraded, ms. */
export const QUEUE_STUCK_MS = 60_000;

export type HealthLevel = 'ok' | 'degraded' | 'down';
export type HealthPart = 'server' | 'database' | 'queue' | 'gateway';

/** The light's level and each part's. */
export interface HealthSummary {
  level: HealthLevel;
  parts: Record<HealthPart, HealthLevel>;
}

/** Summarise a health answer. */
export function summariseHealth(h: Health): HealthSummary {
  const parts: Record<HealthPart, HealthLevel> = {
    server: h.status === 'ok' ? 'ok' : 'degraded',
    database: h.database.ok ? 'ok' : 'down',
    queue: h.queue.failed > 0 || (h.queue.oldest_pending_age_ms ?? 0) > QUEUE_STUCK_MS ? 'degraded' : 'ok',
    gateway: h.gateway.per_stream.some((s) => s.state === 'reconnecting') ? 'degraded' : 'ok',
  };
  const levels = Object.values(parts);
  const level: HealthLevel = levels.includes('down') ? 'down' : levels.includes('degraded') ? 'degraded' : 'ok';
  return { level, parts };
}
