/**
 * CPU time of a process from /proc/PID/stat (Linux), for the gateway's per-stream CPU share:
 * fields 14 and 15 (utime, stime) in clock ticks. Node cannot ask sysconf(_SC_CLK_TCK); Linux
 * has reported 100 ticks per second to user space on every architecture since 2.6 (USER_HZ).
 * Elsewhere (no /proc) the share reads 0.
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc times (USER_HZ). */
export const USER_HZ = 100;

/** User + system CPU of `pid` so far, ms; null when it cannot be read (gone, not Linux). */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) is in parentheses and may hold spaces: split after it
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? ((utime + stime) * 1000) / USER_HZ : null;
  } catch {
    return null;
  }
}

/** CPU share of one process between two readings, % of one core. */
export class CpuMeter {
  private last: { pid: number; cpuMs: number; at: number } | null = null;
  /** The share over the last interval, % of one core (0 until two readings). */
  percent = 0;

  /** Take a reading of `pid` (null: no process now) at `now` (ms). */
  sample(pid: number | null, now = Date.now()): void {
    const cpuMs = pid === null ? null : processCpuMs(pid);
    if (pid === null || cpuMs === null) {
      this.last = null;
      this.percent = 0;
      return;
    }
    const last = this.last;
    if (last && last.pid === pid && now > last.at)
      this.percent = Math.max(0, Math.round(((cpuMs - last.cpuMs) / (now - last.at)) * 1000) / 10);
    this.last = { pid, cpuMs, at: now };
  }
}
