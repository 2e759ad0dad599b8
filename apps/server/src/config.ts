/**
 * Server configuration: command-line flags over environment over defaults.
 */
import path from 'node:path';
import { queueConfigFromEnv, type QueueConfig, type QueueName } from './queue/queue-config.js';
import { httpLimitsFromEnv, type HttpLimits } from './http/http-server.js';
import { websocketLimitsFromEnv, type WebSocketLimits } from './realtime/socket-guard.js';
import type { TlsConfig } from './security/tls.js';

/**
 * Where ingestion says "not now" (503 with `Retry-After`) instead of letting latency grow: past
 * these, the server is taking detections faster than it commits or applies them (issue 11).
 */
export interface IntakeLimits {
  /** Detections handed to the accept transaction and not yet committed (default 2 000: ≈ 0.5 s of commits). */
  maxInFlight: number;
  /** Detection jobs waiting to be applied (default 200 000: about a minute of the pipeline's rate). */
  maxBacklog: number;
}

/** The limits from the environment (`PANTAU_MAX_INFLIGHT_DETECTIONS`, `PANTAU_MAX_DETECTION_BACKLOG`) or their defaults. */
export function intakeLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): IntakeLimits {
  const num = (v: string | undefined, def: number) => (v !== undefined && Number(v) > 0 ? Number(v) : def);
  return {
    maxInFlight: num(env.PANTAU_MAX_INFLIGHT_DETECTIONS, 2_000),
    maxBacklog: num(env.PANTAU_MAX_DETECTION_BACKLOG, 200_000),
  };
}

export interface ServerConfig {
  /** TCP port; 0 picks a free one. Default 8080. */
  port: number;
  /** Listen address. Default 127.0.0.1. */
  host: string;
  /**
   * Addresses (or CIDR ranges) of reverse proxies whose `X-Forwarded-For`, `-Proto` and `-Host`
   * are believed (`--trust-proxy`, `PANTAU_TRUSTED_PROXIES`, comma-separated; default none).
   * With a proxy listed, `request.ip` is the client's own address behind it, which every
   * per-address limit keys on; from any other peer the headers are ignored, so a client cannot
   * pick its own address.
   */
  trustedProxies: string[];
  /**
   * TLS (`--tls-cert` + `--tls-key`, or `--tls-self-signed`; env `PANTAU_TLS_CERT`,
   * `PANTAU_TLS_KEY`, `PANTAU_TLS_SELF_SIGNED=1`): HTTPS and WSS on the same port, plain HTTP
   * redirected. Default off.
   */
  tls: TlsConfig;
  /** Request, header and keep-alive time limits and the per-address connection cap (http/http-server.ts). */
  httpLimits: HttpLimits;
  /**
   * WebSockets per client address and frames per socket (realtime/socket-guard.ts;
   * `PANTAU_WS_MAX_CONNECTIONS_PER_ADDRESS` default 200, `PANTAU_WS_MESSAGES_PER_S` 20,
   * `PANTAU_WS_MESSAGE_BURST` 50).
   */
  websocketLimits: WebSocketLimits;
  /** Where the database, key file and logs live. `--data-dir`, `PANTAU_DATA_DIR`, default `./data`. */
  dataDir: string;
  /**
   * PostgreSQL instead of the embedded SQLite file (scale mode): `postgres://user:pass@host:port/db`.
   * `--database`, `PANTAU_DATABASE_URL`; null = `<dataDir>/pantau.sqlite`. The key file and logs
   * stay in the data directory (every process of a cluster needs the same key file).
   */
  databaseUrl: string | null;
  /**
   * What this process does (`--role`, `PANTAU_ROLE`; scale mode): `all` (default: everything),
   * `api` (HTTP API, WebSocket feed and console, no job worker), `worker` (the job worker and the
   * schedule, HTTP for /health only), `gateway` (the stream gateway and /health).
   */
  role: 'all' | 'api' | 'worker' | 'gateway';
  /** Signed-in session lifetime, ms (default 12 h: one control-room shift). */
  sessionTtlMs: number;
  /** Built console to serve at `/console` (default: apps/desktop/dist/renderer, if present). */
  consoleDir: string | null;
  /** Gateway: stop an ffmpeg after this long without viewers, ms. */
  gatewayIdleMs: number;
  /** pino level. */
  logLevel: string;
  /** Start the job worker in this process (tests may turn it off to observe the queue). */
  runWorker: boolean;
  /**
   * Run the detection jobs in a thread of their own with its own database connection, so
   * ingestion and processing use two cores (default on; `PANTAU_DETECTION_THREAD=0` turns it off).
   * Needs the built server (the thread loads dist/queue/detection-thread.js); without it the jobs
   * run on the HTTP thread, as they do under the in-process tests.
   */
  detectionThread: boolean;
  /** Where ingestion answers 503 with Retry-After instead of queueing more (services/detection-service.ts). */
  intakeLimits: IntakeLimits;
  /**
   * How long a device's event_id is remembered, days (`PANTAU_IDEMPOTENCY_DAYS`, default 7): a
   * resend within the window is a duplicate; the keys are pruned hourly past it, so the table
   * stays the size of the window. Longer than any store-and-forward buffer a device keeps.
   */
  idempotencyDays: number;
  /** The server's site time zone: daily files and schedules follow its days (default Asia/Jakarta). */
  timezone: string;
  /** A device silent for longer than this is offline, ms (default 60 000). */
  heartbeatTimeoutMs: number;
  /** Warn in the log when the process's resident memory passes this, bytes (default 1.5 GiB). */
  memoryWarnBytes: number;
  /** Warn in the log about requests slower than this, ms (default 1 000). */
  slowRequestMs: number;
  /** When to probe every stream's health (cron, site time; default every 5 minutes). */
  streamProbeCron: string;
  /** Probe a stream when it is created or changed (what it sends, whether it answers). Default on; `PANTAU_STREAM_PROBE_ON_CHANGE=0` turns it off. */
  streamProbeOnChange: boolean;
  /** Pending jobs in one queue that raise the queue-size alert (default 10 000). */
  queueAlertThreshold: number;
  /** Priority and worker concurrency per named queue (`PANTAU_QUEUE_<NAME>_CONCURRENCY|PRIORITY`). */
  queues: Record<QueueName, QueueConfig>;
}

/** The roles a server process can take (see {@link ServerConfig.role}). */
export const SERVER_ROLES = ['all', 'api', 'worker', 'gateway'] as const;

/** `PANTAU_ROLE`, default `all`. @throws Error naming the roles for any other value */
function roleFromEnv(v: string | undefined): ServerConfig['role'] {
  if (!v) return 'all';
  if (!(SERVER_ROLES as readonly string[]).includes(v))
    throw new Error(`PANTAU_ROLE must be one of ${SERVER_ROLES.join(', ')}, not ${v}`);
  return v as ServerConfig['role'];
}

/** Data directory from a flag, `PANTAU_DATA_DIR` or `./data`, made absolute. */
export function resolveDataDir(flag?: string): string {
  return path.resolve(flag ?? process.env.PANTAU_DATA_DIR ?? './data');
}

/** Build a config from partial overrides (CLI flags, tests) and the environment. */
export function loadConfig(over: Partial<ServerConfig> = {}): ServerConfig {
  return {
    port: over.port ?? Number(process.env.PANTAU_PORT ?? 8080),
    host: over.host ?? process.env.PANTAU_HOST ?? '127.0.0.1',
    trustedProxies: over.trustedProxies ?? addressList(process.env.PANTAU_TRUSTED_PROXIES),
    tls: over.tls ?? tlsFromEnv(),
    httpLimits: over.httpLimits ?? httpLimitsFromEnv(),
    websocketLimits: over.websocketLimits ?? websocketLimitsFromEnv(),
    dataDir: over.dataDir ?? resolveDataDir(),
    databaseUrl: over.databaseUrl !== undefined ? over.databaseUrl : process.env.PANTAU_DATABASE_URL || null,
    role: over.role ?? roleFromEnv(process.env.PANTAU_ROLE),
    sessionTtlMs: over.sessionTtlMs ?? 12 * 3600_000,
    consoleDir: over.consoleDir === undefined ? defaultConsoleDir() : over.consoleDir,
    gatewayIdleMs: over.gatewayIdleMs ?? 10_000,
    logLevel: over.logLevel ?? process.env.PANTAU_LOG_LEVEL ?? 'info',
    runWorker: over.runWorker ?? true,
    detectionThread: over.detectionThread ?? process.env.PANTAU_DETECTION_THREAD !== '0',
    intakeLimits: over.intakeLimits ?? intakeLimitsFromEnv(),
    idempotencyDays: over.idempotencyDays ?? (Number(process.env.PANTAU_IDEMPOTENCY_DAYS) || 7),
    timezone: over.timezone ?? process.env.PANTAU_TIMEZONE ?? 'Asia/Jakarta',
    heartbeatTimeoutMs: over.heartbeatTimeoutMs ?? Number(process.env.PANTAU_HEARTBEAT_TIMEOUT_MS ?? 60_000),
    memoryWarnBytes: over.memoryWarnBytes ?? 1.5 * 1024 ** 3,
    slowRequestMs: over.slowRequestMs ?? 1000,
    queueAlertThreshold: over.queueAlertThreshold ?? Number(process.env.PANTAU_QUEUE_ALERT_THRESHOLD ?? 10_000),
    queues: over.queues ?? queueConfigFromEnv(),
    streamProbeCron: over.streamProbeCron ?? process.env.PANTAU_STREAM_PROBE_CRON ?? '*/5 * * * *',
    streamProbeOnChange: over.streamProbeOnChange ?? process.env.PANTAU_STREAM_PROBE_ON_CHANGE !== '0',
  };
}

/** TLS from `PANTAU_TLS_CERT` + `PANTAU_TLS_KEY`, or `PANTAU_TLS_SELF_SIGNED=1`; otherwise off. */
export function tlsFromEnv(env: NodeJS.ProcessEnv = process.env): TlsConfig {
  if (env.PANTAU_TLS_CERT && env.PANTAU_TLS_KEY)
    return { mode: 'files', certFile: path.resolve(env.PANTAU_TLS_CERT), keyFile: path.resolve(env.PANTAU_TLS_KEY) };
  if (env.PANTAU_TLS_SELF_SIGNED === '1') return { mode: 'self-signed' };
  return { mode: 'off' };
}

/** `"10.0.0.1, 10.1.0.0/16"` → `['10.0.0.1', '10.1.0.0/16']`; empty or unset → `[]`. */
export function addressList(v: string | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}

function defaultConsoleDir(): string {
  // dist/config.js or src/config.ts → apps/server → apps/desktop/dist/renderer
  return path.resolve(import.meta.dirname, '..', '..', 'desktop', 'dist', 'renderer');
}
