/**
 * `pantau simulate`: simulated RTSP cameras, the demo organisation that points at them and
 * a steady stream of detections from them, against a running Pantau server.
 */
import { ApiClient, PantauError } from '@pantau/shared';
import {
  DEFAULT_RTSP_PORT,
  startCameraServer,
  type CameraServer,
  type SimulatedAudio,
  type SimulatedAuth,
  type SimulatedVideoCodec,
} from './camera-server.js';
import { planDemoCameras, registerDemoOrganisation, type DemoOrganisation } from './demo-organisation.js';
import { applyDemoAlarmRules } from './demo-alarm-rules.js';
import { startDetectionPoster, type DetectionPoster, type DetectionPosterStats } from './detection-poster.js';
import { cameraHeartbeats, startHeartbeatSender, type HeartbeatSender } from './heartbeat-sender.js';
import { silentLogger, type SimulatorLogger } from './simulator-logger.js';

export interface SimulateOptions {
  /** Base URL of the Pantau server, e.g. `http://127.0.0.1:8080`. */
  serverUrl: string;
  /** An admin user's sign-in. */
  email: string;
  password: string;
  /** Number of simulated cameras, 1..64 (default 4); past 16 the demo wall goes live on activity. */
  cameras?: number | undefined;
  /** Detections per second over all cameras (default 5; 0 = video only). */
  rate?: number | undefined;
  /** RTSP port of the cameras (default 8554); keep it fixed so stored stream URLs stay valid. 0 = any free port. */
  rtspPort?: number | undefined;
  /** Address the RTSP server listens on and the stream URLs use (default `127.0.0.1`). */
  rtspHost?: string | undefined;
  /** Main-stream picture size, px, and frame rate (default 640×360 at 25 fps). */
  width?: number | undefined;
  height?: number | undefined;
  /** Substream picture size, px (default 320×180): what the wall's tiles play. */
  subWidth?: number | undefined;
  subHeight?: number | undefined;
  fps?: number | undefined;
  /** Camera shapes as they ship (issue 15): main/sub codec, audio on the main stream, RTSP auth. */
  codec?: SimulatedVideoCodec | undefined;
  subCodec?: SimulatedVideoCodec | undefined;
  audio?: SimulatedAudio | undefined;
  /** Cameras ask for these credentials; the demo streams are registered with them. */
  auth?: SimulatedAuth | undefined;
  /** How long to keep retrying sign-in while the server is not reachable yet, ms (default 30 000). */
  serverWaitMs?: number | undefined;
  /** Interval of the progress line with the detection counters, ms (default 10 000; 0 = never). */
  statsIntervalMs?: number | undefined;
  logger?: SimulatorLogger | undefined;
}

export interface Simulation {
  /** The running cameras (`urls[i]` is camera i + 1). */
  cameraServer: CameraServer;
  /** Everything registered, with the ids and this run's API credential. */
  organisation: DemoOrganisation;
  /** Detection counters so far. */
  stats(): DetectionPosterStats;
  /** Stops posting, then the cameras; resolves when both are down. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the cameras, registers the demo organisation through the public API (signing in as
 * `email`, waiting up to `serverWaitMs` for the server to come up), then posts detections
 * at `rate` per second with a fresh API credential.
 * @throws RangeError on bad options; Error when the RTSP server cannot start (names the apt
 *   packages, or says the port is taken); PantauError from the API (INVALID_CREDENTIALS,
 *   FORBIDDEN when not an admin, UNAVAILABLE when the server never answered). The cameras
 *   are stopped again before anything is thrown.
 */
export async function runSimulate(opts: SimulateOptions): Promise<Simulation> {
  const logger = opts.logger ?? silentLogger;
  const cameras = opts.cameras ?? 4;
  const rate = opts.rate ?? 5;
  if (!Number.isFinite(rate) || rate < 0) throw new RangeError(`rate must be ≥ 0 per second, got ${rate}`);
  const plan = planDemoCameras(cameras);

  const cameraServer = await startCameraServer({
    cameras,
    names: plan.map((c) => c.device_name),
    port: opts.rtspPort ?? DEFAULT_RTSP_PORT,
    host: opts.rtspHost,
    width: opts.width,
    height: opts.height,
    subWidth: opts.subWidth,
    subHeight: opts.subHeight,
    fps: opts.fps,
    codec: opts.codec,
    subCodec: opts.subCodec,
    audio: opts.audio,
    auth: opts.auth,
    logger,
  });
  logger.info({ port: cameraServer.port, urls: cameraServer.urls }, 'simulated RTSP cameras ready');

  let organisation: DemoOrganisation;
  let poster: DetectionPoster;
  let heartbeats: HeartbeatSender;
  try {
    const admin = new ApiClient({ baseUrl: opts.serverUrl });
    await signIn(admin, opts.email, opts.password, opts.serverWaitMs ?? 30_000, logger);
    organisation = await registerDemoOrganisation({
      client: admin,
      plan,
      urls: cameraServer.urls,
      subUrls: cameraServer.subUrls,
      credentials: opts.auth ? { username: opts.auth.user, password: opts.auth.password } : undefined,
      logger,
    });
    await applyDemoAlarmRules(admin, organisation.branches, logger);
    const device = new ApiClient({
      baseUrl: opts.serverUrl,
      apiKey: { key: organisation.credential.api_key, secret: organisation.credential.api_secret },
    });
    poster = startDetectionPoster({
      client: device,
      targets: organisation.cameras.map((c) => ({ branch_id: c.branch_id, device_id: c.device_id })),
      rate,
      logger,
    });
    // every 15 s, so the demo fleet shows online on the fleet board
    // a camera switched off (`off N` on stdin) stops sending, as a real one would
    const cameras = organisation.cameras;
    heartbeats = startHeartbeatSender({
      client: device,
      reports: () => cameraHeartbeats(cameras.filter((c) => cameraServer.isOnline(c.index))),
      logger,
    });
  } catch (err) {
    await cameraServer.stop();
    throw err;
  }
  logger.info({ rate, cameras: organisation.cameras.map((c) => c.device_id) }, 'posting simulated detections');

  const statsIntervalMs = opts.statsIntervalMs ?? 10_000;
  const statsTimer =
    statsIntervalMs > 0 && rate > 0
      ? setInterval(() => logger.info({ ...poster.stats() }, 'simulated detections'), statsIntervalMs)
      : undefined;
  statsTimer?.unref();

  let stopped: Promise<void> | undefined;
  return {
    cameraServer,
    organisation,
    stats: () => poster.stats(),
    stop: () => {
      stopped ??= (async () => {
        clearInterval(statsTimer);
        await Promise.all([poster.stop(), heartbeats.stop()]);
        await cameraServer.stop();
        logger.info({ ...poster.stats() }, 'simulator stopped');
      })();
      return stopped;
    },
  };
}

/** Signs in, retrying every 500 ms while the server is unreachable, for up to `waitMs`. */
async function signIn(
  client: ApiClient,
  email: string,
  password: string,
  waitMs: number,
  logger: SimulatorLogger,
): Promise<void> {
  const deadline = Date.now() + waitMs;
  let told = false;
  for (;;) {
    try {
      await client.login({ email: email, password: password });
      return;
    } catch (err) {
      if (!(err instanceof PantauError && err.code === 'UNAVAILABLE') || Date.now() >= deadline) throw err;
      if (!told) logger.info({ err: err.message }, 'waiting for the Pantau server');
      told = true;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
