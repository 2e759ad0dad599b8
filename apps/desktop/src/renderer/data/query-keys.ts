/**
 * TanStack Query keys of the console's server data, and which of them a realtime event makes
 * stale. Every key starts with its entity root, so invalidating `['branches']` refreshes
 * every page, picker and detail of branches at once.
 */
import type { RealtimeEvent, RealtimeEventType } from '@pantau/shared';

/** The first element of every query key. */
export type QueryRoot = 'groups' | 'branches' | 'devices' | 'streams' | 'users' | 'audit' | 'camera-tree' | 'me' | 'credentials' | 'layouts' | 'alarms' | 'arming' | 'alarm-rules' | 'watchlist' | 'alarm-service-level' | 'alerts' | 'queues' | 'failed-jobs';

/** Query keys: `[root, kind, params?]`. */
export const queryKeys = {
  /** A page of a list: `[root, 'page', { page, per_page, q, ...filters }]`. */
  page: (root: QueryRoot, params: object) => [root, 'page', params] as const,
  /** A picker's full list (first 500): `[root, 'options', filters]`. */
  options: (root: QueryRoot, filters: object = {}) => [root, 'options', filters] as const,
  /** Every device or stream of the user's scope, for the fleet status board: `[root, 'fleet']`. */
  fleet: (root: 'devices' | 'streams') => [root, 'fleet'] as const,
  cameraTree: () => ['camera-tree'] as const,
  /** Every layout the user sees (the wall's picker, the editor's list). */
  layouts: () => ['layouts'] as const,
  me: () => ['me'] as const,
  /** An alarm's timeline (`['alarms', 'timeline', id]`) and the escalation settings (`['alarms', 'escalation']`). */
  alarmTimeline: (eventId: number) => ['alarms', 'timeline', eventId] as const,
  escalation: () => ['alarms', 'escalation'] as const,
  /** Every branch's arming (`['arming']`), a branch's alarm rules (`['alarm-rules', branchId]`). */
  armings: () => ['arming'] as const,
  alarmRules: (branchId: number) => ['alarm-rules', branchId] as const,
  /** The watchlist of persons (`['watchlist']`). */
  watchlist: () => ['watchlist'] as const,
  /** The acknowledgement service level of a range of days (`['alarm-service-level', params]`: no realtime event refreshes it). */
  serviceLevel: (params: object) => ['alarm-service-level', params] as const,
};

/**
 * What each event type makes stale. Counts travel up (a device changes its branch's
 * `device_count` and `cameras_online`; a branch changes its group's `branch_count`), every
 * admin write adds an audit row, and the camera tree shows all of it.
 */
const STALE: Partial<Record<RealtimeEventType, readonly QueryRoot[]>> = {
  group_updated: ['groups', 'branches', 'camera-tree', 'audit'],
  branch_updated: ['branches', 'groups', 'devices', 'streams', 'camera-tree', 'audit'],
  // layouts: tiles show stream names; a user's scope decides which layouts they see
  device_updated: ['devices', 'streams', 'branches', 'camera-tree', 'audit', 'layouts'],
  user_updated: ['users', 'me', 'camera-tree', 'audit', 'layouts'],
  layout_updated: ['layouts', 'audit'],
  alarm_updated: ['alarms'],
  arming_updated: ['arming', 'audit'],
  notification_update: ['alerts'],
  camera_status_update: ['devices', 'branches', 'camera-tree'],
  nvr_online: ['devices', 'branches', 'camera-tree'],
  nvr_offline: ['devices', 'branches', 'camera-tree'],
};

/** The query roots a batch of events makes stale (each once). */
export function staleRoots(events: readonly RealtimeEvent[]): Set<QueryRoot> {
  const roots = new Set<QueryRoot>();
  for (const event of events) for (const root of STALE[event.type] ?? []) roots.add(root);
  return roots;
}
