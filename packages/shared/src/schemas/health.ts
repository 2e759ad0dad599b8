/**
 * `GET /health`.
 */
import { z } from 'zod';

export const Health = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  uptime_s: z.number(),
  database: z.object({ ok: z.boolean(), driver: z.string() }),
  queue: z.object({ pending: z.int(), running: z.int(), failed: z.int(), oldest_pending_age_ms: z.number().nullable() }),
  worker: z.object({ running: z.boolean(), processed: z.int() }),
  websocket: z.object({ clients: z.int(), last_event_id: z.int() }),
  gateway: z.object({ streams: z.int(), viewers: z.int() }),
});
export type Health = z.infer<typeof Health>;
