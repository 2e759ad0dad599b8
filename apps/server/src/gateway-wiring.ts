import type { FastifyInstance } from 'fastify';
import type { Services } from './services/container.js';
export type MountedGateway = { close(): Promise<void>; stats(): { streams: number; viewers: number } } | null;
export async function mountGateway(_app: FastifyInstance, _s: Services): Promise<MountedGateway> {
  return null;
}
