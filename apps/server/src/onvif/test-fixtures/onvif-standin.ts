/**
 * Test stand-in for an ONVIF camera (Profile S): an HTTP server on 127.0.0.1 answering SOAP 1.2
 * requests of the device and media services with responses shaped after the examples of the
 * ONVIF specifications (Core Specification §8 "Device management": GetSystemDateAndTime,
 * GetCapabilities, GetDeviceInformation; Media Service Specification §5: GetProfiles,
 * GetVideoSources, GetStreamUri), as a Hikvision-style camera answers them: a main and a sub
 * profile, H.264, streams at `/Streaming/Channels/101` and `/102`. GetServices answers the
 * `ActionNotSupported` fault an older (Media1-only) camera gives, so clients fall back to
 * GetCapabilities. Every request but GetSystemDateAndTime needs a WS-Security UsernameToken whose
 * PasswordDigest = Base64(SHA-1(nonce + created + password)) (ONVIF Core §5.12.2); else the
 * `NotAuthorized` fault with HTTP 400, as the specification's error handling says.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Options of the stand-in. */
export interface OnvifStandInOptions {
  username: string;
  password: string;
  /** RTSP URIs answered by GetStreamUri for the main and sub profile. */
  mainUri: string;
  subUri: string;
}

/** A running stand-in. */
export interface OnvifStandIn {
  /** `127.0.0.1:<port>` */
  address: string;
  /** SOAP actions received, in order (e.g. `GetCapabilities`). */
  actions: string[];
  close(): Promise<void>;
}

const NS = `xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tt="http://www.onvif.org/ver10/schema" xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:trt="http://www.onvif.org/ver10/media/wsdl" xmlns:ter="http://www.onvif.org/ver10/error"`;

const envelope = (body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><s:Envelope ${NS}><s:Body>${body}</s:Body></s:Envelope>`;

const fault = (subcode: string, reason: string) =>
  envelope(
    `<s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>ter:${subcode}</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="en">${reason}</s:Text></s:Reason></s:Fault>`,
  );

/** Core §8.3.10 example shape. */
function systemDateAndTime(now: Date): string {
  return envelope(`<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime>
<tt:DateTimeType>NTP</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings>
<tt:TimeZone><tt:TZ>WIB-7</tt:TZ></tt:TimeZone>
<tt:UTCDateTime><tt:Time><tt:Hour>${now.getUTCHours()}</tt:Hour><tt:Minute>${now.getUTCMinutes()}</tt:Minute><tt:Second>${now.getUTCSeconds()}</tt:Second></tt:Time>
<tt:Date><tt:Year>${now.getUTCFullYear()}</tt:Year><tt:Month>${now.getUTCMonth() + 1}</tt:Month><tt:Day>${now.getUTCDate()}</tt:Day></tt:Date></tt:UTCDateTime>
</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`);
}

/** Core §8.1.2.7 example shape (Device, Media with streaming capabilities). */
function capabilities(base: string): string {
  return envelope(`<tds:GetCapabilitiesResponse><tds:Capabilities>
<tt:Device><tt:XAddr>${base}/onvif/device_service</tt:XAddr>
<tt:System><tt:DiscoveryResolve>false</tt:DiscoveryResolve><tt:DiscoveryBye>true</tt:DiscoveryBye><tt:RemoteDiscovery>false</tt:RemoteDiscovery><tt:SystemBackup>false</tt:SystemBackup><tt:SystemLogging>true</tt:SystemLogging><tt:FirmwareUpgrade>true</tt:FirmwareUpgrade>
<tt:SupportedVersions><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tt:SupportedVersions></tt:System></tt:Device>
<tt:Media><tt:XAddr>${base}/onvif/Media</tt:XAddr>
<tt:StreamingCapabilities><tt:RTPMulticast>true</tt:RTPMulticast><tt:RTP_TCP>true</tt:RTP_TCP><tt:RTP_RTSP_TCP>true</tt:RTP_RTSP_TCP></tt:StreamingCapabilities></tt:Media>
</tds:Capabilities></tds:GetCapabilitiesResponse>`);
}

const deviceInformation = envelope(`<tds:GetDeviceInformationResponse>
<tds:Manufacturer>HIKVISION</tds:Manufacturer><tds:Model>DS-2CD2143G2-I</tds:Model>
<tds:FirmwareVersion>V5.7.3 build 220112</tds:FirmwareVersion><tds:SerialNumber>DS-2CD2143G2-I20220101AAWRJ12345678</tds:SerialNumber>
<tds:HardwareId>88</tds:HardwareId></tds:GetDeviceInformationResponse>`);

/** Media §5.2.2 example shape: two profiles on one video source. */
function profile(
  token: string,
  name: string,
  encToken: string,
  w: number,
  h: number,
  fps: number,
  kbps: number,
): string {
  return `<trt:Profiles token="${token}" fixed="true"><tt:Name>${name}</tt:Name>
<tt:VideoSourceConfiguration token="VideoSourceToken"><tt:Name>VideoSourceConfig</tt:Name><tt:UseCount>2</tt:UseCount><tt:SourceToken>VideoSource_1</tt:SourceToken><tt:Bounds x="0" y="0" width="2560" height="1440"/></tt:VideoSourceConfiguration>
<tt:VideoEncoderConfiguration token="${encToken}"><tt:Name>${name}</tt:Name><tt:UseCount>1</tt:UseCount><tt:Encoding>H264</tt:Encoding>
<tt:Resolution><tt:Width>${w}</tt:Width><tt:Height>${h}</tt:Height></tt:Resolution><tt:Quality>3</tt:Quality>
<tt:RateControl><tt:FrameRateLimit>${fps}</tt:FrameRateLimit><tt:EncodingInterval>1</tt:EncodingInterval><tt:BitrateLimit>${kbps}</tt:BitrateLimit></tt:RateControl>
<tt:H264><tt:GovLength>${fps * 2}</tt:GovLength><tt:H264Profile>Main</tt:H264Profile></tt:H264>
<tt:Multicast><tt:Address><tt:Type>IPv4</tt:Type><tt:IPv4Address>0.0.0.0</tt:IPv4Address></tt:Address><tt:Port>8860</tt:Port><tt:TTL>128</tt:TTL><tt:AutoStart>false</tt:AutoStart></tt:Multicast>
<tt:SessionTimeout>PT5S</tt:SessionTimeout></tt:VideoEncoderConfiguration></trt:Profiles>`;
}

const profiles = envelope(
  `<trt:GetProfilesResponse>${profile('Profile_1', 'mainStream', 'VideoEncoderToken_1', 2560, 1440, 25, 4096)}${profile('Profile_2', 'subStream', 'VideoEncoderToken_2', 640, 360, 15, 512)}</trt:GetProfilesResponse>`,
);

const videoSources = envelope(`<trt:GetVideoSourcesResponse><trt:VideoSources token="VideoSource_1">
<tt:Framerate>25</tt:Framerate><tt:Resolution><tt:Width>2560</tt:Width><tt:Height>1440</tt:Height></tt:Resolution>
</trt:VideoSources></trt:GetVideoSourcesResponse>`);

/** Media §5.15.1 example shape. */
const streamUri = (uri: string) =>
  envelope(`<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>${uri}</tt:Uri>
<tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT60S</tt:Timeout>
</trt:MediaUri></trt:GetStreamUriResponse>`);

const tag = (xml: string, name: string): string | null =>
  new RegExp(`<(?:\\w+:)?${name}[^>]*>([^<]*)</(?:\\w+:)?${name}>`).exec(xml)?.[1] ?? null;

/** Whether the request carries a UsernameToken digest of `password` for `username`. */
function authorised(xml: string, username: string, password: string): boolean {
  const user = tag(xml, 'Username');
  const digest = tag(xml, 'Password');
  const nonce = tag(xml, 'Nonce');
  const created = tag(xml, 'Created');
  if (user !== username || !digest || !nonce || !created) return false;
  const expected = createHash('sha1')
    .update(Buffer.concat([Buffer.from(nonce, 'base64'), Buffer.from(created), Buffer.from(password)]))
    .digest('base64');
  return expected === digest;
}

/** Start the stand-in on a free port of 127.0.0.1. */
export async function startOnvifStandIn(o: OnvifStandInOptions): Promise<OnvifStandIn> {
  const actions: string[] = [];
  let base = '';
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const action = /<s:Body[^>]*>\s*<(?:\w+:)?(\w+)/.exec(body)?.[1] ?? 'unknown';
      actions.push(action);
      const send = (status: number, xml: string) => {
        res.writeHead(status, { 'content-type': 'application/soap+xml; charset=utf-8' });
        res.end(xml);
      };
      if (action === 'GetSystemDateAndTime') return send(200, systemDateAndTime(new Date()));
      if (!authorised(body, o.username, o.password)) return send(400, fault('NotAuthorized', 'Sender not Authorized'));
      switch (action) {
        case 'GetServices':
          return send(400, fault('ActionNotSupported', 'Optional Action Not Implemented'));
        case 'GetCapabilities':
          return send(200, capabilities(base));
        case 'GetDeviceInformation':
          return send(200, deviceInformation);
        case 'GetProfiles':
          return send(200, profiles);
        case 'GetVideoSources':
          return send(200, videoSources);
        case 'GetStreamUri':
          return send(200, streamUri(tag(body, 'ProfileToken') === 'Profile_2' ? o.subUri : o.mainUri));
        default:
          return send(400, fault('ActionNotSupported', `${action} not implemented`));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  return {
    address: `127.0.0.1:${port}`,
    actions,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
