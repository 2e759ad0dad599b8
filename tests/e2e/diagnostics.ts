/**
 * What an end-to-end failure on a wall should say about itself: a CI run keeps only the
 * test's output, not the browser or the logs, so a wait that times out puts the state of the
 * tiles, the gateway, the server's warnings and the machine into its error message.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { ApiClient } from '@pantau/shared';
import { ARTIFACTS } from './support.js';

/** Tiles grouped by `status: overlay text` with a count each, e.g. `12× live; 4× offline: Camera not answering since 10:02`. */
export async function tileSummary(page: Page): Promise<string> {
  const rows = await page
    .$$eval('[data-testid^="tile-"][data-position]', (els) =>
      els.map((el) => {
        const overlay = el.querySelector('[data-testid="error-overlay"]');
        const text = (overlay?.textContent ?? '').replace(/\s+/g, ' ').trim();
        return `${(el as HTMLElement).dataset.status ?? '?'}${text ? `: ${text}` : ''}`;
      }),
    )
    .catch((err: unknown) => [
      `(tiles unreadable: ${err instanceof Error ? err.message.split('\n')[0] : String(err)})`,
    ]);
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n}× ${k}`).join('; ') || '(no tiles)';
}

/**
 * The last `n` lines of an artifacts log at warn level or above (pino level ≥ 40) written at or
 * after `sinceMs` (epoch ms; the logs are shared by every test file of a run), or plain text lines.
 */
export function logTail(name: string, n: number, sinceMs = 0): string[] {
  let text: string;
  try {
    text = fs.readFileSync(path.join(ARTIFACTS, name), 'utf8');
  } catch {
    return [`(${name} missing)`];
  }
  const lines = text.split('\n').filter((l) => {
    if (!l.startsWith('{')) return l.trim() !== '';
    const level = /"level":(\d+)/.exec(l);
    const time = /"time":(\d+)/.exec(l);
    return level !== null && Number(level[1]) >= 40 && (time === null || Number(time[1]) >= sinceMs);
  });
  return lines.slice(-n).map((l) => l.replace(/"(hostname|pid|time)":[^,]*,/g, '').slice(0, 300));
}

/** Load, cores, free memory, /dev/shm and the open-file limit of this process. */
export function machineSummary(): string {
  let shm = '?';
  try {
    const s = fs.statfsSync('/dev/shm');
    shm = `${Math.round((s.bavail * s.bsize) / 2 ** 20)} MiB free of ${Math.round((s.blocks * s.bsize) / 2 ** 20)}`;
  } catch {
    // no /dev/shm
  }
  const limits = fs.existsSync('/proc/self/limits')
    ? (/Max open files\s+(\S+)\s+(\S+)/.exec(fs.readFileSync('/proc/self/limits', 'utf8'))?.slice(1).join('/') ?? '?')
    : '?';
  return `load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(
      ' ',
    )}, ${os.cpus().length} cores, ${Math.round(os.freemem() / 2 ** 20)} MiB free, /dev/shm ${shm}, open files ${limits}`;
}

/**
 * Everything above as one block for an error message: tiles of `page`, the gateway's streams
 * (state, viewers, restarts, last error) from `admin`, the page's console errors, the last
 * warnings of server.log and simulator.log since `sinceMs`, and the machine.
 */
export async function wallDiagnostics(
  page: Page,
  admin: ApiClient,
  pageErrors: string[] = [],
  sinceMs = 0,
): Promise<string> {
  const streams = await admin.gatewayStreams().then(
    (ss) =>
      ss.map(
        (s) =>
          `${s.stream_id}/${s.quality} ${s.state} viewers=${s.viewers} kbps=${Math.round(s.bitrate_bps / 1000)} restarts=${s.restarts}${s.last_error ? ` error=${s.last_error}` : ''}`,
      ),
    (err: unknown) => [`(gateway unreadable: ${String(err)})`],
  );
  return [
    `tiles: ${await tileSummary(page)}`,
    `gateway: ${streams.join(' | ') || '(no streams)'}`,
    `page errors: ${pageErrors.slice(-5).join(' | ') || 'none'}`,
    'server.log warnings:',
    ...logTail('server.log', 8, sinceMs).map((l) => `  ${l}`),
    'simulator.log:',
    ...logTail('simulator.log', 4, sinceMs).map((l) => `  ${l}`),
    `machine: ${machineSummary()}`,
  ].join('\n');
}

/**
 * Waits until `count()` reaches `want` (polled every `intervalMs`, default 500); on timeout throws with `diagnose()` in the message.
 * @throws Error `only N of WANT <what> after T ms` plus the diagnostics
 */
export async function waitForCount(
  count: () => Promise<number>,
  want: number,
  opts: { timeoutMs: number; intervalMs?: number; what: string; diagnose: () => Promise<string> },
): Promise<void> {
  const end = Date.now() + opts.timeoutMs;
  let n = await count();
  while (n !== want) {
    if (Date.now() > end)
      throw new Error(`only ${n} of ${want} ${opts.what} after ${opts.timeoutMs} ms\n${await opts.diagnose()}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 500));
    n = await count();
  }
}
