/**
 * Add a camera by ONVIF (issue 15): given its address and credentials, ask the device for its
 * media profiles (Profile S: GetCapabilities → Media XAddr, GetProfiles, GetStreamUri per profile)
 * with the `onvif` package (agsh/onvif, the maintained ONVIF client for Node), and choose the
 * stream form's values: the tallest profile as the main stream, the smallest as the substream.
 * Nothing is stored; the admin saves the form (and the stream is then probed like any other).
 *
 * Errors: the device refusing the credentials (SOAP fault `NotAuthorized`, HTTP 401/400 with it)
 * → VALIDATION_ERROR, field `password`, `reason: 'unauthorized'` (the caller is signed in; what
 * was typed is wrong, so not a 401, which the console takes for its own session ending); no answer, not ONVIF, a timeout → UNAVAILABLE, field
 * `address`. The password never appears in an error.
 */
import onvif from 'onvif';
import { PantauError, type OnvifProbeBody, type OnvifProbeResult, type OnvifProfile } from '@pantau/shared';

/** How long the whole conversation may take, ms. */
export const ONVIF_TIMEOUT_MS = 8000;

/** host, port and device-service path of an address (`10.0.0.7`, `10.0.0.7:8080`, `http://10.0.0.7/onvif/device_service`). */
export function onvifTarget(address: string): { hostname: string; port: number; path: string; secure: boolean } {
  const url = new URL(/^https?:\/\//i.test(address) ? address : `http://${address}`);
  const secure = url.protocol === 'https:';
  return {
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : secure ? 443 : 80,
    path: url.pathname && url.pathname !== '/' ? url.pathname : '/onvif/device_service',
    secure,
  };
}

const promised = <T>(run: (cb: (err: Error | null, data: T) => void) => void): Promise<T> =>
  new Promise((resolve, reject) => run((err, data) => (err ? reject(err) : resolve(data))));

/** The error an operator can act on, from what the library threw. */
function explain(err: unknown, password: string | undefined): PantauError {
  let message = err instanceof Error ? err.message : String(err);
  if (password) message = message.split(password).join('***');
  if (/NotAuthorized|not authori[sz]ed|401|Sender not Authorized|authentication/i.test(message))
    return new PantauError('VALIDATION_ERROR', 'the device refused the user name or password', {
      field: 'password',
      reason: 'unauthorized',
    });
  return new PantauError('UNAVAILABLE', `no ONVIF answer from the device: ${message.slice(0, 200)}`, {
    field: 'address',
  });
}

const num = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) && n > 0 ? n : null;
};

/**
 * Ask a device for its profiles and stream URIs.
 * @throws PantauError VALIDATION_ERROR (field `password`, the device refused) or UNAVAILABLE (field `address`)
 */
export async function onvifProfiles(body: OnvifProbeBody, timeoutMs = ONVIF_TIMEOUT_MS): Promise<OnvifProbeResult> {
  const target = onvifTarget(body.address);
  const cam = new onvif.Cam({
    hostname: target.hostname,
    port: target.port,
    path: target.path,
    useSecure: target.secure,
    ...(body.username ? { username: body.username } : {}),
    ...(body.password ? { password: body.password } : {}),
    timeout: timeoutMs,
    autoconnect: false,
    // the address the admin can reach, not the one the device believes it has (NAT, port forwards)
    preserveAddress: true,
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([read(cam), deadline]);
  } catch (err) {
    throw explain(err, body.password);
  } finally {
    clearTimeout(timer);
  }
}

async function read(cam: InstanceType<typeof onvif.Cam>): Promise<OnvifProbeResult> {
  await promised((cb) => cam.connect(cb));
  const info = await promised<{ manufacturer?: string; model?: string; firmwareVersion?: string }>((cb) =>
    cam.getDeviceInformation(cb),
  ).catch(() => ({}) as { manufacturer?: string; model?: string; firmwareVersion?: string });
  const profiles: OnvifProfile[] = [];
  for (const p of cam.profiles ?? []) {
    const enc = p.videoEncoderConfiguration;
    const uri = await promised<{ uri?: string }>((cb) =>
      cam.getStreamUri({ protocol: 'RTSP', profileToken: p.$.token }, cb),
    ).catch(() => ({}) as { uri?: string });
    profiles.push({
      token: p.$.token,
      name: p.name ?? p.$.token,
      encoding: enc?.encoding ?? null,
      width: num(enc?.resolution?.width),
      height: num(enc?.resolution?.height),
      fps: num(enc?.rateControl?.frameRateLimit),
      bitrate_kbps: num(enc?.rateControl?.bitrateLimit),
      stream_uri: typeof uri.uri === 'string' ? stripUserInfo(uri.uri) : null,
    });
  }
  const playable = profiles.filter((p) => p.stream_uri !== null);
  const bySize = [...playable].sort((a, b) => (b.height ?? 0) * (b.width ?? 0) - (a.height ?? 0) * (a.width ?? 0));
  const main = bySize[0] ?? null;
  const sub = bySize.length > 1 ? bySize[bySize.length - 1]! : null;
  return {
    manufacturer: info.manufacturer ?? null,
    model: info.model ?? null,
    firmware_version: info.firmwareVersion ?? null,
    profiles,
    main_url: main?.stream_uri ?? null,
    sub_url: sub?.stream_uri ?? null,
    resolution: main?.width && main.height ? `${main.width}x${main.height}` : null,
    fps: main?.fps ? Math.round(main.fps) : null,
  };
}

/** Devices sometimes put credentials in the URI they answer: the form keeps them apart. */
function stripUserInfo(uri: string): string {
  try {
    const u = new URL(uri);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return uri;
  }
}
