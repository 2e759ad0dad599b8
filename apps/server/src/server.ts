/**
 * Start and stop a whole server: services, HTTP + WebSocket, worker. Used by `pantau serve`
 * and by integration tests (port 0 = a random free port on 127.0.0.1).
 */
import pino, { type Logger } from 'pino';
import { loadConfig, type ServerConfig } from './config.js';
import { createServices, type Services } from './services/container.js';
import { buildApp } from './app.js';
import { startScheduler } from './services/scheduler.js';
import type { RouteAccess } from './http/access.js';
import { loadTlsIdentity, type TlsIdentity } from './security/tls.js';

export interface RunningServer {
  services: Services;
  /** Every registered route with its declared access (see http/access.ts). */
  routes: RouteAccess[];
  /** e.g. `http://127.0.0.1:43121`, or `https://…` with TLS */
  url: string;
  /** The certificate served, when TLS is on (its fingerprint is what consoles and devices check). */
  tls: TlsIdentity | null;
  port: number;
  close(): Promise<void>;
}

/**
 * Start a server.
 * @param over configuration overrides (see {@link ServerConfig})
 * @param logger default: pino at the configured level on stdout
 * @throws Error when the port is taken or the database cannot be opened
 */
export async function startServer(over: Partial<ServerConfig> = {}, logger?: Logger): Promise<RunningServer> {
  const config = loadConfig(over);
  const log = logger ?? pino({ level: config.logLevel });
  const tls = await loadTlsIdentity(config.tls, config.dataDir);
  const services = await createServices(config, log);
  const { app, gateway, routes } = await buildApp(services, tls);
  // the detection thread runs the accept transactions: up before the first request
  await services.detectionThread?.start();
  await app.listen({ port: config.port, host: config.host });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  // the job worker and the schedule run in the `all` and `worker` roles (scale mode)
  const works = config.role === 'all' || config.role === 'worker';
  if (config.runWorker && works) services.worker.start();
  const url = `${tls ? 'https' : 'http'}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  // joins the servers sharing the database; leads (runs the schedule) when it is the first
  services.cluster.start(url, works);
  services.statsTicker.start();
  // the schedule runs on the leader only (one process of a cluster; on SQLite, this one), and
  // moves to the next leader when this one stops leading
  let schedule: (() => void) | null = null;
  const followLeadership = (leader: boolean) => {
    if (leader && !schedule) schedule = startScheduler(services, log);
    else if (!leader && schedule) {
      schedule();
      schedule = null;
    }
  };
  services.cluster.onLeadership(followLeadership);
  followLeadership(services.cluster.isLeader);
  const stopScheduler = () => followLeadership(false);
  const memoryTimer = setInterval(() => {
    const rss = process.memoryUsage().rss;
    if (rss > config.memoryWarnBytes)
      log.warn({ rss_bytes: rss, threshold_bytes: config.memoryWarnBytes }, 'memory above threshold');
  }, 30_000);
  memoryTimer.unref();
  let closed = false;
  return {
    services,
    routes,
    port,
    tls,
    url,
    async close() {
      if (closed) return;
      closed = true;
      stopScheduler();
      services.cluster.stop();
      services.statsTicker.stop();
      clearInterval(memoryTimer);
      await services.worker.stop();
      await services.detectionThread?.stop();
      await gateway?.close();
      services.hub.close();
      await app.close();
      await services.close();
    },
  };
}
