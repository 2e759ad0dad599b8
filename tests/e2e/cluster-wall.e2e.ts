/**
 * The video wall in scale mode (issue 17): `pantau cluster` (PostgreSQL, three server processes,
 * HAProxy terminating TLS and routing each stream by its id), the simulator's cameras, and the
 * console in Chromium through HAProxy over https/wss. The process carrying a tile's stream is
 * killed with `kill -9`: that tile must play again within 5 s (HAProxy sends the stream to
 * another process, the console's player reconnects), the tiles of the other processes keep
 * playing throughout, and the live feed comes back.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  ADMIN,
  ARTIFACTS,
  emptyDataDir,
  freePort,
  httpsJson,
  launchChromium,
  signInConsole,
  spawnCli,
  spkiPin,
  stopAll,
  waitUntil,
} from './support.js';

/** GET JSON trusting `ca` (with a user's token). */
const getJson = (url: string, ca: string, token?: string) => httpsJson(url, ca, token ? { token } : {});

interface ClusterInfo {
  console: string;
  certificate: string;
  processes: Array<{ name: string; role: string; url: string }>;
}

describe('a video wall through HAProxy when the process carrying a stream dies', () => {
  let browser: Browser;
  let info: ClusterInfo;
  let url: string;
  let ca: string;
  let token: string;
  let cluster: ChildProcess;

  beforeAll(async () => {
    const dir = emptyDataDir();
    const port = await freePort();
    cluster = spawnCli(
      [
        'cluster',
        '--processes',
        '3',
        '--port',
        String(port),
        '--dir',
        dir,
        '--admin-email',
        ADMIN.email,
        '--admin-password',
        ADMIN.password,
      ],
      'cluster.log',
    );
    let out = '';
    info = await new Promise<ClusterInfo>((resolve, reject) => {
      cluster.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n').find((l) => l.startsWith('{"console"'));
        if (line) resolve(JSON.parse(line) as ClusterInfo);
      });
      cluster.once('exit', (code) => reject(new Error(`pantau cluster exited ${code}: ${out.slice(-2000)}`)));
    });
    url = new URL(info.console).origin;
    ca = fs.readFileSync(info.certificate, 'utf8');
    const rtspPort = await freePort();
    spawnCli(
      [
        'simulate',
        '--server',
        url,
        '--email',
        ADMIN.email,
        '--password',
        ADMIN.password,
        '--cameras',
        '4',
        '--rate',
        '1',
        '--rtsp-port',
        String(rtspPort),
      ],
      'cluster-simulator.log',
      'ignore',
      { NODE_EXTRA_CA_CERTS: info.certificate },
    );
    const login = (await httpsJson(`${url}/api/v1/auth/login`, ca, { method: 'POST', body: ADMIN }))!.body as {
      data: { token: string };
    };
    token = login.data.token;
    await waitUntil(
      async () => {
        const r = await getJson(`${url}/api/v1/layouts/default`, ca, token);
        return ((r?.body as { data?: { positions?: unknown[] } })?.data?.positions?.length ?? 0) === 4;
      },
      60_000,
      'the demo layout, made by the simulator through HAProxy',
    );
    browser = await launchChromium([spkiPin(ca)]);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stopAll();
  });

  it('plays the killed process’s tile again within 5 s; the other tiles never stop', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await signInConsole(page, url);
    /** Each tile's decoded frames now (a tile whose player was rebuilt counts from 0 again). */
    const frames = () =>
      page.evaluate(() =>
        Object.fromEntries(
          [...document.querySelectorAll('[data-testid^="tile-"]')]
            .filter((t) => /^tile-\d+$/.test(t.getAttribute('data-testid')!))
            .map((t) => {
              const v = t.querySelector('video');
              return [t.getAttribute('data-testid')!, v ? v.getVideoPlaybackQuality().totalVideoFrames : -1];
            }),
        ),
      );
    // every tile decoding
    let seen: Record<string, number> = {};
    await waitUntil(
      async () => {
        const a = await frames();
        await new Promise((r) => setTimeout(r, 500));
        const b = await frames();
        seen = b;
        return Object.keys(b).length === 4 && Object.entries(b).every(([k, n]) => n > 0 && n !== a[k]);
      },
      60_000,
      'four tiles decoding through HAProxy',
    ).catch(async (err: Error) => {
      await page.screenshot({ path: path.join(ARTIFACTS, 'cluster-wall-start.png') });
      throw new Error(`${err.message}: ${JSON.stringify(seen)}`);
    });

    // which process carries which stream
    const layout = (await getJson(`${url}/api/v1/layouts/default`, ca, token))!.body as {
      data: { positions: Array<{ position_number: number; stream_id: number }> };
    };
    const carriers = new Map<number, { url: string; pid: number }>();
    for (const p of info.processes) {
      const health = (await getJson(`${p.url}/health`, ca))!.body as { data: { cluster: { process_id: string } } };
      const pid = Number(health.data.cluster.process_id.split(':')[1]);
      const streams = (await getJson(`${p.url}/api/v1/gateway/streams`, ca, token))!.body as {
        data: Array<{ stream_id: number; viewers: number }>;
      };
      for (const s of streams.data) if (s.viewers > 0) carriers.set(s.stream_id, { url: p.url, pid });
    }
    const byTile = new Map(layout.data.positions.map((p) => [`tile-${p.position_number}`, p.stream_id]));
    expect(carriers.size, 'every stream carried by one process').toBe(4);
    const victim = carriers.get(byTile.get('tile-1')!)!;
    const victimTiles = [...byTile].filter(([, s]) => carriers.get(s)!.pid === victim.pid).map(([t]) => t);
    const otherTiles = [...byTile.keys()].filter((t) => !victimTiles.includes(t));

    // kill -9, then watch every tile every 250 ms for 12 s
    process.kill(victim.pid, 'SIGKILL');
    const killedAt = Date.now();
    let last = await frames();
    const lastMoved = new Map<string, number>([...byTile.keys()].map((t) => [t, killedAt]));
    const longestStill = new Map<string, number>([...byTile.keys()].map((t) => [t, 0]));
    const playingAgainAt = new Map<string, number>();
    while (Date.now() - killedAt < 12_000) {
      await new Promise((r) => setTimeout(r, 250));
      const now = await frames();
      const t = Date.now();
      for (const tile of byTile.keys()) {
        const moved = now[tile]! > 0 && now[tile] !== last[tile];
        if (moved) {
          longestStill.set(tile, Math.max(longestStill.get(tile)!, t - lastMoved.get(tile)!));
          lastMoved.set(tile, t);
          if (!playingAgainAt.has(tile) && t - killedAt > 0) playingAgainAt.set(tile, t);
        }
      }
      last = now;
    }
    await page.screenshot({ path: path.join(ARTIFACTS, 'cluster-wall-after-kill.png') });
    const report = Object.fromEntries(
      [...byTile.keys()].map((tile) => [
        tile,
        {
          victim: victimTiles.includes(tile),
          longest_still_ms: longestStill.get(tile),
          last_moved_ms_ago: Date.now() - lastMoved.get(tile)!,
        },
      ]),
    );
    fs.writeFileSync(path.join(ARTIFACTS, 'cluster-wall-recovery.json'), JSON.stringify(report, null, 2));
    for (const tile of victimTiles) {
      // played again within 5 s of the kill, and kept playing
      expect(longestStill.get(tile)!, `${tile}: ${JSON.stringify(report)}`).toBeLessThanOrEqual(5_000);
      expect(Date.now() - lastMoved.get(tile)!, tile).toBeLessThan(2_000);
    }
    for (const tile of otherTiles) {
      // never stopped (a frame at least every 2 s: the substream's 25 fps, with polling slack)
      expect(longestStill.get(tile)!, `${tile}: ${JSON.stringify(report)}`).toBeLessThan(2_000);
    }
    // the stream moved to a live process
    await waitUntil(
      async () => {
        for (const p of info.processes.filter((p) => p.url !== victim.url)) {
          const s = (await getJson(`${p.url}/api/v1/gateway/streams`, ca, token))?.body as
            { data: Array<{ stream_id: number; viewers: number }> } | undefined;
          if (s?.data.some((x) => x.stream_id === byTile.get(victimTiles[0]!) && x.viewers > 0)) return true;
        }
        return false;
      },
      5_000,
      'the stream on another process',
    );
    expect(cluster.exitCode).toBeNull();
    await page.close();
  }, 120_000);
});
