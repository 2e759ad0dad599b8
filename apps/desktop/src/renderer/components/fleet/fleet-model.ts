/**
 * The fleet status board's model, free of React: a device's board status, live patches from
 * realtime events (so counts move the moment an event arrives, before any refetch), the
 * summary counts, filters, row order, relative times, and the status changes worth a toast.
 */
import { DeviceStatus, type Device, type RealtimeEvent, type Stream } from '@pantau/shared';

/** What the board shows: `unknown` = offline and never heard from. */
export type FleetStatus = DeviceStatus | 'unknown';
export const FLEET_STATUSES = ['online', 'offline', 'unknown', 'maintenance'] as const satisfies readonly FleetStatus[];

/** A device's board status. */
export function fleetStatus(d: Pick<Device, 'status' | 'last_seen_at'>): FleetStatus {
  return d.status === 'offline' && d.last_seen_at === null ? 'unknown' : d.status;
}

const DEVICE_STATUSES = new Set<string>(DeviceStatus.options);

/**
 * Applies `nvr_online`, `nvr_offline` and `camera_status_update` to a device list (an event
 * saying online also moves `last_seen_at` to the event's time). Returns the same array when
 * nothing changed, so React skips a render.
 */
export function applyDeviceEvents(devices: Device[], events: readonly RealtimeEvent[]): Device[] {
  const next = new Map<string, Pick<Device, 'status' | 'last_seen_at'>>();
  for (const e of events) {
    let status: string;
    if (e.type === 'nvr_online') status = 'online';
    else if (e.type === 'nvr_offline') status = 'offline';
    else if (e.type === 'camera_status_update') status = e.data.status;
    else continue;
    if (!DEVICE_STATUSES.has(status)) continue;
    const before = next.get(e.data.device_id);
    next.set(e.data.device_id, {
      status: status as Device['status'],
      last_seen_at: status === 'online' ? e.ts : (before?.last_seen_at ?? null),
    });
  }
  if (next.size === 0) return devices;
  let changed = false;
  const out = devices.map((d) => {
    const n = next.get(d.device_id);
    if (!n) return d;
    const patched = { ...d, status: n.status, last_seen_at: n.status === 'online' ? n.last_seen_at : d.last_seen_at };
    if (patched.status === d.status && patched.last_seen_at === d.last_seen_at) return d;
    changed = true;
    return patched;
  });
  return changed ? out : devices;
}

/**
 * Applies the `stream_status` events that change a stream's recorded status: the health probe's
 * (`source: 'probe'`), and the gateway's when it found the main stream live or unreadable for a
 * known reason (`problem`: wrong credentials, unreachable, …) — what the server records too.
 * A gateway restart without a known reason is one connection's hiccup, not the camera's status.
 * Returns the same array when nothing changed.
 */
export function applyStreamEvents(streams: Stream[], events: readonly RealtimeEvent[]): Stream[] {
  const next = new Map<number, { status: Stream['status']; at: string; problem: Stream['problem'] }>();
  for (const e of events) {
    if (e.type !== 'stream_status') continue;
    const d = e.data;
    const recorded =
      d.source === 'probe' ||
      (d.quality === 'main' && (d.status === 'online' || (d.status === 'reconnecting' && d.problem)));
    if (!recorded) continue;
    const online = d.status === 'online';
    next.set(d.stream_id, {
      status: online ? 'online' : 'offline',
      at: d.since,
      problem: online ? null : (d.problem ?? null),
    });
  }
  if (next.size === 0) return streams;
  let changed = false;
  const out = streams.map((s) => {
    const n = next.get(s.id);
    if (!n || (n.status === s.status && n.at === s.last_checked_at && n.problem === s.problem)) return s;
    changed = true;
    return { ...s, status: n.status, problem: n.problem, last_checked_at: n.at };
  });
  return changed ? out : streams;
}

/** Counts of one kind of device by board status. */
export type StatusCounts = Record<FleetStatus, number> & { total: number };
/** The board's summary. */
export interface FleetSummary {
  nvrs: StatusCounts;
  cameras: StatusCounts;
  edges: StatusCounts;
}

const zero = (): StatusCounts => ({ online: 0, offline: 0, unknown: 0, maintenance: 0, total: 0 });

/** Counts NVRs, cameras and edge boxes by status. */
export function summarise(devices: readonly Device[]): FleetSummary {
  const s: FleetSummary = { nvrs: zero(), cameras: zero(), edges: zero() };
  for (const d of devices) {
    const c = d.device_type === 'nvr' ? s.nvrs : d.device_type === 'camera' ? s.cameras : s.edges;
    c[fleetStatus(d)]++;
    c.total++;
  }
  return s;
}

/** The board's filters. */
export interface FleetFilters {
  group_id?: number | undefined;
  branch_id?: number | undefined;
  status?: FleetStatus | undefined;
}

/**
 * The devices the filters let through. `branchGroup` maps a branch id to its group id (a
 * device of a branch missing from it fails a group filter).
 */
export function filterFleet(
  devices: readonly Device[],
  f: FleetFilters,
  branchGroup: ReadonlyMap<number, number>,
): Device[] {
  return devices.filter(
    (d) =>
      (f.branch_id === undefined || d.branch_id === f.branch_id) &&
      (f.group_id === undefined || branchGroup.get(d.branch_id) === f.group_id) &&
      (f.status === undefined || fleetStatus(d) === f.status),
  );
}

/** One row of the board: a device, whether it sits under an NVR shown just above, and its streams. */
export interface FleetRow {
  device: Device;
  status: FleetStatus;
  /** True for a camera listed right under its NVR. */
  nested: boolean;
  streams: Stream[];
}

/**
 * Board order: by branch (in `branchOrder`, then id), each NVR followed by its cameras, then
 * the other devices, by name. Streams are attached by the device's own id.
 */
export function fleetRows(
  devices: readonly Device[],
  streams: readonly Stream[],
  branchOrder: (branchId: number) => string = String,
): FleetRow[] {
  const byDevice = new Map<string, Stream[]>();
  for (const s of streams) byDevice.set(s.device_id, [...(byDevice.get(s.device_id) ?? []), s]);
  const present = new Set(devices.map((d) => d.device_id));
  // a camera whose NVR is listed sorts right after it
  const anchor = (d: Device) =>
    d.parent_device_id !== null && present.has(d.parent_device_id) ? d.parent_device_id : d.device_id;
  const nameOf = new Map(devices.map((d) => [d.device_id, d.device_name]));
  const isNvr = new Set(devices.filter((d) => d.device_type === 'nvr').map((d) => d.device_id));
  const sorted = [...devices].sort((a, b) => {
    const ba = branchOrder(a.branch_id).localeCompare(branchOrder(b.branch_id)) || a.branch_id - b.branch_id;
    if (ba !== 0) return ba;
    const ka = anchor(a);
    const kb = anchor(b);
    if (ka !== kb) {
      // NVR groups first, then the others, each by name
      return (
        Number(!isNvr.has(ka)) - Number(!isNvr.has(kb)) ||
        (nameOf.get(ka) ?? ka).localeCompare(nameOf.get(kb) ?? kb) ||
        ka.localeCompare(kb)
      );
    }
    // the NVR itself first, then its cameras by name
    return (
      Number(a.device_id !== ka) - Number(b.device_id !== kb) ||
      a.device_name.localeCompare(b.device_name) ||
      a.device_id.localeCompare(b.device_id)
    );
  });
  return sorted.map((d) => ({
    device: d,
    status: fleetStatus(d),
    nested: anchor(d) !== d.device_id,
    streams: byDevice.get(d.device_id) ?? [],
  }));
}

/**
 * "12 seconds ago", "3 minutes ago", "2 days ago" (or the Indonesian) via Intl.RelativeTimeFormat;
 * `null` when never. Times slightly in the future (clock skew) read as now.
 */
export function relativeTime(iso: string | null, nowMs: number, locale: string): string | null {
  if (iso === null) return null;
  const s = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  if (s < 60) return rtf.format(-s, 'second');
  if (s < 3600) return rtf.format(-Math.floor(s / 60), 'minute');
  if (s < 86_400) return rtf.format(-Math.floor(s / 3600), 'hour');
  return rtf.format(-Math.floor(s / 86_400), 'day');
}

/** A device that went offline or came back, as a toast reports it. */
export interface StatusChange {
  device_id: string;
  branch_id: number;
  nvr: boolean;
}

/** Events older than this are replays after a reconnect, not news: no toast, ms. */
export const STALE_CHANGE_MS = 60_000;

/**
 * The offline / back-online changes in a batch of events, newest state per device, skipping
 * maintenance and events older than {@link STALE_CHANGE_MS}.
 */
export function statusChanges(
  events: readonly RealtimeEvent[],
  nowMs: number,
): { offline: StatusChange[]; online: StatusChange[] } {
  const last = new Map<string, StatusChange & { to: 'online' | 'offline' }>();
  for (const e of events) {
    if (nowMs - Date.parse(e.ts) > STALE_CHANGE_MS) continue;
    if (e.type === 'nvr_online' || e.type === 'nvr_offline') {
      last.set(e.data.device_id, {
        device_id: e.data.device_id,
        branch_id: e.data.branch_id,
        nvr: true,
        to: e.type === 'nvr_online' ? 'online' : 'offline',
      });
    } else if (e.type === 'camera_status_update' && (e.data.status === 'online' || e.data.status === 'offline')) {
      last.set(e.data.device_id, {
        device_id: e.data.device_id,
        branch_id: e.data.branch_id,
        nvr: false,
        to: e.data.status,
      });
    }
  }
  const offline: StatusChange[] = [];
  const online: StatusChange[] = [];
  for (const { to, ...c } of last.values()) (to === 'online' ? online : offline).push(c);
  return { offline, online };
}
