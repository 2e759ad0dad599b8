/**
 * Display formatting.
 */

const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

/** `HH:MM:SS` in the workstation's local time zone; `--:--:--` for an unparsable timestamp. */
export function formatClock(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? '--:--:--' : clock.format(t);
}
