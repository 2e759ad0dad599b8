/**
 * The stream gateway's API (S15): where to play a stream (a WebSocket or HLS URL with a
 * short-lived ticket, never camera credentials) and what the gateway carries now. The player
 * endpoints themselves (`/ws/streams/:id`, `/hls/streams/…`) take tickets, not API calls, and are
 * not part of this table.
 */
import { z } from 'zod';
import { IdParams } from '../schemas/common.js';
import { GatewaySettings, GatewaySettingsUpdate, GatewayStream } from '../schemas/gateway.js';
import { LiveStream, LiveStreamQuery, StillQuery } from '../schemas/layouts.js';
import { defineRoute } from './route.js';

export const streamRoutes = {
  liveStream: defineRoute({
    errors: [503],
    method: 'GET',
    path: '/api/v1/streams/:id/live',
    access: 'read',
    tags: ['streams'],
    summary: 'Where to play a stream live',
    description:
      'Where to play a stream: a WebSocket URL with a short-lived ticket (never camera credentials)' +
      '\n\n' +
      'Connect mpegts.js to `url` (`type: mpegts`, `isLive: true`) before `expires_at`. The socket carries binary MPEG-TS ' +
      'starting at the last key frame. Refusals close it with 4400 (bad request), 4401 (ticket), 4404 (stream), ' +
      '4408 (viewer too slow, reconnect), 4429 (transcode limit reached) or 1001 (server going away). ' +
      'Say which codecs the player decodes in `codecs` (default `h264`): a camera sending another one is transcoded ' +
      'to H.264 (`delivery: transcode`), scaled to `height`. When the transcode limit is reached, a main stream falls ' +
      'back to the substream (`fallback: transcode_limit`), else the answer is 503 UNAVAILABLE with field `codecs`.',
    params: IdParams,
    query: LiveStreamQuery,
    data: LiveStream,
  }),
  /** A still frame; answers with the JPEG, not an envelope. */
  streamStill: defineRoute({
    produces: ['image/jpeg'],
    method: 'GET',
    path: '/api/v1/streams/:id/still',
    access: 'read',
    tags: ['streams'],
    summary: 'A still of a stream (JPEG)',
    description:
      "A JPEG of the stream's latest key frame, for tiles that are not live (walls that go live on activity)" +
      '\n\n' +
      'Decoded from the key frame the gateway holds (it keeps pulling the stream while stills are asked for, so asking ' +
      'every few seconds costs one remux per camera). `x-still-at` says when it was decoded. 503 UNAVAILABLE when the ' +
      'camera sent no key frame within 1.5 s (its stream goes on starting: ask again in a second), with `details.problem` ' +
      'when the gateway knows why it cannot be read, and for HLS sources.',
    params: IdParams,
    query: StillQuery,
    errors: [404, 503],
  }),
  /** What the stream gateway is pulling now (streams in the caller's scope), with viewers, bitrate and uptime. */
  gatewayStreams: defineRoute({
    method: 'GET',
    path: '/api/v1/gateway/streams',
    access: 'read',
    tags: ['streams'],
    summary: 'What the stream gateway carries now',
    description:
      'What the stream gateway carries now: viewers, bitrate and uptime per stream and quality (streams in your scope)' +
      '\n\n' +
      '`protocol: rtsp` streams are pulled by one ffmpeg each and played over the WebSocket; their viewers are attached sockets. ' +
      '`protocol: hls` streams are relayed by the HLS proxy; their viewers are players that fetched the playlist within the last ' +
      '10 s (or 3 target durations, if longer), and their restarts count failed fetches from the source.',
    data: z.array(GatewayStream),
  }),
  gatewaySettings: defineRoute({
    method: 'GET',
    path: '/api/v1/gateway/settings',
    access: 'admin',
    tags: ['streams'],
    summary: "The stream gateway's settings",
    description: "The stream gateway's transcode limit and encoder, and the transcodes running now",
    data: GatewaySettings,
  }),
  updateGatewaySettings: defineRoute({
    method: 'PUT',
    path: '/api/v1/gateway/settings',
    access: 'user-admin',
    tags: ['streams'],
    summary: "Update the stream gateway's settings",
    description: 'Set the transcode limit or encoder (audited; running transcodes keep theirs until they restart)',
    body: GatewaySettingsUpdate,
    data: GatewaySettings,
  }),
};
