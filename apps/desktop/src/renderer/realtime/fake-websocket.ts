/**
 * A scripted WebSocket for tests: records what the client sends and lets the test play the
 * server (open, frames, close).
 */
import type { RealtimeEvent } from '@pantau/shared';
import type { WebSocketLike } from './realtime-client.js';

/** One fake socket; `sockets` of {@link fakeSocketFactory} lists every one opened. */
export class FakeWebSocket implements WebSocketLike {
  readonly sent: unknown[] = [];
  closed = false;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;

  constructor(readonly url: string) {}

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.closed = true;
  }
  /** Server side: the connection opens. */
  open(): void {
    this.onopen?.({});
  }
  /** Server side: one JSON frame. */
  receive(frame: unknown): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  /** Server side: the connection drops. */
  drop(): void {
    this.onerror?.({});
    this.onclose?.({ code: 1006 });
  }
}

/** A factory that records the sockets it creates. */
export function fakeSocketFactory(): {
  create: (url: string) => FakeWebSocket;
  sockets: FakeWebSocket[];
  last(): FakeWebSocket;
} {
  const sockets: FakeWebSocket[] = [];
  return {
    sockets,
    create: (url) => {
      const s = new FakeWebSocket(url);
      sockets.push(s);
      return s;
    },
    last: () => {
      const s = sockets[sockets.length - 1];
      if (!s) throw new Error('no socket opened');
      return s;
    },
  };
}

/** A `detection_update` event frame with event id `id` and event-log id `logId`. */
export function detectionEvent(
  id: number,
  logId = id,
  over: Partial<{ re_id: string; device_id: string }> = {},
): RealtimeEvent<'detection_update'> {
  const ts = new Date(Date.UTC(2026, 0, 1, 3, 0, 0) + id * 1000).toISOString();
  return {
    id,
    type: 'detection_update',
    channel: 'branch:1',
    ts,
    data: {
      id: logId,
      event_type: 'detection',
      branch_id: 1,
      branch_name: 'Jakarta Pusat',
      device_id: over.device_id ?? 'cam-1',
      device_name: 'Lobby',
      re_id: over.re_id ?? `P-${logId}`,
      detected_count: 1,
      event_timestamp: ts,
      created_at: ts,
      acknowledged_by: null,
      acknowledged_at: null,
      person: { total_actual_count: 1, total_detection_branch_count: 1 },
    },
  };
}
