/**
 * The gateway's transcode settings API (issue 15). Declarations: packages/shared/src/routes/streams.ts.
 * Needs the gateway itself for what runs now and the encoder `auto` resolves to.
 */
import { ROUTES, type GatewaySettings } from '@pantau/shared';
import type { Services } from '../services/container.js';
import type { StreamGateway } from '../gateway/index.js';
import type { GatewaySettingsRow } from '../repositories/gateway-settings-repository.js';
import { callerOf } from '../http/actor.js';
import type { RouteRegistrar } from '../http/route.js';

/** Register `GET|PUT /api/v1/gateway/settings`. */
export function gatewaySettingsRoutes(api: RouteRegistrar, s: Services, gateway: StreamGateway): void {
  const view = async (row: GatewaySettingsRow): Promise<GatewaySettings> => ({
    max_transcodes: row.max_transcodes,
    encoder: row.encoder,
    encoder_in_use: await gateway.encoder(),
    transcodes_running: gateway.transcodes,
    updated_at: row.updated_at,
    updated_by: row.updated_by,
  });
  api.implement(ROUTES.gatewaySettings, () => view(s.gatewaySettings.get()));
  api.implement(ROUTES.updateGatewaySettings, (req) => view(s.gatewaySettings.update(callerOf(req), req.body)));
}
