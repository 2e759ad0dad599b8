/**
 * Integration-test harness: a real server on a random port over a temporary data
 * directory, an admin, a demo branch/device and an API credential.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { WebSocket } from 'ws';
import { ApiClient, parseServerMessage, type Branch, type Device, type ServerMessage } from '@pantau/shared';
import { startServer, type RunningServer } from '../server.js';
import type { ServerConfig } from '../config.js';
import { testDatabaseUrl } from './postgres.js';

export interface Harness {
  server: RunningServer;
  dataDir: string;
  admin: ApiClient;
  device: ApiClient;
  branches: Branch[];
  devices: Device[];
  credential: { key: string; secret: string };
  stop(): Promise<void>;
}

/** A fresh temporary data directory. */
export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'pantau-test-'));
}

/**
 * Start a server with an admin (`admin@test.local` / `admin-password`), groups JKT and JB,
 * branches Jakarta (`branches[0]`) and Bandung (`branches[1]`), cameras cam-1 (Jakarta) and
 * cam-2 (Bandung), and a credential.
 * @param logger where the server logs (default: silent), for tests that read the log
 */
export async function startHarness(over: Partial<ServerConfig> = {}, logger?: pino.Logger): Promise<Harness> {
  const dataDir = over.dataDir ?? tempDataDir();
  const server = await startServer(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      // the PostgreSQL tier (test-support/postgres.ts): one database per data directory
      databaseUrl: testDatabaseUrl(dataDir),
      consoleDir: null,
      logLevel: 'silent',
      ...over,
    },
    // PANTAU_TEST_LOG_LEVEL=error shows what a server in a test logs (the PostgreSQL tier's failures)
    logger ?? pino({ level: process.env.PANTAU_TEST_LOG_LEVEL ?? 'silent' }),
  );
  await server.services.auth
    .createUser({ email: 'admin@test.local', password: 'admin-password', role: 'admin' })
    .catch(() => undefined);
  const admin = new ApiClient({ baseUrl: server.url });
  await admin.login({ email: 'admin@test.local', password: 'admin-password' });
  let branches = sortById(await admin.listBranches());
  if (branches.length === 0) {
    const g1 = await admin.createGroup({ province_code: 'JKT', province_name: 'DKI Jakarta', group_name: 'Jakarta' });
    const g2 = await admin.createGroup({ province_code: 'JB', province_name: 'Jawa Barat', group_name: 'Jawa Barat' });
    await admin.createBranch({ group_id: g1.id, branch_code: 'JKT-01', branch_name: 'Jakarta Pusat', city: 'Jakarta' });
    await admin.createBranch({ group_id: g2.id, branch_code: 'BDG-01', branch_name: 'Bandung Kota', city: 'Bandung' });
    branches = sortById(await admin.listBranches());
    await admin.createDevice({
      device_id: 'cam-1',
      device_name: 'Lobby',
      device_type: 'camera',
      branch_id: branches[0]!.id,
    });
    await admin.createDevice({
      device_id: 'cam-2',
      device_name: 'Gate',
      device_type: 'camera',
      branch_id: branches[1]!.id,
    });
  }
  const devices = await admin.listDevices();
  const c = await admin.createCredential({ credential_name: 'test device' });
  const credential = { key: c.api_key, secret: c.api_secret };
  const device = new ApiClient({ baseUrl: server.url, apiKey: credential });
  return {
    server,
    dataDir,
    admin,
    device,
    branches,
    devices,
    credential,
    stop: () => server.close(),
  };
}

const sortById = <T extends { id: number }>(rows: T[]) => [...rows].sort((a, b) => a.id - b.id);

/** Poll `fn` until it returns a truthy value or `timeoutMs` passes. @throws Error on timeout */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A WebSocket client of `/ws` that records every frame. Each frame is checked against the
 * protocol's schemas (packages/shared/src/realtime.ts), as the console checks them: `events()`
 * and `close()` throw when the server sent one that does not match, so every test that listens
 * also tests the server's frames.
 */
export class WsRecorder {
  readonly frames: ServerMessage[] = [];
  /** Frames off the protocol's schemas, with why. */
  readonly invalid: string[] = [];
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  closeCode: number | null = null;

  constructor(url: string) {
    this.ws = new WebSocket(url.replace(/^http/, 'ws') + '/ws');
    this.ws.on('message', (d) => {
      const text = String(d);
      const parsed = parseServerMessage(text);
      if (!parsed.ok) this.invalid.push(`${parsed.error} in ${text.slice(0, 300)}`);
      this.frames.push(JSON.parse(text) as ServerMessage);
    });
    this.ws.on('close', (code) => (this.closeCode = code));
    this.opened = new Promise((res, rej) => {
      this.ws.once('open', () => res());
      this.ws.once('error', rej);
    });
  }

  send(m: unknown): void {
    this.ws.send(JSON.stringify(m));
  }

  /** @throws Error when a frame was off the protocol's schemas */
  private checkFrames(): void {
    if (this.invalid.length) throw new Error(`server sent frames off the protocol: ${this.invalid.join('; ')}`);
  }

  /** Frames that are events, in arrival order. @throws Error when a frame was off the protocol's schemas */
  events(): Array<Extract<ServerMessage, { id: number }>> {
    this.checkFrames();
    return this.frames.filter(
      (f): f is Extract<ServerMessage, { id: number }> => typeof (f as { id?: unknown }).id === 'number',
    );
  }

  /** @throws Error when a frame was off the protocol's schemas */
  close(): void {
    this.ws.close();
    this.checkFrames();
  }
}
