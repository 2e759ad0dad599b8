/**
 * Builds the Fastify application: schemas from packages/shared validate, type and document
 * every route (OpenAPI at `/api/docs`); one error handler makes the envelope.
 */
import { PantauError, ROUTES } from '@pantau/shared';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifyWebsocket from '@fastify/websocket';
import fastifyCors from '@fastify/cors';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Services } from './services/container.js';
import { frameworkErrors, installErrorHandler } from './http/error-handler.js';
import { ConnectionGuard, serverFactory } from './http/http-server.js';
import { installTransportSecurity } from './http/transport-security.js';
import type { TlsIdentity } from './security/tls.js';
import { installAccess, type RouteAccess } from './http/access.js';
import { swaggerOptions } from './http/openapi-document.js';
import { authRoutes } from './routes/auth-routes.js';
import { organisationRoutes } from './routes/organisation-routes.js';
import { deviceApiRoutes } from './routes/device-api-routes.js';
import { eventRoutes } from './routes/event-routes.js';
import { layoutRoutes } from './routes/layout-routes.js';
import { credentialRoutes } from './routes/credential-routes.js';
import { userRoutes } from './routes/user-routes.js';
import { queueRoutes } from './routes/queue-routes.js';
import { gatewaySettingsRoutes } from './routes/gateway-settings-routes.js';
import { notificationRoutes } from './routes/notification-routes.js';
import { webhookRoutes } from './routes/webhook-routes.js';
import { dashboardRoutes } from './routes/dashboard-routes.js';
import { reportRoutes } from './routes/report-routes.js';
import { alarmRoutes } from './routes/alarm-routes.js';
import { alarmRuleRoutes } from './routes/alarm-rule-routes.js';
import { SERVER_VERSION, systemRoutes } from './routes/system-routes.js';
import { RouteRegistrar, tableCoverage } from './http/route.js';
import { deviceAuth } from './http/device-auth.js';
import { mountGateway, type MountedGateway } from './gateway-wiring.js';

/** Origin of the Electron console's pages. */
export const ELECTRON_ORIGIN = 'app://console';

export interface BuiltApp {
  app: FastifyInstance;
  gateway: MountedGateway;
  /** Every route with its declared access (filled as routes register; complete after `ready`). */
  routes: RouteAccess[];
  /** Open connections, caps and refusals of the HTTP server (for /health). */
  connections: ConnectionGuard;
}

/**
 * The HTTP methods the API uses, from the route table (the CORS grant for the Electron console:
 * a preflight for a method not listed fails there, so editing and deleting would).
 */
export function apiMethods(): string[] {
  return [...new Set(['GET', 'HEAD', ...Object.values(ROUTES).map((r) => r.method.toUpperCase())])];
}

/**
 * Create the app (not yet listening).
 * @param s the services
 * @param tls certificate and key: HTTPS and WSS on the port, plain HTTP redirected (null: plain HTTP)
 */
export async function buildApp(s: Services, tls: TlsIdentity | null = null): Promise<BuiltApp> {
  const connections = new ConnectionGuard(s.config.httpLimits, s.config.trustedProxies, tls !== null);
  const app: FastifyInstance = Fastify({
    loggerInstance: s.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1 << 20,
    // X-Forwarded-* only from the configured reverse proxies (config.trustedProxies)
    trustProxy: s.config.trustedProxies.length ? s.config.trustedProxies : false,
    serverFactory: serverFactory(tls, connections),
    // on close, idle keep-alive connections are closed rather than waited for
    forceCloseConnections: 'idle',
    clientErrorHandler: connections.clientErrorHandler,
    frameworkErrors,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  // JSON only: a text/plain body is a wrong content type (415), not a string to validate.
  app.removeContentTypeParser('text/plain');
  const routes = installAccess(app, s.auth);
  installRoleFilter(app, s.config.role);
  await installTransportSecurity(app, tls !== null, connections, s.config.trustedProxies.length > 0);
  app.addHook('onResponse', async (request, reply) => {
    const ms = reply.elapsedTime;
    if (ms > s.config.slowRequestMs)
      request.log.warn(
        { method: request.method, url: request.url, status: reply.statusCode, response_ms: Math.round(ms) },
        'slow request',
      );
    const c = request.credential;
    if (c || request.routeOptions.config?.access === 'device') {
      const len = Number(reply.getHeader('content-length') ?? 0);
      s.requestLog.append({
        time: new Date(Date.now() - ms).toISOString(),
        credential_id: c?.id ?? null,
        api_key: c?.api_key ?? null,
        method: request.method,
        route: request.routeOptions.url ?? request.url.split('?')[0]!,
        status: reply.statusCode,
        response_ms: Math.round(ms * 100) / 100,
        bytes: Number.isFinite(len) ? len : 0,
      });
    }
  });
  await app.register(fastifySwagger, swaggerOptions(SERVER_VERSION));
  // the docs page sends its own CSP over helmet's 'none': scripts from itself only; swagger-ui
  // sets inline styles (the docs page only, no data in it); upgrade-insecure-requests would
  // break it on a plain-HTTP LAN server
  await app.register(fastifySwaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    transformStaticCSP: (header) =>
      header
        .replace('upgrade-insecure-requests;', '')
        .replace("frame-ancestors 'self'", "frame-ancestors 'none'")
        .replace("style-src 'self' https:", "style-src 'self' 'unsafe-inline'"),
  });
  // The Electron console loads its pages from app://console (see apps/desktop/src/main/app-protocol.ts);
  // the browser console is same-origin and needs no CORS.
  // exposedHeaders: the credentials screen's test console shows the rate-limit headers
  await app.register(fastifyCors, {
    origin: [ELECTRON_ORIGIN],
    methods: apiMethods(),
    allowedHeaders: ['authorization', 'content-type', 'x-api-key', 'x-api-secret'],
    exposedHeaders: ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'retry-after'],
    maxAge: 600,
  });
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });

  // every REST route comes from the shared table (packages/shared/src/routes); the server
  // refuses to start when one is missing or registered twice
  const api = new RouteRegistrar(app, (permission) => deviceAuth(s.credentials, permission));
  authRoutes(api, s);
  organisationRoutes(api, s);
  await deviceApiRoutes(app, api, s);
  eventRoutes(api, s);
  layoutRoutes(api, s);
  credentialRoutes(api, s);
  userRoutes(api, s);
  queueRoutes(api, s);
  notificationRoutes(api, s);
  await webhookRoutes(app, api, s);
  alarmRoutes(api, s);
  alarmRuleRoutes(api, s);
  dashboardRoutes(api, s);
  reportRoutes(api, s);
  const gateway = await mountGateway(app, s);
  gatewaySettingsRoutes(api, s, gateway);
  await systemRoutes(app, api, s, gateway, connections);
  app.addHook('onReady', async () => {
    const { missing, duplicated } = tableCoverage(
      ROUTES,
      routes.map((r) => `${r.method} ${r.url}`),
    );
    if (missing.length || duplicated.length) {
      throw new Error(
        `route table mismatch: missing ${missing.join(', ') || 'none'}; duplicated ${duplicated.join(', ') || 'none'}`,
      );
    }
  });
  return { app, gateway, routes, connections };
}

/**
 * Paths a `gateway` process serves (scale mode: HAProxy routes them by stream id): the live
 * video sockets, HLS, and stills. Every role serves `/health`.
 */
const GATEWAY_PATH = /^\/(ws\/streams\/|hls\/streams\/|api\/v1\/streams\/\d+\/still)/;

/**
 * Keep a process to its role (config.role): `worker` answers `/health` only, `gateway` the
 * stream paths and `/health`, `api` everything but the stream paths (they belong to gateway
 * processes; `all` serves both). A request the role does not serve gets 404 NOT_FOUND naming the
 * role, so a misrouted load balancer shows at once.
 */
function installRoleFilter(app: FastifyInstance, role: Services['config']['role']): void {
  if (role === 'all') return;
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0]!;
    if (path === '/health') return;
    const stream = GATEWAY_PATH.test(path);
    if (role === 'api' ? !stream : role === 'gateway' && stream) return;
    throw new PantauError('NOT_FOUND', `this server process runs the ${role} role and does not serve ${path}`, {
      reason: 'role',
    });
  });
}
