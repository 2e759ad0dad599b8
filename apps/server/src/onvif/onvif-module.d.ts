/**
 * The part of the `onvif` package (agsh/onvif, plain JavaScript without typings) Pantau uses:
 * a device (`Cam`) that connects (GetSystemDateAndTime, GetServices or GetCapabilities,
 * GetProfiles, GetVideoSources) and answers GetDeviceInformation and GetStreamUri.
 */
declare module 'onvif' {
  interface CamOptions {
    hostname: string;
    port?: number;
    path?: string;
    username?: string;
    password?: string;
    /** ms */
    timeout?: number;
    autoconnect?: boolean;
    /** Use the given hostname and port for every service, whatever the device's XAddrs say (NAT). */
    preserveAddress?: boolean;
    useSecure?: boolean;
  }
  interface Profile {
    $: { token: string };
    name?: string;
    videoEncoderConfiguration?: {
      encoding?: string;
      resolution?: { width?: number; height?: number };
      rateControl?: { frameRateLimit?: number; bitrateLimit?: number };
    };
  }
  type Callback<T> = (err: Error | null, data: T) => void;
  export class Cam {
    constructor(options: CamOptions, callback?: Callback<unknown>);
    profiles: Profile[];
    connect(callback: Callback<unknown>): void;
    getDeviceInformation(callback: Callback<{ manufacturer?: string; model?: string; firmwareVersion?: string }>): void;
    getStreamUri(options: { protocol: string; profileToken: string }, callback: Callback<{ uri?: string }>): void;
  }
  const onvif: { Cam: typeof Cam };
  export default onvif;
}
