/**
 * Stream health probes (issue 4) against a real simulated RTSP camera: a readable stream is
 * recorded online with its resolution and fps; an unreachable one offline, broadcast as
 * `stream_status`; no ffprobe is left running.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, waitFor, WsRecorder, type Harness } from '../test-support/harness.js';
import { startCameraServer, type CameraServer } from '../simulator/camera-server.js';
import { probeStream } from '../gateway/stream-probe.js';

let h: Harness;
let cams: CameraServer;
beforeAll(async () => {
  cams = await startCameraServer({ cameras: 1, port: 0 });
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
  await cams?.stop();
});

describe('stream health', () => {
  it('probes a live RTSP camera: H.264 640x360 at 25 fps, in well under the timeout', async () => {
    const r = await probeStream(cams.urls[0]!, 10_000);
    expect(r).toMatchObject({ ok: true, width: 640, height: 360, fps: 25, codec: 'h264' });
    expect(r.elapsedMs).toBeLessThan(5000);
  });

  it('records online and offline streams and broadcasts the change', async () => {
    const b1 = h.branches[0]!.id;
    const live = await h.admin.createStream({
      branch_id: b1,
      device_id: 'cam-1',
      stream_name: 'Live',
      main_url: cams.urls[0]!,
    });
    const dead = await h.admin.createStream({
      branch_id: b1,
      device_id: 'cam-1',
      stream_name: 'Dead',
      main_url: 'rtsp://user:secret@127.0.0.1:9/nothing',
    });
    const ws = new WsRecorder(h.server.url);
    await ws.opened;
    ws.send({ type: 'auth', token: h.admin.token });
    await waitFor(() => ws.frames.find((f) => f.type === 'ready'), 3000, 'ready');
    const results = await h.server.services.streamHealth.probeAll();
    expect(results.get(live.id)).toMatchObject({ ok: true });
    expect(results.get(dead.id)).toMatchObject({ ok: false });
    expect(results.get(dead.id)!.error).not.toContain('secret');
    expect(await h.admin.getStream(live.id)).toMatchObject({
      status: 'online',
      resolution: '640x360',
      fps: 25,
      last_checked_at: expect.any(String),
    });
    expect(await h.admin.getStream(dead.id)).toMatchObject({ status: 'offline', last_checked_at: expect.any(String) });
    await waitFor(
      () => ws.events().filter((e) => e.type === 'stream_status').length >= 2,
      3000,
      'stream_status events',
    );
    const statuses = ws
      .events()
      .filter((e) => e.type === 'stream_status')
      .map((e) => e.data as { stream_id: number; status: string; source: string });
    expect(statuses).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ stream_id: dead.id, status: 'offline', source: 'probe' }),
        expect.objectContaining({ stream_id: live.id, status: 'online' }),
      ]),
    );
    // a second round with no change broadcasts nothing new
    const before = ws.events().length;
    await h.server.services.streamHealth.probeAll();
    await new Promise((r) => setTimeout(r, 300));
    expect(ws.events().length).toBe(before);
    ws.close();
    // no probe of this server left running: its children only (other test files run their own
    // ffprobe meanwhile, which a machine-wide pgrep counted: a flaky check)
    expect(
      execFileSync('sh', ['-c', `pgrep -P ${process.pid} -f "^ffprobe .*127.0.0.1" || true`], {
        encoding: 'utf8',
      }).trim(),
    ).toBe('');
  });
});
