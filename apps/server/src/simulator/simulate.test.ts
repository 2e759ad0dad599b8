import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AlarmRuleCreate,
  AlarmRuleUpdate,
  ApiClient,
  BranchCreate,
  CredentialCreate,
  DetectionLogBody,
  DeviceCreate,
  GroupCreate,
  HeartbeatBody,
  LayoutCreate,
  LoginBody,
  PantauError,
  StreamCreate,
  StreamUpdate,
  WatchlistBody,
  defaultPriorityFor,
} from '@pantau/shared';
import { DEFAULT_RULE } from '../repositories/alarm-rule-repository.js';
import { DEMO_WATCHED_RE_ID } from './demo-alarm-rules.js';
import type { z } from 'zod';
import { planDemoCameras, registerDemoOrganisation } from './demo-organisation.js';
import { startDetectionPoster } from './detection-poster.js';
import { runSimulate, type Simulation } from './simulate.js';
import type { SimulatorLogger } from './simulator-logger.js';

const ADMIN = { email: 'admin@example.test', password: 'correct horse' };

interface Recorded {
  method: string;
  path: string;
  status: number;
  body: unknown;
  at: number;
}

type Row = Record<string, unknown> & { id: number };

/**
 * A tiny in-memory Pantau API on 127.0.0.1: validates every body with the shared schemas,
 * answers the success/failure envelopes with the contract's statuses, and records requests.
 */
class FakePantau {
  readonly requests: Recorded[] = [];
  rows = {
    groups: [] as Row[],
    branches: [] as Row[],
    devices: [] as Row[],
    streams: [] as Row[],
    layouts: [] as Row[],
    credentials: [] as Row[],
    rules: [] as Row[],
    watchlist: [] as Array<Record<string, unknown>>,
  };
  readonly detections: Array<z.infer<typeof DetectionLogBody> & { at: number }> = [];
  /** Device ids of the heartbeats received, in order. */
  readonly heartbeats: string[] = [];
  /** Bodies of `PATCH /api/v1/streams/:id`, with the id. */
  readonly streamPatches: Array<Record<string, unknown>> = [];
  /** Paths whose next GET list answers empty once (to provoke a create that conflicts). */
  readonly hideOnce = new Set<string>();
  private readonly events = new Set<string>();
  private nextId = 1;
  private server: Server | undefined;
  port = 0;

  async listen(port = 0): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server?.listen(port, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }

  posts(path: string): number {
    return this.requests.filter((r) => r.method === 'POST' && r.path === path).length;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    const url = new URL(req.url ?? '/', 'http://x');
    const body: unknown = raw ? JSON.parse(raw) : undefined;
    const send = (status: number, payload: unknown) => {
      this.requests.push({ method: req.method ?? '', path: url.pathname, status, body, at: performance.now() });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    };
    const ok = (status: number, data: unknown) => send(status, { success: true, data });
    const fail = (err: PantauError) => send(err.status, { success: false, error: err.toBody() });
    const parse = <S extends z.ZodType>(schema: S): z.infer<S> => {
      const r = schema.safeParse(body);
      if (!r.success)
        throw new PantauError('VALIDATION_ERROR', r.error.message, { field: r.error.issues[0]?.path.join('.') });
      return r.data;
    };
    const stamp = () => {
      const now = new Date().toISOString();
      return { id: this.nextId++, created_at: now, updated_at: now };
    };
    const list = (name: keyof FakePantau['rows'], filter?: string) => {
      if (this.hideOnce.delete(url.pathname)) return ok(200, []);
      const v = filter ? url.searchParams.get(filter) : null;
      ok(
        200,
        this.rows[name].filter((r) => v === null || String(r[filter as string]) === v),
      );
    };
    const unique = (name: keyof FakePantau['rows'], key: string, value: unknown) => {
      if (this.rows[name].some((r) => r[key] === value))
        throw new PantauError('CONFLICT', `${key} ${String(value)} exists`, { field: key });
    };
    try {
      const route = `${req.method} ${url.pathname}`;
      if (route === 'POST /api/v1/auth/login') {
        const b = parse(LoginBody);
        if (b.email !== ADMIN.email || b.password !== ADMIN.password)
          throw new PantauError('INVALID_CREDENTIALS', 'wrong email or password');
        return ok(200, {
          token: 'tok',
          expires_at: new Date(Date.now() + 3_600_000).toISOString(),
          user: {
            id: 1,
            email: b.email,
            name: 'Admin',
            role: 'admin',
            branch_scope: null,
            status: 'active',
            created_at: new Date().toISOString(),
          },
        });
      }
      if (route === 'POST /api/v1/detection/log') {
        const cred = this.rows.credentials.find(
          (c) => c.api_key === req.headers['x-api-key'] && c.api_secret === req.headers['x-api-secret'],
        );
        if (!cred) throw new PantauError('UNAUTHENTICATED', 'unknown API key');
        const b = parse(DetectionLogBody);
        const device = this.rows.devices.find((d) => d.device_id === b.device_id);
        if (!this.rows.branches.some((r) => r.id === b.branch_id))
          throw new PantauError('UNKNOWN_BRANCH', 'no branch', { field: 'branch_id' });
        if (!device) throw new PantauError('UNKNOWN_DEVICE', 'no device', { field: 'device_id' });
        if (device.branch_id !== b.branch_id)
          throw new PantauError('DEVICE_BRANCH_MISMATCH', 'other branch', { field: 'device_id' });
        const key = `${b.device_id}/${b.event_id}`;
        if (b.event_id && this.events.has(key)) return ok(200, { status: 'duplicate', job_id: 1 });
        this.events.add(key);
        this.detections.push({ ...b, at: performance.now() });
        return ok(202, { status: 'processing', job_id: this.detections.length });
      }
      if (route === 'POST /api/v1/devices/heartbeat') {
        if (
          !this.rows.credentials.some(
            (c) => c.api_key === req.headers['x-api-key'] && c.api_secret === req.headers['x-api-secret'],
          )
        )
          throw new PantauError('UNAUTHENTICATED', 'unknown API key');
        const b = parse(HeartbeatBody);
        if (!this.rows.devices.some((d) => d.device_id === b.device_id))
          throw new PantauError('UNKNOWN_DEVICE', 'no device', { field: 'device_id' });
        this.heartbeats.push(b.device_id);
        return ok(200, { device_id: b.device_id, status: 'online', timeout_s: 60, cameras: [] });
      }
      if (req.headers.authorization !== 'Bearer tok') throw new PantauError('UNAUTHENTICATED', 'sign in first');
      const patchStream = /^PATCH \/api\/v1\/streams\/(\d+)$/.exec(route);
      if (patchStream) {
        const b = parse(StreamUpdate);
        const row = this.rows.streams.find((r) => r.id === Number(patchStream[1]));
        if (!row) throw new PantauError('NOT_FOUND', 'no stream', { field: 'id' });
        const { username, password, ...rest } = b;
        Object.assign(row, rest, { has_credentials: (username ?? null) !== null || (password ?? null) !== null });
        this.streamPatches.push({ id: row.id, ...b });
        return ok(200, row);
      }
      switch (route) {
        case 'GET /api/v1/groups':
          return list('groups');
        case 'POST /api/v1/groups': {
          const b = parse(GroupCreate);
          unique('groups', 'province_code', b.province_code);
          const row = { ...stamp(), address: null, phone: null, email: null, status: 'active', ...b };
          this.rows.groups.push(row);
          return ok(201, row);
        }
        case 'GET /api/v1/branches':
          return list('branches', 'group_id');
        case 'POST /api/v1/branches': {
          const b = parse(BranchCreate);
          unique('branches', 'branch_code', b.branch_code);
          const row = { ...stamp(), address: null, status: 'active', ...b };
          this.rows.branches.push(row);
          // every branch starts with the default alarm rule (migration 018)
          this.rows.rules.push({ ...stamp(), ...DEFAULT_RULE, branch_id: row.id, branch_name: b.branch_name });
          return ok(201, row);
        }
        case 'GET /api/v1/alarm-rules':
          return list('rules', 'branch_id');
        case 'POST /api/v1/alarm-rules': {
          const b = parse(AlarmRuleCreate);
          const row = {
            ...stamp(),
            ...b,
            priority: b.priority ?? defaultPriorityFor(b.condition),
            branch_name: String(this.rows.branches.find((r) => r.id === b.branch_id)?.branch_name),
          };
          this.rows.rules.push(row);
          return ok(201, row);
        }
        case 'GET /api/v1/watchlist':
          return ok(200, this.rows.watchlist);
        case 'GET /api/v1/devices':
          return list('devices', 'branch_id');
        case 'POST /api/v1/devices': {
          const b = parse(DeviceCreate);
          unique('devices', 'device_id', b.device_id);
          const row = { ...stamp(), parent_device_id: null, status: 'offline', last_seen_at: null, ...b };
          this.rows.devices.push(row);
          return ok(201, row);
        }
        case 'GET /api/v1/streams':
          return list('streams', 'branch_id');
        case 'POST /api/v1/streams': {
          const b = parse(StreamCreate);
          const row = {
            ...stamp(),
            ...b,
            sub_url: b.sub_url ?? null,
            has_credentials: b.username !== undefined || b.password !== undefined,
            resolution: null,
            fps: null,
            transport: b.transport ?? 'tcp',
            status: 'unknown',
            problem: null,
            media: { main: null, sub: null },
            last_checked_at: null,
          };
          this.rows.streams.push(row);
          return ok(201, row);
        }
        case 'GET /api/v1/layouts':
          return list('layouts');
        case 'POST /api/v1/layouts': {
          const b = parse(LayoutCreate);
          const row = { ...stamp(), ...b };
          this.rows.layouts.push(row);
          return ok(201, row);
        }
        case 'POST /api/v1/credentials': {
          const b = parse(CredentialCreate);
          const row = {
            ...stamp(),
            credential_name: b.credential_name,
            api_key: `pk_${this.nextId}`,
            api_secret: `sk_${this.nextId}`,
            expires_at: null,
          };
          this.rows.credentials.push(row);
          return ok(201, row);
        }
        default: {
          const patch = /^PATCH \/api\/v1\/alarm-rules\/(\d+)$/.exec(route);
          if (patch) {
            const rule = this.rows.rules.find((r) => r.id === Number(patch[1]));
            if (!rule) throw new PantauError('NOT_FOUND', 'no rule', { field: 'id' });
            Object.assign(rule, parse(AlarmRuleUpdate), { updated_at: new Date(Date.now() + 1).toISOString() });
            return ok(200, rule);
          }
          const watch = /^PUT \/api\/v1\/watchlist\/([^/]+)$/.exec(route);
          if (watch) {
            const row = {
              re_id: decodeURIComponent(watch[1]!),
              ...parse(WatchlistBody),
              added_by: 1,
              added_by_name: 'Admin',
              added_at: new Date().toISOString(),
            };
            this.rows.watchlist = this.rows.watchlist.filter((w) => w.re_id !== row.re_id).concat(row);
            return ok(200, row);
          }
          throw new PantauError('NOT_FOUND', `no route ${route}`);
        }
      }
    } catch (err) {
      fail(err instanceof PantauError ? err : new PantauError('INTERNAL_ERROR', String(err)));
    }
  }
}

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** rtsp-server.py processes of demo cameras started by this test process. */
async function ourRtspServers(): Promise<string[]> {
  const { stdout } = await run('ps', ['-eo', 'pid=,ppid=,args=']);
  return stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(
      (f) =>
        f[1] === String(process.pid) && f.join(' ').includes('rtsp-server.py') && f.join(' ').includes('Bandung Lobby'),
    )
    .map((f) => f.join(' '));
}

function recordingLogger() {
  const lines: Array<{ level: string; msg: string | undefined; obj: object }> = [];
  const at = (level: string) => (obj: object, msg?: string) => lines.push({ level, msg, obj });
  const logger: SimulatorLogger = { info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

let api: FakePantau;
let sim: Simulation | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
  await api?.close();
});

describe('registerDemoOrganisation', () => {
  it('creates the demo organisation once; a second run only adds a credential', async () => {
    api = new FakePantau();
    const baseUrl = await api.listen();
    const client = new ApiClient({ baseUrl });
    await client.login({ email: ADMIN.email, password: ADMIN.password });
    const plan = planDemoCameras(4);
    const urls = plan.map((c) => `rtsp://127.0.0.1:8554/cam${c.index}`);

    const first = await registerDemoOrganisation({ client, plan, urls });
    const created = (p: string) => api.posts(`/api/v1/${p}`);
    expect(['groups', 'branches', 'devices', 'streams', 'layouts', 'credentials'].map(created)).toEqual([
      2, 2, 4, 4, 1, 1,
    ]);
    expect(first.groups.map((g) => [g.province_code, g.province_name])).toEqual([
      ['JK', 'DKI Jakarta'],
      ['JB', 'Jawa Barat'],
    ]);
    expect(first.branches.map((b) => [b.branch_code, b.city, b.timezone])).toEqual([
      ['JKT-01', 'Jakarta', 'Asia/Jakarta'],
      ['BDG-01', 'Bandung', 'Asia/Jakarta'],
    ]);
    expect(first.cameras.map((c) => [c.device_id, c.branch_id, c.url])).toEqual([
      ['cam-jkt-01', first.branches[0]?.id, urls[0]],
      ['cam-jkt-02', first.branches[0]?.id, urls[1]],
      ['cam-bdg-01', first.branches[1]?.id, urls[2]],
      ['cam-bdg-02', first.branches[1]?.id, urls[3]],
    ]);
    expect(api.rows.streams.map((s) => [s.device_id, s.protocol, s.main_url, s.sub_url])).toEqual(
      plan.map((c, i) => [c.device_id, 'rtsp', urls[i], urls[i]]),
    );
    expect(api.rows.devices.every((d) => d.device_type === 'camera')).toBe(true);
    expect(api.requests.find((r) => r.path === '/api/v1/layouts' && r.method === 'POST')?.body).toEqual({
      layout_name: 'Demo wall',
      layout_type: '4',
      live_mode: 'always', // 16 tiles and fewer play live; bigger walls go live on activity
      is_default: true,
      positions: first.cameras.map((c, i) => ({
        position_number: i + 1,
        stream_id: c.stream_id,
        position_name: c.device_name,
        quality: 'sub',
      })),
    });
    expect(first.credential.api_secret).toBeTruthy();

    const before = api.requests.length;
    const second = await registerDemoOrganisation({ client, plan, urls });
    const again = api.requests.slice(before);
    expect(again.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual(['/api/v1/credentials']);
    expect(again.every((r) => r.status < 300)).toBe(true);
    expect(second.cameras).toEqual(first.cameras);
    expect(second.layout.id).toBe(first.layout.id);
    expect(second.credential.api_key).not.toBe(first.credential.api_key);
  });

  it('reuses a row that someone created between its list and its create (409)', async () => {
    api = new FakePantau();
    const client = new ApiClient({ baseUrl: await api.listen() });
    await client.login({ email: ADMIN.email, password: ADMIN.password });
    const plan = planDemoCameras(2);
    const urls = ['rtsp://127.0.0.1:8554/cam1', 'rtsp://127.0.0.1:8554/cam2'];
    await registerDemoOrganisation({ client, plan, urls });
    api.hideOnce.add('/api/v1/groups');
    api.hideOnce.add('/api/v1/devices');
    const again = await registerDemoOrganisation({ client, plan, urls });
    expect(api.requests.filter((r) => r.status === 409).map((r) => r.path)).toEqual([
      '/api/v1/groups',
      '/api/v1/devices',
    ]);
    expect(again.groups.map((g) => g.province_code)).toEqual(['JK', 'JB']);
    expect(api.rows.groups).toHaveLength(2);
  });

  it("moves a stored stream to this run's camera URL, and sets or clears the cameras' credentials", async () => {
    api = new FakePantau();
    const client = new ApiClient({ baseUrl: await api.listen() });
    await client.login({ email: ADMIN.email, password: ADMIN.password });
    const plan = planDemoCameras(1);
    await registerDemoOrganisation({ client, plan, urls: ['rtsp://127.0.0.1:8554/cam1'] });
    expect(api.streamPatches).toEqual([]); // created as this run serves it: nothing to change
    const { logger, lines } = recordingLogger();
    const again = await registerDemoOrganisation({
      client,
      plan,
      urls: ['rtsp://127.0.0.1:9554/cam1'],
      credentials: { username: 'admin', password: 'k@m:1' },
      logger,
    });
    expect(lines.filter((l) => l.level === 'info').map((l) => l.obj)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ stored: 'rtsp://127.0.0.1:8554/cam1', serving: 'rtsp://127.0.0.1:9554/cam1' }),
      ]),
    );
    expect(api.rows.streams[0]).toMatchObject({ main_url: 'rtsp://127.0.0.1:9554/cam1', has_credentials: true });
    expect(api.streamPatches.at(-1)).toMatchObject({ username: 'admin', password: 'k@m:1' });
    expect(again.cameras[0]?.url).toBe('rtsp://127.0.0.1:9554/cam1');
    // a run without --auth clears them again
    await registerDemoOrganisation({ client, plan, urls: ['rtsp://127.0.0.1:9554/cam1'] });
    expect(api.streamPatches.at(-1)).toMatchObject({ username: null, password: null });
    expect(api.rows.streams[0]).toMatchObject({ has_credentials: false });
  });
});

/** Seeded PRNG in [0, 1) (mulberry32), so the draws are the same every run. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('startDetectionPoster over HTTP', () => {
  it('posts at the rate and the same people turn up at both branches', async () => {
    api = new FakePantau();
    const baseUrl = await api.listen();
    const admin = new ApiClient({ baseUrl });
    await admin.login({ email: ADMIN.email, password: ADMIN.password });
    const org = await registerDemoOrganisation({
      client: admin,
      plan: planDemoCameras(4),
      urls: [1, 2, 3, 4].map((i) => `rtsp://127.0.0.1:8554/cam${i}`),
    });
    const device = new ApiClient({
      baseUrl,
      apiKey: { key: org.credential.api_key, secret: org.credential.api_secret },
    });
    const poster = startDetectionPoster({ client: device, targets: org.cameras, rate: 50, random: seeded(42) });
    const t0 = performance.now();
    await sleep(1_300);
    await poster.stop();
    const inWindow = api.detections.filter((d) => d.at >= t0 + 150 && d.at < t0 + 1_150).length;
    expect(inWindow).toBeGreaterThanOrEqual(40); // 50/s over a 1 s window
    expect(inWindow).toBeLessThanOrEqual(60);
    expect(poster.stats()).toMatchObject({ failed: 0, accepted: api.detections.length });
    const branchesOf = new Map<string, Set<number>>();
    for (const d of api.detections) branchesOf.set(d.re_id, (branchesOf.get(d.re_id) ?? new Set()).add(d.branch_id));
    const [jkt, bdg] = org.branches.map((b) => b.id);
    const both = [...branchesOf].filter(([, b]) => b.has(jkt as number) && b.has(bdg as number));
    expect(both.length).toBeGreaterThanOrEqual(5); // ~10 expected from ~65 posts over 40 people
  }, 10_000);
});

describe('runSimulate', () => {
  it('serves the cameras, registers them and posts detections at the rate; a rerun on the same RTSP port creates nothing new', async () => {
    api = new FakePantau();
    const serverUrl = await api.listen();
    const { logger, lines } = recordingLogger();
    sim = await runSimulate({ serverUrl, ...ADMIN, cameras: 4, rate: 10, rtspPort: 0, logger });
    const { port, urls } = sim.cameraServer;
    expect(api.rows.streams.map((s) => s.main_url)).toEqual(urls);
    const t0 = performance.now();
    await sleep(1_500);
    const inWindow = api.detections.filter((d) => d.at >= t0 + 250 && d.at < t0 + 1_250).length;
    expect(inWindow).toBeGreaterThanOrEqual(7); // 10/s over a 1 s window
    expect(inWindow).toBeLessThanOrEqual(13);
    // Playable: the first camera answers over RTSP while detections flow.
    const { stdout } = await run(
      'ffprobe',
      [
        '-v',
        'error',
        '-rtsp_transport',
        'tcp',
        '-show_entries',
        'stream=codec_name,width,height',
        '-of',
        'csv=p=0',
        urls[0] as string,
      ],
      { timeout: 15_000 },
    );
    expect(stdout.trim()).toBe('h264,640,360');
    await sim.stop();
    const stats = sim.stats();
    sim = undefined;
    expect(stats.failed).toBe(0);
    expect(stats.accepted).toBe(api.detections.length);
    // each camera sent its heartbeat at once (the next is 15 s later)
    expect([...api.heartbeats].sort()).toEqual(
      planDemoCameras(4)
        .map((c) => c.device_id)
        .sort(),
    );
    expect(await ourRtspServers()).toEqual([]);
    expect(lines.filter((l) => l.level !== 'info')).toEqual([]);
    // the demo's alarm rules: detections are events; the watchlist and cameras offline raise alarms
    for (const b of api.rows.branches) {
      const rules = api.rows.rules.filter((r) => r.branch_id === b.id);
      expect(rules.map((r) => [r.name, r.enabled, (r.condition as { type: string }).type, r.priority])).toEqual([
        ['Any person', false, 'any_person', 'medium'],
        ['Watchlist', true, 'watchlist', 'critical'],
        ['Camera offline', true, 'camera_offline', 'high'],
      ]);
    }
    expect(api.rows.watchlist.map((w) => w.re_id)).toEqual([DEMO_WATCHED_RE_ID]);

    const before = api.requests.length;
    sim = await runSimulate({ serverUrl, ...ADMIN, cameras: 4, rate: 0, rtspPort: port, logger });
    expect(sim.cameraServer.urls).toEqual(urls);
    expect(
      api.requests
        .slice(before)
        .filter((r) => r.method === 'POST' && r.path !== '/api/v1/devices/heartbeat')
        .map((r) => r.path),
    ).toEqual(['/api/v1/auth/login', '/api/v1/credentials']);
    expect(lines.filter((l) => l.level !== 'info')).toEqual([]);
  }, 40_000);

  it('waits for a server that is still starting', async () => {
    api = new FakePantau();
    await api.listen();
    const port = api.port;
    await api.close();
    setTimeout(() => void api.listen(port), 800);
    sim = await runSimulate({
      serverUrl: `http://127.0.0.1:${port}`,
      ...ADMIN,
      cameras: 1,
      rate: 0,
      rtspPort: 0,
      serverWaitMs: 10_000,
    });
    expect(api.posts('/api/v1/credentials')).toBe(1);
  }, 30_000);

  it('rejects a wrong password and leaves no camera server behind', async () => {
    api = new FakePantau();
    const serverUrl = await api.listen();
    await expect(
      runSimulate({ serverUrl, email: ADMIN.email, password: 'wrong', cameras: 2, rtspPort: 0 }),
    ).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(await ourRtspServers()).toEqual([]);
  }, 30_000);
});
