/**
 * Test helpers: find ffmpeg processes by what their command line contains, and wait for things.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { relayTargetOf } from '../camera-input.js';

/**
 * Pids of running (not zombie) ffmpeg processes whose command line contains `needle`
 * (e.g. `127.0.0.1:<port>/`, which names one test camera), or whose input relay (this test
 * process's camera-input.ts: a camera with credentials) leads to a URL containing it.
 * Linux /proc only.
 */
export function ffmpegPids(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const named = cmdline.some((a) => a.includes(needle)) || relayTargetOf(Number(entry))?.includes(needle);
      if (!cmdline[0]?.endsWith('ffmpeg') || !named) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state !== 'Z') pids.push(Number(entry));
    } catch {
      // the process went away while we looked
    }
  }
  return pids;
}

/**
 * Poll `check` every 50 ms until it returns a truthy value; resolve with it.
 * @throws Error naming `what` after `timeoutMs`
 */
export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
