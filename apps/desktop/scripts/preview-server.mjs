#!/usr/bin/env node
/**
 * A stand-in Pantau server for working on the console without the real one: serves the built
 * renderer at /console/, answers sign-in, the default layout, live-stream URLs and the events
 * list, runs /ws (auth → ready, a detection every --rate ms, heartbeats, resume) and plays each
 * stream as MPEG-TS over WebSocket from an ffmpeg test pattern with a burned-in clock.
 *
 *   npm run build -w @pantau/desktop
 *   node apps/desktop/scripts/preview-server.mjs [--port 8090] [--rate 700] [--no-video]
 *   → http://127.0.0.1:8090/console/  (any email, password "pantau")
 *
 * `POST /preview/outage?ms=5000` drops every /ws client and refuses the API and /ws for that
 * long while detections keep coming, to watch the console reconnect and resume.
 * `POST /preview/burst?n=500` sends n detections spread over one second.
 *
 * Not the contract: the real server is apps/server. Keep this in step with packages/shared.
 */
import http from 'node:http';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const PORT = Number(flag('port', '8090'));
const RATE_MS = Number(flag('rate', '700'));
const VIDEO = !args.includes('--no-video');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/renderer');
const TOKEN = 'preview-token';
const now = () => new Date().toISOString();

const user = {
  id: 1,
  email: 'operator@pantau.local',
  name: 'Sari Operator',
  role: 'operator',
  scope_all: true,
  scope_group_ids: [],
  scope_branch_ids: [],
  status: 'active',
  last_login_at: null,
  created_at: now(),
  updated_at: now(),
};
const branches = [
  { id: 1, name: 'Jakarta Pusat' },
  { id: 2, name: 'Bandung Dago' },
];
const cameras = [
  { stream_id: 1, device_id: 'JKT-CAM-01', name: 'Lobby Entrance', branch: branches[0] },
  { stream_id: 2, device_id: 'JKT-CAM-02', name: 'Parking B1', branch: branches[0] },
  { stream_id: 3, device_id: 'BDG-CAM-01', name: 'Main Gate', branch: branches[1] },
  { stream_id: 4, device_id: 'BDG-CAM-02', name: 'Cashier Hall', branch: branches[1] },
];
const layout = {
  id: 1,
  layout_name: 'Default 2×2',
  layout_type: '4',
  is_default: true,
  created_at: now(),
  updated_at: now(),
  positions: cameras.map((c, i) => ({
    position_number: i + 1,
    stream_id: c.stream_id,
    position_name: null,
    quality: 'sub',
    is_enabled: true,
    stream_name: c.name,
    protocol: 'rtsp',
    device_id: c.device_id,
    branch_id: c.branch.id,
    branch_name: c.branch.name,
  })),
};

/** Event log and the outbox of realtime events (ids 1..n). */
const eventLogs = [];
const outbox = [];
let nextLogId = 1;
function makeDetection() {
  const cam = cameras[Math.floor(Math.random() * cameras.length)];
  const ts = now();
  const log = {
    id: nextLogId++,
    event_type: 'detection',
    branch_id: cam.branch.id,
    branch_name: cam.branch.name,
    device_id: cam.device_id,
    device_name: cam.name,
    re_id: `RID-${String(1000 + Math.floor(Math.random() * 40)).padStart(5, '0')}`,
    detected_count: 1 + Math.floor(Math.random() * 3),
    event_timestamp: ts,
    created_at: ts,
    acknowledged_by: null,
    acknowledged_at: null,
  };
  eventLogs.push(log);
  const event = {
    id: outbox.length + 1,
    type: 'detection_update',
    channel: `branch:${cam.branch.id}`,
    ts,
    data: { ...log, person: { total_actual_count: 1, total_detection_branch_count: 1 } },
  };
  outbox.push(event);
  return event;
}
for (let i = 0; i < 40; i++) makeDetection();

const ok = (res, data, status = 200) => send(res, status, { success: true, data });
const fail = (res, status, code, message) => send(res, status, { success: false, error: { code, message } });
function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
const authed = (req) => req.headers.authorization === `Bearer ${TOKEN}`;
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

let outageUntil = 0;
const inOutage = () => Date.now() < outageUntil;

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
  const p = url.pathname;
  if (p === '/preview/outage' && req.method === 'POST') {
    outageUntil = Date.now() + Number(url.searchParams.get('ms') ?? 5000);
    for (const ws of feedClients) ws.terminate();
    return ok(res, { until: new Date(outageUntil).toISOString() });
  }
  if (p === '/preview/burst' && req.method === 'POST') {
    const n = Number(url.searchParams.get('n') ?? 500);
    for (let i = 0; i < n; i++) setTimeout(broadcastDetection, (i * 1000) / n);
    return ok(res, { n });
  }
  if (inOutage() && p.startsWith('/api/')) return fail(res, 503, 'UNAVAILABLE', 'preview outage');
  if (p === '/' || p === '/console') return res.writeHead(302, { location: '/console/' }).end();
  if (p.startsWith('/console/')) {
    const rel = p === '/console/' ? 'index.html' : p.slice('/console/'.length);
    const abs = path.resolve(root, rel);
    if (!abs.startsWith(root)) return fail(res, 403, 'FORBIDDEN', 'no');
    try {
      const body = await readFile(abs);
      res.writeHead(200, { 'content-type': TYPES[path.extname(abs)] ?? 'application/octet-stream' });
      return res.end(body);
    } catch {
      return fail(res, 404, 'NOT_FOUND', 'no such file');
    }
  }
  if (p === '/api/v1/auth/login' && req.method === 'POST') {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = JSON.parse(raw || '{}');
    if (body.password !== 'pantau') return fail(res, 401, 'INVALID_CREDENTIALS', 'wrong email or password');
    return ok(res, {
      token: TOKEN,
      expires_at: new Date(Date.now() + 864e5).toISOString(),
      user: { ...user, email: body.email },
    });
  }
  if (p === '/api/v1/auth/logout') return ok(res, { ok: true });
  if (p === '/api/v1/setup') return ok(res, { needs_setup: false });
  if (!authed(req)) return fail(res, 401, 'UNAUTHENTICATED', 'sign in first');
  if (p === '/api/v1/auth/me') return ok(res, user);
  if (p === '/api/v1/layouts/default') return ok(res, layout);
  if (p === '/api/v1/camera-tree') {
    const tree = branches.map((b) => ({
      id: b.id,
      group_name: b.id === 1 ? 'DKI Jakarta' : 'Jawa Barat',
      province_code: b.id === 1 ? 'JK' : 'JB',
      branches: [
        {
          id: b.id,
          branch_name: b.name,
          branch_code: `B${b.id}`,
          timezone: 'Asia/Jakarta',
          nvrs: [],
          cameras: cameras
            .filter((c) => c.branch === b)
            .map((c) => ({
              device_id: c.device_id,
              device_name: c.name,
              status: 'online',
              streams: [{ id: c.stream_id, stream_name: c.name, status: 'online' }],
            })),
        },
      ],
    }));
    return ok(res, tree);
  }
  const live = p.match(/^\/api\/v1\/streams\/(\d+)\/live$/);
  if (live) {
    const quality = url.searchParams.get('quality') ?? 'sub';
    return ok(res, {
      stream_id: Number(live[1]),
      player: 'mpegts',
      url: `/ws/streams/${live[1]}?quality=${quality}&ticket=t${Date.now()}`,
      expires_at: new Date(Date.now() + 60e3).toISOString(),
    });
  }
  if (p === '/api/v1/events') {
    const limit = Number(url.searchParams.get('limit') ?? 50);
    const before = Number(url.searchParams.get('before_id') ?? Infinity);
    return ok(
      res,
      eventLogs
        .filter((e) => e.id < before)
        .slice(-limit)
        .reverse(),
    );
  }
  return fail(res, 404, 'NOT_FOUND', `no route ${req.method} ${p}`);
});

const wss = new WebSocketServer({ noServer: true });
const feedClients = new Set();
server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (inOutage() && url.pathname === '/ws') return socket.destroy();
  wss.handleUpgrade(req, socket, head, (ws) => {
    if (url.pathname === '/ws') return feedClient(ws);
    const m = url.pathname.match(/^\/ws\/streams\/(\d+)$/);
    if (m) return streamClient(ws, Number(m[1]), url.searchParams.get('quality') ?? 'sub');
    ws.close(1008, 'unknown path');
  });
});

function feedClient(ws) {
  let ready = false;
  ws.on('message', (raw) => {
    const msg = JSON.parse(String(raw));
    if (msg.type === 'auth') {
      if (msg.token !== TOKEN)
        return ws.send(JSON.stringify({ type: 'error', code: 'UNAUTHENTICATED', message: 'bad token' }));
      ready = true;
      feedClients.add(ws);
      ws.send(JSON.stringify({ type: 'ready', last_id: outbox.length, user_id: 1 }));
    } else if (msg.type === 'resume' && ready) {
      const missed = outbox.filter((e) => e.id > msg.since);
      for (const e of missed) ws.send(JSON.stringify(e));
      ws.send(JSON.stringify({ type: 'resumed', since: msg.since, last_id: outbox.length, replayed: missed.length }));
    }
  });
  ws.on('close', () => feedClients.delete(ws));
}

function streamClient(ws, streamId, quality) {
  const cam = cameras.find((c) => c.stream_id === streamId);
  if (!cam || !VIDEO) return ws.close(1011, 'no video');
  const size = quality === 'main' ? '1280x720' : '640x360';
  const text = `${cam.name} ${quality}  %{localtime}`;
  const ff = spawn(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-re',
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=${size}:rate=25`,
      '-vf',
      `drawtext=fontfile=/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf:text='${text}':x=20:y=h-60:fontsize=28:fontcolor=white:box=1:boxcolor=black@0.6`,
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-tune',
      'zerolatency',
      '-g',
      '25',
      '-keyint_min',
      '25',
      '-sc_threshold',
      '0',
      '-f',
      'mpegts',
      'pipe:1',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  ff.stdout.on('data', (chunk) => {
    if (ws.readyState === ws.OPEN && ws.bufferedAmount < 4 * 1024 * 1024) ws.send(chunk);
  });
  ff.on('exit', () => ws.close());
  ws.on('close', () => ff.kill('SIGKILL'));
}

function broadcastDetection() {
  const frame = JSON.stringify(makeDetection());
  for (const ws of feedClients) ws.send(frame);
}
setInterval(broadcastDetection, RATE_MS);
setInterval(() => {
  for (const ws of feedClients) ws.send(JSON.stringify({ type: 'heartbeat', ts: now(), last_id: outbox.length }));
}, 10_000);

server.listen(PORT, '127.0.0.1', () =>
  console.log(`preview server on http://127.0.0.1:${PORT}/console/ (password "pantau")`),
);
