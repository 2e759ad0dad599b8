/**
 * Form values ⇄ API bodies for the admin forms. Forms hold strings (Mantine inputs), the API
 * wants ids, numbers, nulls and only the fields that changed; these pure functions do the
 * conversion, so they are unit-tested without a browser. Form field names equal the API's, so
 * the server's field errors land on the right input.
 */
import type {
  Branch,
  DeviceType,
  Role,
  BranchCreate,
  BranchUpdate,
  Device,
  DeviceCreate,
  DeviceUpdate,
  Group,
  GroupCreate,
  GroupUpdate,
  Stream,
  StreamCreate,
  StreamUpdate,
  User,
  UserCreate,
  UserUpdate,
} from '@pantau/shared';

/** `''` → undefined (create: leave the field out). */
const opt = (s: string): string | undefined => (s.trim() === '' ? undefined : s.trim());
/** `''` → null (update: clear the field). */
const nul = (s: string): string | null => (s.trim() === '' ? null : s.trim());
const num = (v: number | string): number | undefined =>
  v === '' || v === null || Number.isNaN(Number(v)) ? undefined : Number(v);
const id = (s: string | null): number => Number(s);

/** The entries of `next` whose value differs from `before` (arrays compared by content). */
export function changedFields<T extends object>(next: T, before: Partial<Record<keyof T, unknown>>): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(next) as Array<keyof T>) {
    const a = next[key];
    const b = before[key];
    const same =
      Array.isArray(a) && Array.isArray(b)
        ? a.length === b.length && a.every((x, i) => x === b[i])
        : a === (b ?? null) || (a === undefined && b === undefined);
    if (!same) out[key] = a;
  }
  return out;
}

// ---- groups ----
export interface GroupValues {
  province_code: string;
  province_name: string;
  group_name: string;
  address: string;
  phone: string;
  email: string;
  status: 'active' | 'inactive';
}
/** Values of the group form: empty for a new group, else the group's. */
export function groupValues(g?: Group): GroupValues {
  return {
    province_code: g?.province_code ?? '',
    province_name: g?.province_name ?? '',
    group_name: g?.group_name ?? '',
    address: g?.address ?? '',
    phone: g?.phone ?? '',
    email: g?.email ?? '',
    status: g?.status ?? 'active',
  };
}
/** `POST /groups` body. */
export function groupCreateBody(v: GroupValues): GroupCreate {
  return {
    province_code: v.province_code.trim(),
    province_name: v.province_name.trim(),
    group_name: v.group_name.trim(),
    address: opt(v.address),
    phone: opt(v.phone),
    email: opt(v.email),
  };
}
/** `PATCH /groups/:id` body: the fields that changed. */
export function groupUpdateBody(v: GroupValues, g: Group): GroupUpdate {
  const next: GroupUpdate = {
    province_code: v.province_code.trim(),
    province_name: v.province_name.trim(),
    group_name: v.group_name.trim(),
    address: nul(v.address),
    phone: nul(v.phone),
    email: nul(v.email),
    status: v.status,
  };
  return changedFields(next, g);
}

// ---- branches ----
export interface BranchValues {
  group_id: string | null;
  branch_code: string;
  branch_name: string;
  city: string;
  timezone: string;
  address: string;
  latitude: number | string;
  longitude: number | string;
  status: 'active' | 'inactive';
}
/** Values of the branch form; a new branch starts in `groupId` (a list filter) and Asia/Jakarta. */
export function branchValues(b?: Branch, groupId?: number): BranchValues {
  return {
    group_id: b ? String(b.group_id) : groupId ? String(groupId) : null,
    branch_code: b?.branch_code ?? '',
    branch_name: b?.branch_name ?? '',
    city: b?.city ?? '',
    timezone: b?.timezone ?? 'Asia/Jakarta',
    address: b?.address ?? '',
    latitude: b?.latitude ?? '',
    longitude: b?.longitude ?? '',
    status: b?.status ?? 'active',
  };
}
/** `POST /branches` body. */
export function branchCreateBody(v: BranchValues): BranchCreate {
  return {
    group_id: id(v.group_id),
    branch_code: v.branch_code.trim(),
    branch_name: v.branch_name.trim(),
    city: v.city.trim(),
    timezone: v.timezone,
    address: opt(v.address),
    latitude: num(v.latitude),
    longitude: num(v.longitude),
  };
}
/** `PATCH /branches/:id` body; a changed `group_id` moves the branch. */
export function branchUpdateBody(v: BranchValues, b: Branch): BranchUpdate {
  const next: BranchUpdate = {
    group_id: id(v.group_id),
    branch_code: v.branch_code.trim(),
    branch_name: v.branch_name.trim(),
    city: v.city.trim(),
    timezone: v.timezone,
    address: nul(v.address),
    latitude: num(v.latitude) ?? null,
    longitude: num(v.longitude) ?? null,
    status: v.status,
  };
  return changedFields(next, b);
}

// ---- devices ----
export interface DeviceValues {
  device_id: string;
  device_name: string;
  device_type: DeviceType;
  branch_id: string | null;
  parent_device_id: string | null;
  maintenance: boolean;
}
/** Values of the device form. */
export function deviceValues(d?: Device, branchId?: number): DeviceValues {
  return {
    device_id: d?.device_id ?? '',
    device_name: d?.device_name ?? '',
    device_type: d?.device_type ?? 'camera',
    branch_id: d ? String(d.branch_id) : branchId ? String(branchId) : null,
    parent_device_id: d?.parent_device_id ?? null,
    maintenance: d?.status === 'maintenance',
  };
}
/** Only cameras sit under an NVR. */
const parentOf = (v: DeviceValues) => (v.device_type === 'camera' && v.parent_device_id ? v.parent_device_id : null);
/** `POST /devices` body. */
export function deviceCreateBody(v: DeviceValues): DeviceCreate {
  return {
    device_id: v.device_id.trim(),
    device_name: v.device_name.trim(),
    device_type: v.device_type,
    branch_id: id(v.branch_id),
    parent_device_id: parentOf(v) ?? undefined,
  };
}
/**
 * `PATCH /devices/:id` body. Only `maintenance` is set by hand; leaving it sets `offline`
 * until the next heartbeat says otherwise.
 */
export function deviceUpdateBody(v: DeviceValues, d: Device): DeviceUpdate {
  const status = v.maintenance ? 'maintenance' : d.status === 'maintenance' ? 'offline' : d.status;
  const next: DeviceUpdate = {
    device_name: v.device_name.trim(),
    device_type: v.device_type,
    branch_id: id(v.branch_id),
    parent_device_id: parentOf(v),
    status,
  };
  return changedFields(next, d);
}

// ---- streams ----
export interface StreamValues {
  branch_id: string | null;
  device_id: string | null;
  stream_name: string;
  protocol: 'rtsp' | 'hls' | 'mpegts' | 'flv';
  main_url: string;
  sub_url: string;
  username: string;
  password: string;
  /** Edit only: remove the stored password. */
  clear_password: boolean;
  resolution: string;
  fps: number | string;
  transport: 'tcp' | 'udp';
}
/** Values of the stream form. Username and password are write-only: blank means "unchanged". */
export function streamValues(s?: Stream, branchId?: number): StreamValues {
  return {
    branch_id: s ? String(s.branch_id) : branchId ? String(branchId) : null,
    device_id: s?.device_id ?? null,
    stream_name: s?.stream_name ?? '',
    protocol: s?.protocol ?? 'rtsp',
    main_url: s?.main_url ?? '',
    sub_url: s?.sub_url ?? '',
    username: '',
    password: '',
    clear_password: false,
    resolution: s?.resolution ?? '',
    fps: s?.fps ?? '',
    transport: s?.transport ?? 'tcp',
  };
}
/** `POST /streams` body. */
export function streamCreateBody(v: StreamValues): StreamCreate {
  return {
    branch_id: id(v.branch_id),
    device_id: v.device_id ?? '',
    stream_name: v.stream_name.trim(),
    protocol: v.protocol,
    main_url: v.main_url.trim(),
    sub_url: opt(v.sub_url),
    username: opt(v.username),
    password: v.password === '' ? undefined : v.password,
    resolution: opt(v.resolution),
    fps: num(v.fps),
    transport: v.transport,
  };
}
/** `PATCH /streams/:id` body: blank credentials stay as they are; "clear" sends `password: null`. */
export function streamUpdateBody(v: StreamValues, s: Stream): StreamUpdate {
  const next: StreamUpdate = {
    stream_name: v.stream_name.trim(),
    protocol: v.protocol,
    main_url: v.main_url.trim(),
    sub_url: nul(v.sub_url),
    resolution: nul(v.resolution),
    fps: num(v.fps) ?? null,
    transport: v.transport,
  };
  const body = changedFields(next, s);
  if (v.username.trim() !== '') body.username = v.username.trim();
  if (v.clear_password) body.password = null;
  else if (v.password !== '') body.password = v.password;
  return body;
}

// ---- users ----
export interface UserValues {
  email: string;
  name: string;
  password: string;
  role: Role;
  scope_all: boolean;
  scope_group_ids: string[];
  scope_branch_ids: string[];
  status: 'active' | 'disabled';
}
/** Values of the user form; a new user starts as an operator with no scope. */
export function userValues(u?: User): UserValues {
  return {
    email: u?.email ?? '',
    name: u?.name ?? '',
    password: '',
    role: u?.role ?? 'operator',
    scope_all: u?.scope_all ?? false,
    scope_group_ids: (u?.scope_group_ids ?? []).map(String),
    scope_branch_ids: (u?.scope_branch_ids ?? []).map(String),
    status: u?.status ?? 'active',
  };
}
const ids = (list: string[]) => list.map(Number).sort((a, b) => a - b);
/** `POST /users` body; with "all" the chosen groups and branches are dropped. */
export function userCreateBody(v: UserValues): UserCreate {
  return {
    email: v.email.trim(),
    name: v.name.trim(),
    password: v.password,
    role: v.role,
    scope_all: v.scope_all,
    scope_group_ids: v.scope_all ? [] : ids(v.scope_group_ids),
    scope_branch_ids: v.scope_all ? [] : ids(v.scope_branch_ids),
  };
}
/** `PATCH /users/:id` body: the fields that changed. */
export function userUpdateBody(v: UserValues, u: User): UserUpdate {
  const next: UserUpdate = {
    name: v.name.trim(),
    role: v.role,
    scope_all: v.scope_all,
    scope_group_ids: v.scope_all ? [] : ids(v.scope_group_ids),
    scope_branch_ids: v.scope_all ? [] : ids(v.scope_branch_ids),
    status: v.status,
  };
  const before = {
    ...u,
    scope_group_ids: [...u.scope_group_ids].sort((a, b) => a - b),
    scope_branch_ids: [...u.scope_branch_ids].sort((a, b) => a - b),
  };
  return changedFields(next, before);
}
