/**
 * Test helper: a camera's HLS endpoint without video: an HTTP server on 127.0.0.1 that demands
 * HTTP Basic and serves `/live/index.m3u8` (target duration 2 s, segments `seg0.ts`…`seg2.ts`
 * of {@link FakeHlsSource.segmentBytes} bytes each, 0x47-filled). For the proxy's figures,
 * where exact byte counts matter and decoding does not; `failWith` makes it answer an error.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The token in {@link FakeHlsSource.url}'s query (a credential too: it must not show anywhere). */
export const FAKE_HLS_TOKEN = 'tok-9f8e7d';

export interface FakeHlsSource {
  /** The source URL with credentials (and a token in the query), as the database holds it. */
  url: string;
  port: number;
  /** The playlist's exact bytes. */
  playlist: string;
  segmentBytes: number;
  /** When set, every request is answered with this status. */
  failWith: number | null;
  /** Paths requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Start a fake HLS source accepting `user`/`password` (a '@' or space in them is URL-encoded in `url`). */
export async function startFakeHlsSource(
  user = 'viewer',
  password = 'p@ss word',
  segmentBytes = 50_000,
): Promise<FakeHlsSource> {
  const playlist = [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    '#EXT-X-TARGETDURATION:2',
    '#EXT-X-MEDIA-SEQUENCE:0',
    ...[0, 1, 2].flatMap((i) => ['#EXTINF:2.000,', `seg${i}.ts`]),
    '',
  ].join('\n');
  const segment = Buffer.alloc(segmentBytes, 0x47);
  const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    source.requests.push(pathname);
    if (source.failWith !== null) return void res.writeHead(source.failWith).end();
    if (req.headers.authorization !== expected) return void res.writeHead(401).end();
    if (pathname === '/live/index.m3u8')
      return void res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' }).end(playlist);
    if (/^\/live\/seg[0-2]\.ts$/.test(pathname))
      return void res.writeHead(200, { 'content-type': 'video/mp2t' }).end(segment);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const source: FakeHlsSource = {
    url: `http://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/live/index.m3u8?token=${FAKE_HLS_TOKEN}`,
    port,
    playlist,
    segmentBytes,
    failWith: null,
    requests: [],
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return source;
}
