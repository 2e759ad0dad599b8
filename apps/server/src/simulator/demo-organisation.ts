/**
 * The demo organisation of `pantau simulate`, registered through the public API only:
 * two groups (DKI Jakarta, Jawa Barat), a branch in Jakarta and one in Bandung, the simulated
 * cameras split between them with one RTSP stream each, a default video-wall layout and a
 * fresh API credential for posting detections.
 *
 * Idempotent: whatever already exists (matched by its unique code or name) is reused, so
 * running the simulator again against the same data directory creates only the credential.
 */
import { PantauError } from '@pantau/shared';
import type { ApiClient, Branch, CredentialCreated, Device, Group, Layout, Stream } from '@pantau/shared';
import type { SimulatorLogger } from './simulator-logger.js';

/** Most cameras the demo lays out on one wall (a 4×4 layout). */
export const MAX_DEMO_CAMERAS = 64;

interface DemoSite {
  group: { province_code: string; province_name: string; group_name: string };
  branch: {
    branch_code: string;
    branch_name: string;
    city: string;
    timezone: string;
    latitude: number;
    longitude: number;
  };
  /** Short code used in device ids, e.g. `jkt` → `cam-jkt-01`. */
  short: string;
}

/** Jakarta first: with an odd number of cameras it gets the extra one. */
const SITES: readonly DemoSite[] = [
  {
    group: { province_code: 'JK', province_name: 'DKI Jakarta', group_name: 'Pantau Demo DKI Jakarta' },
    branch: {
      branch_code: 'JKT-01',
      branch_name: 'Jakarta Sudirman',
      city: 'Jakarta',
      timezone: 'Asia/Jakarta',
      latitude: -6.2088,
      longitude: 106.8456,
    },
    short: 'jkt',
  },
  {
    group: { province_code: 'JB', province_name: 'Jawa Barat', group_name: 'Pantau Demo Jawa Barat' },
    branch: {
      branch_code: 'BDG-01',
      branch_name: 'Bandung Dago',
      city: 'Bandung',
      timezone: 'Asia/Jakarta',
      latitude: -6.9175,
      longitude: 107.6191,
    },
    short: 'bdg',
  },
];

const SPOTS = ['Lobby', 'Main Gate', 'Parking', 'Loading Dock', 'Corridor', 'Cashier', 'Warehouse', 'Rooftop'] as const;

/** Name of the demo's default layout. */
export const DEMO_LAYOUT_NAME = 'Demo wall';

/** One planned camera, before anything is registered. */
export interface DemoCameraPlan {
  /** 1-based position on the wall and in the RTSP server (`/camN`). */
  index: number;
  /** The device's own id, e.g. `cam-jkt-01`. */
  device_id: string;
  /** e.g. `Jakarta Lobby`; also burned into the picture. */
  device_name: string;
  /** Branch code of its site, e.g. `JKT-01`. */
  branch_code: string;
}

/** A registered camera with the ids a detection needs. */
export interface DemoCamera extends DemoCameraPlan {
  /** Numeric id of the camera's branch (its actual branch, if the device already existed). */
  branch_id: number;
  stream_id: number;
  /** The RTSP URL the stream points at. */
  url: string;
}

export interface DemoOrganisation {
  groups: Group[];
  branches: Branch[];
  cameras: DemoCamera[];
  layout: Layout;
  /** Created on this run: the only time its secret is known. */
  credential: CredentialCreated;
}

/**
 * Plans the demo cameras: the first ⌈n/2⌉ in Jakarta, the rest in Bandung, named after a spot
 * of the site. Deterministic, so the same n always gives the same ids and names.
 * @throws RangeError unless 1 ≤ n ≤ {@link MAX_DEMO_CAMERAS}
 */
export function planDemoCameras(n: number): DemoCameraPlan[] {
  if (!Number.isInteger(n) || n < 1 || n > MAX_DEMO_CAMERAS)
    throw new RangeError(`cameras must be 1..${MAX_DEMO_CAMERAS}, got ${n}`);
  const perSite = [Math.ceil(n / 2), Math.floor(n / 2)];
  const plans: DemoCameraPlan[] = [];
  SITES.forEach((site, s) => {
    for (let k = 0; k < (perSite[s] ?? 0); k++) {
      const spot = SPOTS[k] ?? `Camera ${k + 1}`;
      plans.push({
        index: plans.length + 1,
        device_id: `cam-${site.short}-${String(k + 1).padStart(2, '0')}`,
        device_name: `${site.branch.city} ${spot}`,
        branch_code: site.branch.branch_code,
      });
    }
  });
  return plans;
}

/** The smallest fixed layout type holding n tiles: '1', '4', '9', '16', '25', '36' or '64'. */
export function demoLayoutType(n: number): '1' | '4' | '9' | '16' | '25' | '36' | '64' {
  if (n <= 1) return '1';
  if (n <= 4) return '4';
  if (n <= 9) return '9';
  if (n <= 16) return '16';
  if (n <= 25) return '25';
  if (n <= 36) return '36';
  return '64';
}

/** Walls bigger than this go live on activity (stills until something happens): one workstation decodes 16 well. */
export const DEMO_ALWAYS_LIVE_MAX = 16;

export interface RegisterDemoOptions {
  /** Signed-in client of an admin. */
  client: ApiClient;
  /** From {@link planDemoCameras}. */
  plan: DemoCameraPlan[];
  /** RTSP URL of each planned camera's main stream, same order. */
  urls: string[];
  /** RTSP URL of each camera's substream, same order (default: the main stream's). */
  subUrls?: string[] | undefined;
  /** The cameras' RTSP credentials, when they ask for them (stored encrypted with each stream). */
  credentials?: { username: string; password: string } | undefined;
  logger?: Pick<SimulatorLogger, 'info' | 'warn'> | undefined;
}

/**
 * Creates what is missing of the demo organisation and returns all of it with its ids.
 * Existing rows are found by their unique keys (province_code, branch_code, device_id,
 * a stream's device_id, the layout's name). An existing stream whose URLs or credentials differ
 * from this run's cameras is updated to them (logged), so a changed port or `--auth` works.
 * A 409 from a concurrent creator is resolved by listing again.
 * @throws PantauError from the API (e.g. FORBIDDEN when the client is not an admin)
 */
export async function registerDemoOrganisation(opts: RegisterDemoOptions): Promise<DemoOrganisation> {
  const { client, plan, urls, logger } = opts;
  const subUrls = opts.subUrls ?? urls;
  if (urls.length !== plan.length || subUrls.length !== plan.length)
    throw new RangeError(`need ${plan.length} camera URLs, got ${urls.length} and ${subUrls.length} substreams`);
  const sites = SITES.filter((site) => plan.some((c) => c.branch_code === site.branch.branch_code));

  const groups: Group[] = [];
  const branches: Branch[] = [];
  for (const site of sites) {
    const group = await ensure(
      () => client.listGroups(),
      (g) => g.province_code === site.group.province_code,
      () => client.createGroup(site.group),
    );
    groups.push(group);
    const branch = await ensure(
      () => client.listBranches(),
      (b) => b.branch_code === site.branch.branch_code,
      () => client.createBranch({ group_id: group.id, ...site.branch }),
    );
    branches.push(branch);
  }

  const cameras: DemoCamera[] = [];
  for (const [i, cam] of plan.entries()) {
    const url = urls[i] as string;
    const branch = branches.find((b) => b.branch_code === cam.branch_code);
    if (!branch) throw new Error(`no branch ${cam.branch_code} for ${cam.device_id}`);
    const device: Device = await ensure(
      () => client.listDevices(),
      (d) => d.device_id === cam.device_id,
      () =>
        client.createDevice({
          device_id: cam.device_id,
          device_name: cam.device_name,
          device_type: 'camera',
          branch_id: branch.id,
        }),
    );
    if (device.branch_id !== branch.id)
      logger?.warn(
        { device_id: device.device_id, branch_id: device.branch_id },
        'demo camera belongs to another branch; using it there',
      );
    const stream: Stream = await ensure(
      () => client.listStreams({ branch_id: device.branch_id }),
      (s) => s.device_id === cam.device_id,
      () =>
        client.createStream({
          branch_id: device.branch_id,
          device_id: cam.device_id,
          stream_name: cam.device_name,
          protocol: 'rtsp',
          main_url: url,
          sub_url: subUrls[i] as string,
          ...(opts.credentials && opts.credentials),
        }),
    );
    const credentials = opts.credentials;
    // has_credentials says whether any are stored, not which: with --auth they are set every run
    if (stream.main_url !== url || stream.sub_url !== subUrls[i] || credentials || stream.has_credentials) {
      await client.updateStream(stream.id, {
        main_url: url,
        sub_url: subUrls[i] as string,
        username: credentials?.username ?? null,
        password: credentials?.password ?? null,
      });
      if (stream.main_url !== url)
        logger?.info(
          { stream_id: stream.id, stored: stream.main_url, serving: url },
          "demo stream moved to this run's camera",
        );
    }
    cameras.push({ ...cam, branch_id: device.branch_id, stream_id: stream.id, url });
  }

  const layout = await ensure(
    () => client.listLayouts(),
    (l) => l.layout_name === DEMO_LAYOUT_NAME,
    () =>
      client.createLayout({
        layout_name: DEMO_LAYOUT_NAME,
        layout_type: demoLayoutType(cameras.length),
        live_mode: cameras.length > DEMO_ALWAYS_LIVE_MAX ? 'activity' : 'always',
        is_default: true,
        positions: cameras.map((c) => ({
          position_number: c.index,
          stream_id: c.stream_id,
          position_name: c.device_name,
          quality: 'sub',
        })),
      }),
  );

  const credential = await client.createCredential({ credential_name: `pantau simulate ${new Date().toISOString()}` });
  logger?.info(
    {
      groups: groups.length,
      branches: branches.length,
      cameras: cameras.length,
      layout_id: layout.id,
      api_key: credential.api_key,
    },
    'demo organisation ready',
  );
  return { groups, branches, cameras, layout, credential };
}

/**
 * Returns the first listed row matching `match`, else creates it; on a 409 (someone created
 * it meanwhile) lists again.
 */
async function ensure<T>(list: () => Promise<T[]>, match: (row: T) => boolean, create: () => Promise<T>): Promise<T> {
  const existing = (await list()).find(match);
  if (existing) return existing;
  try {
    return await create();
  } catch (err) {
    if (!(err instanceof PantauError && err.code === 'CONFLICT')) throw err;
    const raced = (await list()).find(match);
    if (!raced) throw err;
    return raced;
  }
}
