/**
 * Pure helpers of the audit log screen: the date-range filter as ISO instants, and which
 * fields an entry changed.
 */

/** `YYYY-MM-DD` dates from the range picker → `from` (start of the first day) and `to` (end of the last), ISO with `Z`, in the workstation's zone. */
export function dayRange(from: string | null, to: string | null): { from?: string; to?: string } {
  const out: { from?: string; to?: string } = {};
  const day = (d: string, time: string) => {
    const t = new Date(`${d}T${time}`);
    return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
  };
  const f = from ? day(from, '00:00:00.000') : undefined;
  const t = to ? day(to, '23:59:59.999') : undefined;
  if (f) out.from = f;
  if (t) out.to = t;
  return out;
}

/** Keys whose values differ between `before` and `after` (added, removed or changed), sorted. */
export function changedKeys(before: Record<string, unknown> | null, after: Record<string, unknown> | null): string[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...keys].filter((k) => JSON.stringify(before?.[k]) !== JSON.stringify(after?.[k])).sort();
}
