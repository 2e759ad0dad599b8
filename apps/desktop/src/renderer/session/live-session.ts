/**
 * The signed-in console's data flow: one realtime client, one batcher, the REST loads, and the
 * stores they feed.
 *
 *   /ws frames ─► RealtimeClient ─► batcher (1 per frame) ─► events store (feed)
 *                      │ onSync / poll                     ├► wall store (tile badges)
 *                      └──────────► GET /events?limit=100 ─┘└► realtime bus (cache invalidation, tree)
 */
import type { ApiClient, EventLog, RealtimeEvent, RealtimeEventMap } from '@pantau/shared';
import { createBatcher, type FrameScheduler, frameOrTimeout } from '../realtime/event-batcher.js';
import {
  RealtimeClient,
  type ConnectionStatus,
  type WebSocketFactory,
  type WebSocketLike,
} from '../realtime/realtime-client.js';
import { toWebSocketUrl } from '../lib/server-url.js';
import { realtimeBus, type RealtimeBus } from '../realtime/event-bus.js';
import { alarmPatchOfRow, useEventsStore } from '../stores/events-store.js';
import { useWallStore } from '../stores/wall-store.js';

/** Rows loaded over REST at start, after a resync and on each poll. */
export const RECENT_EVENTS_LIMIT = 100;

/** What a live session needs. */
export interface LiveSessionDeps {
  api: Pick<ApiClient, 'listEvents'>;
  serverUrl: string;
  token: string;
  createSocket?: WebSocketFactory;
  schedule?: FrameScheduler;
  onStatus: (status: ConnectionStatus) => void;
  onAuthFailed: (message: string) => void;
  /** Where every batch is fanned out after the stores took it (default: the console's bus). */
  bus?: RealtimeBus;
  /**
   * Told after each sync (`initial`: the first `ready`; `resync`: events were lost): what was
   * read over REST before the cursor may have changed meanwhile (a layout edited while this
   * console connected), so the console refetches its queries.
   */
  onSynced?: () => void;
}

/** A running live session. */
export interface LiveSession {
  stop: () => void;
  reconnectNow: () => void;
  readonly client: RealtimeClient;
}

/**
 * Applies one batch of realtime events to the stores (one store update each). Layouts are not
 * loaded here: the wall reads them through TanStack Query, which `layout_updated` invalidates.
 */
export function applyRealtimeBatch(events: RealtimeEvent[]): void {
  const rows: EventLog[] = [];
  const upstreams: Array<RealtimeEventMap['stream_status']> = [];
  const alarms: Array<RealtimeEventMap['alarm_updated']> = [];
  for (const event of events) {
    if (event.type === 'detection_update') rows.push(event.data);
    else if (event.type === 'stream_status') upstreams.push(event.data);
    else if (event.type === 'alarm_updated') alarms.push(event.data);
  }
  useWallStore.getState().noteUpstreams(upstreams);
  if (rows.length > 0) {
    useEventsStore.getState().addRows(rows, true);
    useWallStore.getState().noteDetections(rows, true);
  }
  // after the rows: an alarm raised and acknowledged within one batch finds its row
  if (alarms.length > 0) useEventsStore.getState().applyAlarms(alarms);
}

/**
 * Loads the recent events, then opens the realtime feed. The returned
 * `stop()` closes everything.
 */
export function startLiveSession(deps: LiveSessionDeps): LiveSession {
  let stopped = false;

  const loadRecent = async (): Promise<void> => {
    const rows = await deps.api.listEvents({ limit: RECENT_EVENTS_LIMIT });
    if (stopped) return;
    const live = useEventsStore.getState().rows.length > 0;
    useEventsStore.getState().addRows(rows, live);
    // rows already shown take the server's alarm state (changes missed while away, or polled)
    useEventsStore.getState().applyAlarms(rows.map(alarmPatchOfRow).filter((p) => p !== null));
    useWallStore.getState().noteDetections(rows);
  };

  const bus = deps.bus ?? realtimeBus;
  const batcher = createBatcher<RealtimeEvent>((events) => {
    applyRealtimeBatch(events);
    bus.publish(events);
  }, deps.schedule ?? frameOrTimeout);

  const client = new RealtimeClient({
    url: toWebSocketUrl(deps.serverUrl, '/ws'),
    token: deps.token,
    // The DOM WebSocket's handler types name DOM events; the client only reads `data`.
    createSocket: deps.createSocket ?? ((url) => new WebSocket(url) as unknown as WebSocketLike),
    onEvent: (event) => batcher.push(event),
    onStatus: deps.onStatus,
    onSync: async () => {
      batcher.flush();
      await loadRecent();
      deps.onSynced?.();
    },
    poll: loadRecent,
    onAuthFailed: deps.onAuthFailed,
  });

  loadRecent().catch(() => undefined);
  client.start();

  return {
    client,
    stop() {
      stopped = true;
      client.stop();
      batcher.cancel();
    },
    reconnectNow: () => client.reconnectNow(),
  };
}
