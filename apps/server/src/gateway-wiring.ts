/**
 * Wires the stream gateway (S15) into the app: live-stream tickets for signed-in users,
 * sources resolved with credentials decrypted only here (for ffmpeg), and upstream state
 * changes broadcast as `stream_status` to the users who may see the stream's branch.
 */
import type { FastifyInstance } from 'fastify';
import type { Services } from './services/container.js';
import { authenticateRequest } from './http/access.js';
import { StreamGateway, gatewayRoutes } from './gateway/index.js';
import { mediaOf } from './repositories/organisation-repository.js';

export type MountedGateway = StreamGateway;

/** Create the gateway and register its routes (it closes with the app). */
export async function mountGateway(app: FastifyInstance, s: Services): Promise<MountedGateway> {
  const gateway = new StreamGateway({
    idleTimeoutMs: s.config.gatewayIdleMs,
    logger: app.log,
    // the upstream's state is the stream's status for the consoles (stream_status)
    onStatus: (st) => s.streamHealth.upstreamChanged(st.stream_id, st.quality, st.state, st.problem ?? null),
    maxTranscodes: () => s.gatewaySettings.get().max_transcodes,
    encoder: () => s.gatewaySettings.get().encoder,
    // a run named another codec than the stream's stored one (new firmware, a swapped camera):
    // probe again, so the next console to open it is told the truth
    onCodec: (streamId, quality, codec) => {
      const row = s.organisation.sourceUrl(streamId, quality, null)?.row;
      if (!row) return;
      const stored = mediaOf(quality === 'sub' && row.sub_url ? row.sub_media : row.main_media);
      if (stored?.video_codec !== codec) void s.streamHealth.probeOne(streamId);
    },
  });
  await app.register(gatewayRoutes, {
    gateway,
    ticketSecret: s.keys.liveTicket,
    authenticate: (req) => authenticateRequest(s.auth, req),
    resolveSource: async (streamId, quality, userId) => {
      const scope = userId === undefined ? null : s.auth.branchScopeOf(userId);
      const src = s.organisation.sourceUrl(streamId, quality, scope);
      if (!src) return null;
      const hasSub = src.row.sub_url !== null;
      const media = mediaOf(quality === 'sub' && hasSub ? src.row.sub_media : src.row.main_media);
      return {
        url: src.url,
        protocol: src.protocol,
        transport: src.transport,
        codec: media?.video_codec ?? null,
        height: media?.height ?? null,
        audioCodec: media?.audio_codec ?? null,
        hasSub,
      };
    },
    probe: (streamId) => s.streamHealth.probeOne(streamId),
  });
  s.streamHealth.watched = () =>
    new Set(
      gateway
        .stats()
        .perStream.filter((p) => p.viewers > 0)
        .map((p) => p.stream_id),
    );
  return gateway;
}
