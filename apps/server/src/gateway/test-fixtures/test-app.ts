/**
 * Test helper: a small Fastify app with @fastify/websocket, the zod compilers, a minimal error
 * handler and the gateway's routes, listening on a random port of 127.0.0.1. Bearer token
 * `good` is user 7; sources come from a map keyed `<streamId>/<quality>`.
 */
import websocket from '@fastify/websocket';
import Fastify from 'fastify';
import type { FastifyError, FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { WebSocket } from 'ws';
import { PantauError } from '@pantau/shared';
import { gatewayRoutes } from '../gateway-routes.js';
import type { GatewayDeps, ResolvedSource } from '../gateway-routes.js';
import { StreamGateway } from '../stream-gateway.js';
import type { StreamGatewayOptions } from '../stream-gateway.js';

export const TEST_SECRET = Buffer.from('0123456789abcdef0123456789abcdef');
export const TEST_TOKEN = 'good';

export interface TestApp {
  app: FastifyInstance;
  gateway: StreamGateway;
  /** `http://127.0.0.1:<port>` */
  http: string;
  /** `ws://127.0.0.1:<port>` */
  ws: string;
  /** Calls to resolveSource, for assertions. */
  resolved: Array<{ streamId: number; quality: string; userId: number | undefined }>;
  close(): Promise<void>;
}

/** A source of the map: the gateway's, with what a probe found optional (unknown codec by default). */
export type TestSource = Omit<ResolvedSource, 'codec' | 'height' | 'hasSub'> & Partial<ResolvedSource>;

/** Build and start the app. `sources` is read at call time, so tests may change it. */
export async function startTestApp(
  sources: Map<string, TestSource>,
  gatewayOptions: StreamGatewayOptions = {},
  extra: Partial<GatewayDeps> = {},
): Promise<TestApp> {
  const gateway = new StreamGateway(gatewayOptions);
  const app = Fastify({ logger: false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((err: FastifyError | PantauError, _request, reply) => {
    if (err instanceof PantauError) return reply.status(err.status).send({ success: false, error: err.toBody() });
    if ((err as FastifyError).validation) {
      return reply.status(400).send({ success: false, error: { code: 'VALIDATION_ERROR', message: err.message } });
    }
    return reply.status(500).send({ success: false, error: { code: 'INTERNAL_ERROR', message: err.message } });
  });
  await app.register(websocket);
  const resolved: TestApp['resolved'] = [];
  await app.register(gatewayRoutes, {
    gateway,
    ticketSecret: TEST_SECRET,
    authenticate: async (request) => {
      if (request.headers.authorization !== `Bearer ${TEST_TOKEN}`)
        throw new PantauError('UNAUTHENTICATED', 'sign in first');
      return { id: 7 };
    },
    resolveSource: async (streamId, quality, userId) => {
      resolved.push({ streamId, quality, userId });
      const s = sources.get(`${streamId}/${quality}`);
      return s ? { codec: null, height: null, hasSub: sources.has(`${streamId}/sub`), ...s } : null;
    },
    ...extra,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    app,
    gateway,
    http: `http://127.0.0.1:${address.port}`,
    ws: `ws://127.0.0.1:${address.port}`,
    resolved,
    close: async () => {
      await gateway.close();
      await app.close();
    },
  };
}

/** A WebSocket viewer that records what it receives. */
export interface TestViewer {
  socket: WebSocket;
  messages: Buffer[];
  bytes(): number;
  data(): Buffer;
  /** ms from starting to connect to the first message, or null. */
  firstMessageMs: number | null;
  /** Resolves with the close code and reason when the server (or we) close it. */
  closed: Promise<{ code: number; reason: string }>;
}

/** Connect a viewer to `url` (absolute ws:// URL). */
export function openViewer(url: string): TestViewer {
  const started = Date.now();
  const socket = new WebSocket(url);
  const viewer: TestViewer = {
    socket,
    messages: [],
    bytes: () => viewer.messages.reduce((n, m) => n + m.length, 0),
    data: () => Buffer.concat(viewer.messages),
    firstMessageMs: null,
    closed: new Promise((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    ),
  };
  socket.on('error', () => undefined);
  socket.on('message', (data: Buffer) => {
    viewer.firstMessageMs ??= Date.now() - started;
    viewer.messages.push(data);
  });
  return viewer;
}

/** `GET /api/v1/streams/:id/live` as user 7 (or with `token`); returns status and JSON body. */
export async function getLive(
  t: TestApp,
  path: string,
  token: string | null = TEST_TOKEN,
): Promise<{ status: number; body: ApiBody }> {
  const res = await fetch(`${t.http}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: (await res.json()) as ApiBody };
}

/** An envelope as the tests read it. */
export interface ApiBody {
  success: boolean;
  data?: {
    stream_id: number;
    quality: string;
    player: string;
    url: string;
    expires_at: string;
    codec: string | null;
    delivery: string;
    fallback: string | null;
  };
  error?: { code: string; message: string; details?: { field?: string; reason?: string } };
}
