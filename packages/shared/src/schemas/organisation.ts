/**
 * Organisation: company groups (provinces), branches (sites), devices (cameras, NVRs, edge
 * boxes) and camera streams. Names follow the source documents (DESIGN §2).
 */
import { z } from 'zod';
import { Id, IsoDateTime, PageQuery, TimeZone } from './common.js';

export const EntityStatus = z.enum(['active', 'inactive']);

export const GroupCreate = z.object({
  province_code: z
    .string()
    .trim()
    .min(1)
    .max(32)
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only'),
  province_name: z.string().trim().min(1).max(128),
  group_name: z.string().trim().min(1).max(128),
  address: z.string().max(512).optional(),
  phone: z.string().max(32).optional(),
  email: z.email().max(254).optional(),
});
export type GroupCreate = z.infer<typeof GroupCreate>;

export const Group = z.object({
  id: Id,
  province_code: z.string(),
  province_name: z.string(),
  group_name: z.string(),
  address: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  status: EntityStatus,
  /** Branches in the group. */
  branch_count: z.int(),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type Group = z.infer<typeof Group>;

/** `PATCH /api/v1/groups/:id`: any subset of the fields; an unknown field is an error (every update schema is strict). */
export const GroupUpdate = GroupCreate.partial()
  .extend({
    address: z.string().max(512).nullable().optional(),
    phone: z.string().max(32).nullable().optional(),
    email: z.email().max(254).nullable().optional(),
    status: EntityStatus.optional(),
  })
  .strict();
export type GroupUpdate = z.infer<typeof GroupUpdate>;

/** `GET /api/v1/groups` filters (with {@link PageQuery}). */
export const GroupFilter = PageQuery.extend({ status: EntityStatus.optional() });

export const BranchCreate = z.object({
  group_id: Id,
  branch_code: z
    .string()
    .trim()
    .min(1)
    .max(32)
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only'),
  branch_name: z.string().trim().min(1).max(128),
  city: z.string().trim().min(1).max(128),
  timezone: TimeZone.default('Asia/Jakarta'),
  address: z.string().max(512).optional(),
  latitude: z.number().min(-90).max(90).optional(),
  longitude: z.number().min(-180).max(180).optional(),
});
export type BranchCreate = z.input<typeof BranchCreate>;

export const Branch = z.object({
  id: Id,
  group_id: Id,
  branch_code: z.string(),
  branch_name: z.string(),
  city: z.string(),
  timezone: z.string(),
  address: z.string().nullable(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  status: EntityStatus,
  /** Devices of every type in the branch. */
  device_count: z.int(),
  camera_count: z.int(),
  cameras_online: z.int(),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type Branch = z.infer<typeof Branch>;

/** `PATCH /api/v1/branches/:id`: any subset; a new `group_id` moves the branch to that group. */
export const BranchUpdate = z
  .object({
    group_id: Id.optional(),
    branch_code: BranchCreate.shape.branch_code.optional(),
    branch_name: BranchCreate.shape.branch_name.optional(),
    city: BranchCreate.shape.city.optional(),
    timezone: TimeZone.optional(),
    address: z.string().max(512).nullable().optional(),
    latitude: z.number().min(-90).max(90).nullable().optional(),
    longitude: z.number().min(-180).max(180).nullable().optional(),
    status: EntityStatus.optional(),
  })
  .strict();
export type BranchUpdate = z.infer<typeof BranchUpdate>;

/** `GET /api/v1/branches` filters. */
export const BranchFilter = PageQuery.extend({
  group_id: z.coerce.number().int().positive().optional(),
  status: EntityStatus.optional(),
});

export const DeviceType = z.enum(['camera', 'nvr', 'edge']);
export type DeviceType = z.infer<typeof DeviceType>;
export const DeviceStatus = z.enum(['online', 'offline', 'maintenance']);
export type DeviceStatus = z.infer<typeof DeviceStatus>;

/** A device's own id, as the device reports it: 1–64 of letters, digits, `.`, `_`, `-`, `:`. */
export const DeviceExternalId = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits, ".", "_", "-" and ":" only');

export const DeviceCreate = z.object({
  device_id: DeviceExternalId,
  device_name: z.string().trim().min(1).max(128),
  device_type: DeviceType,
  branch_id: Id,
  parent_device_id: DeviceExternalId.optional(),
});
export type DeviceCreate = z.infer<typeof DeviceCreate>;

export const Device = z.object({
  id: Id,
  device_id: z.string(),
  device_name: z.string(),
  device_type: DeviceType,
  branch_id: Id,
  parent_device_id: z.string().nullable(),
  status: DeviceStatus,
  last_seen_at: IsoDateTime.nullable(),
  /** Cameras under this device (NVRs); 0 for cameras. */
  child_count: z.int(),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type Device = z.infer<typeof Device>;

/** `PATCH /api/v1/devices/:id` (numeric id): any subset. `device_id` (the device's own id) cannot change. */
export const DeviceUpdate = z
  .object({
    device_name: DeviceCreate.shape.device_name.optional(),
    device_type: DeviceType.optional(),
    /** Moving a camera to another branch moves its streams and deletes its own alert settings (overrides) under the old branch. */
    branch_id: Id.optional(),
    parent_device_id: DeviceExternalId.nullable().optional(),
    /** Only `maintenance` may be set by hand; `online`/`offline` come from heartbeats. */
    status: DeviceStatus.optional(),
  })
  .strict();
export type DeviceUpdate = z.infer<typeof DeviceUpdate>;

/** `GET /api/v1/devices` filters. */
export const DeviceFilter = PageQuery.extend({
  branch_id: z.coerce.number().int().positive().optional(),
  group_id: z.coerce.number().int().positive().optional(),
  device_type: DeviceType.optional(),
  status: DeviceStatus.optional(),
  parent_device_id: DeviceExternalId.optional(),
});

export const StreamProtocol = z.enum(['rtsp', 'hls', 'mpegts', 'flv']);
export const StreamStatus = z.enum(['unknown', 'online', 'offline', 'error']);
export type StreamStatus = z.infer<typeof StreamStatus>;

/** Which of a camera's streams: `main` (full resolution) or `sub` (the substream, for grids). */
export const StreamQuality = z.enum(['main', 'sub']);
export type StreamQuality = z.infer<typeof StreamQuality>;

/**
 * How RTSP media is carried: interleaved in the RTSP connection (`tcp`, the default: one port,
 * through NAT and firewalls, no loss) or as separate RTP/UDP flows (`udp`: some older cameras and
 * NVRs serve only that, and it copes better with a lossy LAN than a stalled TCP window).
 */
export const StreamTransport = z.enum(['tcp', 'udp']);
export type StreamTransport = z.infer<typeof StreamTransport>;

/**
 * Why a stream cannot be read, as the probe or the gateway found it (null when it can):
 * `unauthorized` the camera answered 401/403 (wrong or missing credentials); `not_found` 404
 * (wrong path); `unavailable` 503 or another refusal from a camera that answers (busy, too
 * many clients, rebooting); `unreachable` no answer at all (refused, timed out, no route, name
 * not found); `no_video` it answered but sent no video stream.
 */
export const StreamProblem = z.enum(['unauthorized', 'not_found', 'unavailable', 'unreachable', 'no_video']);
export type StreamProblem = z.infer<typeof StreamProblem>;

/**
 * What one stream (main or sub) of a camera really sends, as ffprobe read it. Codec names are
 * ffprobe's (`h264`, `hevc`, `mjpeg`; audio `aac`, `pcm_alaw` = G.711 A-law, `pcm_mulaw` =
 * G.711 mu-law), profiles too (`High`, `Main`, `Constrained Baseline`).
 */
export const StreamMedia = z.object({
  video_codec: z.string(),
  profile: z.string().nullable(),
  /** px */
  width: z.int(),
  /** px */
  height: z.int(),
  /** Frames per second, 2 decimals; null when the camera does not say. */
  fps: z.number().nullable(),
  /** Video bits per second over the packets the probe read; null when too few were read. */
  bitrate_bps: z.int().nullable(),
  /** null: the stream carries no audio. */
  audio_codec: z.string().nullable(),
  /** Hz */
  audio_sample_rate: z.int().nullable(),
  probed_at: IsoDateTime,
});
export type StreamMedia = z.infer<typeof StreamMedia>;

const StreamUrl = z
  .string()
  .trim()
  .max(1024)
  .refine((u) => /^(rtsp|rtsps|http|https|ws|wss):\/\//i.test(u), 'must be an rtsp(s)://, http(s):// or ws(s):// URL')
  .refine((u) => {
    try {
      new URL(u);
      return true;
    } catch {
      return false;
    }
  }, 'not a valid URL');

export const StreamCreate = z.object({
  branch_id: Id,
  /** The device's own string id (device_masters.device_id) this stream belongs to. */
  device_id: DeviceExternalId,
  stream_name: z.string().trim().min(1).max(128),
  protocol: StreamProtocol.default('rtsp'),
  main_url: StreamUrl,
  sub_url: StreamUrl.optional(),
  username: z.string().max(128).optional(),
  /** Never returned by the API. */
  password: z.string().max(256).optional(),
  resolution: z
    .string()
    .regex(/^\d{2,5}x\d{2,5}$/, 'WIDTHxHEIGHT, e.g. 1920x1080')
    .optional(),
  fps: z.int().min(1).max(240).optional(),
  /** RTSP only; default `tcp`. */
  transport: StreamTransport.default('tcp'),
});
export type StreamCreate = z.input<typeof StreamCreate>;

/** A stream as the API returns it: URLs without credentials, no password. */
export const Stream = z.object({
  id: Id,
  branch_id: Id,
  device_id: z.string(),
  stream_name: z.string(),
  protocol: StreamProtocol,
  main_url: z.string(),
  sub_url: z.string().nullable(),
  has_credentials: z.boolean(),
  transport: StreamTransport,
  /** The main stream's `WxH`: what the probe found once it read it, else what was entered. */
  resolution: z.string().nullable(),
  /** The main stream's frames per second, likewise. */
  fps: z.int().nullable(),
  status: StreamStatus,
  /** Why it cannot be read (with status `offline`), null when it can or nobody has tried. */
  problem: StreamProblem.nullable(),
  /** What each stream really sends (null until probed; `sub` null without a substream). */
  media: z.object({ main: StreamMedia.nullable(), sub: StreamMedia.nullable() }),
  last_checked_at: IsoDateTime.nullable(),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type Stream = z.infer<typeof Stream>;

/** `PATCH /api/v1/streams/:id`: any subset. `password: null` clears it; it is never returned. */
export const StreamUpdate = z
  .object({
    stream_name: StreamCreate.shape.stream_name.optional(),
    protocol: StreamProtocol.optional(),
    main_url: StreamUrl.optional(),
    sub_url: StreamUrl.nullable().optional(),
    username: z.string().max(128).nullable().optional(),
    password: z.string().max(256).nullable().optional(),
    resolution: StreamCreate.shape.resolution.unwrap().nullable().optional(),
    fps: z.int().min(1).max(240).nullable().optional(),
    transport: StreamTransport.optional(),
  })
  .strict();
export type StreamUpdate = z.infer<typeof StreamUpdate>;

/** `GET /api/v1/streams` filters. */
export const StreamFilter = PageQuery.extend({
  branch_id: z.coerce.number().int().positive().optional(),
  device_id: DeviceExternalId.optional(),
  status: StreamStatus.optional(),
});

/** A camera leaf of the camera tree, with its streams. */
export const CameraTreeCamera = z.object({
  device_id: z.string(),
  device_name: z.string(),
  status: DeviceStatus,
  streams: z.array(
    z.object({ id: Id, stream_name: z.string(), status: StreamStatus, problem: StreamProblem.nullable() }),
  ),
});
export type CameraTreeCamera = z.infer<typeof CameraTreeCamera>;

/** One node of the camera tree: group › branch › NVR › camera (`GET /api/v1/camera-tree`). */
export const CameraTreeGroup = z.object({
  id: Id,
  group_name: z.string(),
  province_code: z.string(),
  branches: z.array(
    z.object({
      id: Id,
      branch_name: z.string(),
      branch_code: z.string(),
      timezone: z.string(),
      /** NVRs with their cameras; cameras not under an NVR (or under one outside the scope) follow in `cameras`. */
      nvrs: z.array(
        z.object({
          device_id: z.string(),
          device_name: z.string(),
          status: DeviceStatus,
          cameras: z.array(CameraTreeCamera),
        }),
      ),
      cameras: z.array(CameraTreeCamera),
    }),
  ),
});
export type CameraTreeGroup = z.infer<typeof CameraTreeGroup>;

/**
 * `POST /api/v1/onvif/profiles`: ask an ONVIF camera or NVR (Profile S, Media service) for its
 * media profiles, to fill the stream form. `address`: host, host:port or the device service URL
 * (`http://10.0.0.7/onvif/device_service`); default port 80.
 */
export const OnvifProbeBody = z
  .object({
    address: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .regex(/^(https?:\/\/)?[A-Za-z0-9.\-[\]:]+(:\d{1,5})?(\/\S*)?$/, 'a host, host:port or http(s):// URL'),
    username: z.string().max(128).optional(),
    password: z.string().max(256).optional(),
  })
  .strict();
export type OnvifProbeBody = z.infer<typeof OnvifProbeBody>;

/** One media profile of an ONVIF device, with the RTSP URI it streams (credentials not in it). */
export const OnvifProfile = z.object({
  token: z.string(),
  name: z.string(),
  /** As the device names it in its video encoder configuration: `H264`, `H265`, `JPEG`, `MPEG4`. */
  encoding: z.string().nullable(),
  /** px */
  width: z.int().nullable(),
  height: z.int().nullable(),
  fps: z.number().nullable(),
  bitrate_kbps: z.int().nullable(),
  stream_uri: z.string().nullable(),
});
export type OnvifProfile = z.infer<typeof OnvifProfile>;

/** What the device said, and the stream form's values chosen from it (main = the tallest profile, sub = the smallest). */
export const OnvifProbeResult = z.object({
  manufacturer: z.string().nullable(),
  model: z.string().nullable(),
  firmware_version: z.string().nullable(),
  profiles: z.array(OnvifProfile),
  main_url: z.string().nullable(),
  sub_url: z.string().nullable(),
  /** The main profile's `WxH`, for the form's resolution. */
  resolution: z.string().nullable(),
  fps: z.int().nullable(),
});
export type OnvifProbeResult = z.infer<typeof OnvifProbeResult>;
