import { describe, expect, it } from 'vitest';
import type { Health } from '@pantau/shared';
import { QUEUE_STUCK_MS, summariseHealth } from './health-model.js';

const healthy: Health = {
  status: 'ok',
  version: '0.1.0',
  uptime_s: 7200,
  database: { ok: true, driver: 'sqlite' },
  cluster: {
    process_id: 'host:1:abcdef',
    role: 'all',
    leader: true,
    processes: [
      {
        id: 'host:1:abcdef',
        role: 'all',
        host: 'host',
        url: 'http://127.0.0.1:8080',
        version: '0.1.0',
        started_at: '2026-12-04T00:00:00.000Z',
        heartbeat_at: '2026-12-04T02:00:00.000Z',
      },
    ],
  },
  queue: { pending: 3, running: 1, failed: 0, oldest_pending_age_ms: 200 },
  worker: { running: true, processed: 10, detection_thread: true, report_thread: 'idle' },
  websocket: {
    clients: 1,
    last_event_id: 9,
    connections: 3,
    addresses: 1,
    max_connections_per_address: 200,
    refused: { too_many_connections: 0, message_rate: 0 },
  },
  http: {
    tls: false,
    open_connections: 2,
    peak_connections: 3,
    open_addresses: 1,
    request_timeout_ms: 30_000,
    headers_timeout_ms: 10_000,
    keep_alive_timeout_ms: 10_000,
    max_connections_per_address: 1024,
    refused_over_cap: 0,
    timed_out: 0,
    headers_too_large: 0,
    plain_http_redirected: 0,
  },
  gateway: { streams: 1, viewers: 1, bitrate_bps: 1, per_stream: [] },
};
const stream = (state: string) => ({
  stream_id: 1,
  quality: 'sub' as const,
  protocol: 'rtsp' as const,
  state,
  viewers: 1,
  bitrate_bps: 1,
  uptime_ms: 1,
  restarts: 0,
});

describe('summariseHealth', () => {
  it('is ok when every part is, and names the part that is not', () => {
    expect(summariseHealth(healthy)).toEqual({
      level: 'ok',
      parts: { server: 'ok', database: 'ok', queue: 'ok', gateway: 'ok' },
    });
    expect(summariseHealth({ ...healthy, queue: { ...healthy.queue, failed: 2 } }).parts.queue).toBe('degraded');
    expect(
      summariseHealth({ ...healthy, queue: { ...healthy.queue, oldest_pending_age_ms: QUEUE_STUCK_MS + 1 } }).level,
    ).toBe('degraded');
    expect(
      summariseHealth({
        ...healthy,
        gateway: { ...healthy.gateway, per_stream: [stream('live'), stream('reconnecting')] },
      }).parts.gateway,
    ).toBe('degraded');
    expect(summariseHealth({ ...healthy, status: 'degraded' }).parts.server).toBe('degraded');
  });

  it('is down when the database does not answer, whatever else is degraded', () => {
    const s = summariseHealth({
      ...healthy,
      database: { ok: false, driver: 'sqlite' },
      queue: { ...healthy.queue, failed: 1 },
    });
    expect(s.level).toBe('down');
    expect(s.parts.database).toBe('down');
  });
});
