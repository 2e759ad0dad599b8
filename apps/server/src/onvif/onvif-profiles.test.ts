/**
 * Add by ONVIF against a stand-in that answers as a Profile S camera does (issue 15): the
 * `onvif` package's conversation, the profiles and URIs it reads, wrong credentials and a dead
 * address told apart; and through the API, a stream created from the answer plays as it should.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PantauError } from '@pantau/shared';
import { onvifProfiles, onvifTarget } from './onvif-profiles.js';
import { startOnvifStandIn, type OnvifStandIn } from './test-fixtures/onvif-standin.js';
import { startHarness, waitFor, type Harness } from '../test-support/harness.js';
import { startCameraServer, type CameraServer } from '../simulator/camera-server.js';

let cam: OnvifStandIn;
let rtsp: CameraServer;
let h: Harness;

beforeAll(async () => {
  rtsp = await startCameraServer({ cameras: 1, port: 0 });
  cam = await startOnvifStandIn({
    username: 'admin',
    password: 'Onvif!2026',
    mainUri: rtsp.urls[0]!,
    // devices sometimes put credentials in the URI: they must not reach the form
    subUri: rtsp.subUrls[0]!.replace('rtsp://', 'rtsp://admin:leak@'),
  });
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
  await cam?.close();
  await rtsp?.stop();
});

describe('onvifProfiles', () => {
  it('reads the device, its two profiles and their stream URIs; main is the tallest, sub the smallest', async () => {
    const r = await onvifProfiles({ address: cam.address, username: 'admin', password: 'Onvif!2026' });
    expect(r).toMatchObject({
      manufacturer: 'HIKVISION',
      model: 'DS-2CD2143G2-I',
      firmware_version: 'V5.7.3 build 220112',
      main_url: rtsp.urls[0],
      sub_url: rtsp.subUrls[0],
      resolution: '2560x1440',
      fps: 25,
    });
    expect(r.profiles).toEqual([
      expect.objectContaining({
        token: 'Profile_1',
        name: 'mainStream',
        encoding: 'H264',
        width: 2560,
        height: 1440,
        fps: 25,
        bitrate_kbps: 4096,
      }),
      expect.objectContaining({
        token: 'Profile_2',
        name: 'subStream',
        encoding: 'H264',
        width: 640,
        height: 360,
        fps: 15,
        bitrate_kbps: 512,
      }),
    ]);
    expect(JSON.stringify(r)).not.toContain('leak');
    // the conversation of a Media1 device: capabilities after GetServices is refused
    expect(cam.actions).toEqual(
      expect.arrayContaining(['GetSystemDateAndTime', 'GetServices', 'GetCapabilities', 'GetProfiles', 'GetStreamUri']),
    );
  });

  it('says the credentials are wrong, naming the password field, and never echoes it', async () => {
    const err = await onvifProfiles({ address: cam.address, username: 'admin', password: 'wrong-pass' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PantauError);
    expect(err).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'password', reason: 'unauthorized' } });
    expect((err as Error).message).not.toContain('wrong-pass');
  });

  it('says a dead address does not answer, naming the address field', async () => {
    const err = await onvifProfiles({ address: '127.0.0.1:9' }, 3000).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'UNAVAILABLE', details: { field: 'address' } });
  });

  it('reads host, port and path from any of the forms an admin types', () => {
    expect(onvifTarget('10.0.0.7')).toEqual({
      hostname: '10.0.0.7',
      port: 80,
      path: '/onvif/device_service',
      secure: false,
    });
    expect(onvifTarget('10.0.0.7:8080')).toMatchObject({ port: 8080, path: '/onvif/device_service' });
    expect(onvifTarget('https://cam.local/onvif/device')).toEqual({
      hostname: 'cam.local',
      port: 443,
      path: '/onvif/device',
      secure: true,
    });
  });
});

describe('POST /api/v1/onvif/profiles', () => {
  it('answers the form values to an admin; a stream saved from them is probed and plays', async () => {
    const r = await h.admin.onvifProfiles({ address: cam.address, username: 'admin', password: 'Onvif!2026' });
    expect(r.main_url).toBe(rtsp.urls[0]);
    const s = await h.admin.createStream({
      branch_id: h.branches[0]!.id,
      device_id: 'cam-1',
      stream_name: 'From ONVIF',
      main_url: r.main_url!,
      sub_url: r.sub_url!,
    });
    await waitFor(async () => (await h.admin.getStream(s.id)).media.sub !== null, 15_000, 'probed');
    expect((await h.admin.getStream(s.id)).media.main).toMatchObject({ video_codec: 'h264' });
  });

  it('refuses bad input with the field, and a password the device refused on field password (400, not a 401 of the session)', async () => {
    const bad = await h.admin.onvifProfiles({ address: 'not a host!' }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'address' } });
    const wrong = await h.admin
      .onvifProfiles({ address: cam.address, username: 'admin', password: 'nope' })
      .catch((e: unknown) => e);
    expect(wrong).toMatchObject({
      code: 'VALIDATION_ERROR',
      status: 400,
      details: { field: 'password', reason: 'unauthorized' },
    });
  });
});
