/**
 * Stream gateway (DESIGN S15): RTSP cameras remuxed to MPEG-TS over WebSocket for mpegts.js,
 * one ffmpeg per active (stream, quality), behind short-lived signed tickets; HLS sources
 * relayed by a proxy for hls.js. Both appear in the gateway's figures.
 * See README.md in this folder for the map and the wiring.
 */
export { StreamGateway, CLOSE_GOING_AWAY } from './stream-gateway.js';
export type {
  AttachRequest,
  GatewaySocket,
  GatewayStats,
  StreamGatewayOptions,
  StreamStats,
  StreamStatusReport,
  ViewerHandle,
} from './stream-gateway.js';
export { gatewayRoutes, LIVE_CLOSE_CODES } from './gateway-routes.js';
export type { GatewayDeps } from './gateway-routes.js';
export { createLiveTicket, verifyLiveTicket, DEFAULT_TICKET_TTL_MS, MIN_TICKET_SECRET_BYTES } from './live-ticket.js';
export type { LiveTicketClaims, LiveTicketError, LiveTicketResult } from './live-ticket.js';
export type { GatewayLogger, StreamSource, StreamStatusListener } from './gateway-types.js';
export type { HlsStats, HlsStatsOptions } from './hls-stats.js';
export type { ViewerState, ViewerStatus } from './stream-session.js';
