/**
 * What a stream sends and what is wrong with it, through the whole server (issue 15): a stream is
 * probed the moment it is created or changed (codec, size, audio per quality), a wrong password is
 * recorded as `unauthorized` and broadcast, the gateway's transcode settings are an audited
 * server-wide setting, and the live route negotiates codecs against them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PantauError, type LiveStream } from '@pantau/shared';
import { startHarness, waitFor, WsRecorder, type Harness } from '../test-support/harness.js';
import { startCameraServer, type CameraServer } from '../simulator/camera-server.js';

let h: Harness;
let cams: CameraServer;
const PASSWORD = 'c@m/era:1';

beforeAll(async () => {
  cams = await startCameraServer({
    cameras: 1,
    port: 0,
    codec: 'h265',
    audio: 'pcmu',
    auth: { method: 'basic', user: 'viewer', password: PASSWORD },
  });
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
  await cams?.stop();
});

describe('stream media', () => {
  it('probes a new stream at once: H.265 + G.711 mu-law main, H.264 sub; resolution and fps from the camera', async () => {
    const s = await h.admin.createStream({
      branch_id: h.branches[0]!.id,
      device_id: 'cam-1',
      stream_name: 'Field camera',
      main_url: cams.urls[0]!,
      sub_url: cams.subUrls[0]!,
      username: 'viewer',
      password: PASSWORD,
      resolution: '1920x1080', // what the installer typed; the camera knows better
    });
    expect(s).toMatchObject({ transport: 'tcp', problem: null, media: { main: null, sub: null } });
    const probed = await waitFor(
      async () => {
        const r = await h.admin.getStream(s.id);
        return r.media.sub ? r : undefined;
      },
      15_000,
      'probed media',
    );
    expect(probed.media.main).toMatchObject({ video_codec: 'hevc', width: 640, height: 360, audio_codec: 'pcm_mulaw' });
    expect(probed.media.sub).toMatchObject({ video_codec: 'h264', width: 320, height: 180, audio_codec: null });
    expect(probed).toMatchObject({ status: 'online', resolution: '640x360', fps: 25 });
  });

  it('records a wrong password as unauthorized, broadcast with the status; the camera tree says so too', async () => {
    const ws = new WsRecorder(h.server.url);
    await ws.opened;
    ws.send({ type: 'auth', token: h.admin.token });
    await waitFor(() => ws.frames.find((f) => f.type === 'ready'), 3000, 'ready');
    const s = await h.admin.createStream({
      branch_id: h.branches[0]!.id,
      device_id: 'cam-1',
      stream_name: 'Wrong password',
      main_url: cams.urls[0]!,
      username: 'viewer',
      password: 'nope',
    });
    await waitFor(async () => (await h.admin.getStream(s.id)).problem === 'unauthorized', 15_000, 'problem');
    expect(await h.admin.getStream(s.id)).toMatchObject({ status: 'offline', problem: 'unauthorized' });
    const tree = await h.admin.cameraTree();
    const leaf = tree.flatMap((g) => g.branches.flatMap((b) => b.cameras)).find((c) => c.device_id === 'cam-1');
    expect(leaf?.streams.find((x) => x.id === s.id)).toMatchObject({ problem: 'unauthorized' });
    await waitFor(
      () =>
        ws
          .events()
          .find(
            (e) =>
              e.type === 'stream_status' &&
              (e.data as { stream_id: number; problem?: string }).stream_id === s.id &&
              (e.data as { problem?: string }).problem === 'unauthorized',
          ),
      3000,
      'stream_status with the problem',
    );
    // fixed: the change is probed again, the problem goes
    await h.admin.updateStream(s.id, { password: PASSWORD });
    await waitFor(async () => (await h.admin.getStream(s.id)).problem === null, 15_000, 'problem cleared');
    ws.close();
  });

  it('keeps the transport per stream (UDP as an option) and refuses anything else', async () => {
    const s = await h.admin.createStream({
      branch_id: h.branches[0]!.id,
      device_id: 'cam-1',
      stream_name: 'UDP camera',
      main_url: cams.urls[0]!,
      transport: 'udp',
    });
    expect(s.transport).toBe('udp');
    const err = await h.admin.updateStream(s.id, { transport: 'sctp' as 'udp' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PantauError);
    expect((err as PantauError).details?.field).toBe('transport');
    expect((await h.admin.getStream(s.id)).transport).toBe('udp');
  });
});

describe('gateway settings', () => {
  it('reads the defaults, changes the limit (audited), refuses bad input and applies the limit to the next live request', async () => {
    expect(await h.admin.gatewaySettings()).toMatchObject({
      max_transcodes: 4,
      encoder: 'auto',
      encoder_in_use: expect.stringMatching(/^(libx264|h264_vaapi|h264_nvenc|h264_qsv)$/),
      transcodes_running: 0,
    });
    const bad = await h.admin.updateGatewaySettings({ max_transcodes: 65 }).catch((e: unknown) => e);
    expect((bad as PantauError).code).toBe('VALIDATION_ERROR');
    expect((bad as PantauError).details?.field).toBe('max_transcodes');
    const badEncoder = await h.admin.updateGatewaySettings({ encoder: 'x265' as 'auto' }).catch((e: unknown) => e);
    expect((badEncoder as PantauError).details?.field).toBe('encoder');

    const id = (await h.admin.listStreams({ q: 'Field camera' })).find((x) => x.stream_name === 'Field camera')!.id;
    const ask = (): Promise<LiveStream> => h.admin.liveStream(id, { quality: 'main', codecs: 'h264', height: 360 });
    expect(await ask()).toMatchObject({ quality: 'main', codec: 'hevc', delivery: 'transcode', fallback: null });
    expect(await h.admin.updateGatewaySettings({ max_transcodes: 0 })).toMatchObject({ max_transcodes: 0 });
    expect(await ask()).toMatchObject({ quality: 'sub', codec: 'h264', delivery: 'copy', fallback: 'transcode_limit' });
    expect(await h.admin.liveStream(id, { quality: 'main', codecs: 'h264,hevc' })).toMatchObject({
      delivery: 'copy',
      codec: 'hevc',
    });
    const audit = await h.admin.auditPage({ entity_type: 'gateway_settings' });
    expect(audit.items[0]).toMatchObject({ action: 'update', entity_type: 'gateway_settings' });
    await h.admin.updateGatewaySettings({ max_transcodes: 4 });
  });
});
