/**
 * `GET /health`.
 */
import { z } from 'zod';
import { GatewayProtocol } from './gateway.js';
import { StreamQuality } from './organisation.js';

export const Health = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  uptime_s: z.number(),
  /** The database: whether it answers, and its engine (`sqlite` embedded, `postgres` scale mode). */
  database: z.object({ ok: z.boolean(), driver: z.enum(['sqlite', 'postgres']) }),
  /**
   * The server processes sharing the database (scale mode; one on SQLite): this one's id and
   * role, whether it leads (runs the schedule and the escalation tick), and every live process
   * (heartbeat within 10 s) with its role, host, address and last heartbeat (ISO-8601 UTC).
   */
  cluster: z.object({
    process_id: z.string(),
    role: z.enum(['all', 'api', 'worker', 'gateway']),
    leader: z.boolean(),
    processes: z.array(
      z.object({
        id: z.string(),
        role: z.enum(['all', 'api', 'worker', 'gateway']),
        host: z.string(),
        url: z.string().nullable(),
        version: z.string(),
        started_at: z.string(),
        heartbeat_at: z.string(),
      }),
    ),
  }),
  queue: z.object({
    pending: z.int(),
    running: z.int(),
    failed: z.int(),
    oldest_pending_age_ms: z.number().nullable(),
  }),
  /**
   * The job workers: `processed` counts jobs completed since start by both; `detection_thread`
   * says whether detections are stored and applied in a thread of their own (the default for a
   * built server) rather than on the HTTP thread; `report_thread` whether counting reports are
   * read in a thread of their own (`none`: on the HTTP thread), and if it runs now (`running`:
   * started by a report and not yet ended after a minute idle) or not (`idle`).
   */
  worker: z.object({
    running: z.boolean(),
    processed: z.int(),
    detection_thread: z.boolean(),
    report_thread: z.enum(['none', 'idle', 'running']),
  }),
  /**
   * WebSockets: `clients` authenticated feed sockets (`/ws`) and the feed's `last_event_id`;
   * `connections` open WebSockets of every kind (feed and live video, authenticated or not) from
   * `addresses` client addresses, at most `max_connections_per_address` each; `refused` sockets
   * closed since start, by reason (`too_many_connections`: close code 4429; `message_rate`: 1008).
   */
  websocket: z.object({
    clients: z.int(),
    last_event_id: z.int(),
    connections: z.int(),
    addresses: z.int(),
    max_connections_per_address: z.int(),
    refused: z.object({ too_many_connections: z.int(), message_rate: z.int() }),
  }),
  /**
   * The HTTP server: whether it speaks TLS; open TCP connections now (WebSockets included), at
   * the most since start, and the client addresses holding them; its time limits (ms) and the
   * per-address cap; and since start the connections refused over the cap, requests cut for
   * arriving too slowly (or connections that sent nothing), request heads over 16 KiB, and
   * plain-HTTP requests redirected to https.
   */
  http: z.object({
    tls: z.boolean(),
    open_connections: z.int(),
    peak_connections: z.int(),
    open_addresses: z.int(),
    request_timeout_ms: z.int(),
    headers_timeout_ms: z.int(),
    keep_alive_timeout_ms: z.int(),
    max_connections_per_address: z.int(),
    refused_over_cap: z.int(),
    timed_out: z.int(),
    headers_too_large: z.int(),
    plain_http_redirected: z.int(),
  }),
  /**
   * The stream gateway: active (stream, quality) upstreams, MPEG-TS (one ffmpeg each, protocol
   * `rtsp`) and HLS (relayed by the proxy, protocol `hls`); their viewers (sockets, or HLS
   * players seen lately); bits per second received over the last 5 s; and per upstream its
   * protocol, state, viewers, bitrate and uptime (ms). No names, URLs or errors here: those are
   * behind GET /api/v1/gateway/streams.
   */
  gateway: z.object({
    streams: z.int(),
    viewers: z.int(),
    bitrate_bps: z.int(),
    per_stream: z.array(
      z.object({
        stream_id: z.int(),
        quality: StreamQuality,
        protocol: GatewayProtocol,
        state: z.string(),
        viewers: z.int(),
        bitrate_bps: z.int(),
        uptime_ms: z.int(),
        restarts: z.int(),
      }),
    ),
  }),
});
export type Health = z.infer<typeof Health>;
