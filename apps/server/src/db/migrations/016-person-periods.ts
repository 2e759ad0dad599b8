/**
 * Migration 016 (counting reports at fleet scale, issue 13): `person_periods`, one row per
 * person, branch and site-local ISO week (Monday start) or calendar month, with the person's
 * detections, sum of detected_count and first and last detection (epoch ms) there in it. Kept in
 * the detection's transaction (RollupRepository.add). Never edit once landed.
 *
 * Why: a monthly report's top persons and distinct persons were read from the detections (one
 * GROUP BY per branch) and from `person_days` (one row per person and day): at 1 M detections a
 * province's month took 1.3 s and everything's 3.8 s, growing with the detections
 * (`bench/analytics.mjs`). A person seen forty times at a branch in a month is one row here, so
 * a report reads its persons' rows and nothing else. Keyed (period_type, period_start, branch_id,
 * re_id) so one branch's period is one range of the b-tree and a report reads branch by branch.
 *
 * Backfilled from the stored detections, a page at a time in id order, each in its branch's zone
 * (a zone the runtime does not know counts in Asia/Jakarta, as everywhere else: countingZone).
 */
import { sql, type Kysely } from 'kysely';

const PAGE = 20_000;

/** Apply. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE person_periods (
      period_type TEXT NOT NULL CHECK (period_type IN ('weekly', 'monthly')),
      period_start TEXT NOT NULL,
      branch_id INTEGER NOT NULL,
      re_id TEXT NOT NULL,
      detections INTEGER NOT NULL,
      detected_sum INTEGER NOT NULL,
      first_detection INTEGER NOT NULL,
      last_detection INTEGER NOT NULL,
      PRIMARY KEY (period_type, period_start, branch_id, re_id)
    ) WITHOUT ROWID`.execute(db);

  const zones = new Map(
    (await sql<{ id: number; timezone: string }>`SELECT id, timezone FROM company_branches`.execute(db)).rows.map(
      (b) => [b.id, dayFormat(b.timezone)],
    ),
  );
  const fallback = dayFormat('Asia/Jakarta');
  for (let after = 0; ;) {
    const rows = (
      await sql<{
        id: number;
        branch_id: number;
        re_id: string;
        detected_count: number;
        detection_timestamp: number;
      }>`SELECT id, branch_id, re_id, detected_count, detection_timestamp FROM re_id_branch_detections
         WHERE id > ${after} ORDER BY id LIMIT ${PAGE}`.execute(db)
    ).rows;
    if (rows.length === 0) break;
    const acc = new Map<string, [string, string, number, string, number, number, number, number]>();
    for (const r of rows) {
      const day = (zones.get(r.branch_id) ?? fallback).format(r.detection_timestamp);
      for (const [type, start] of [
        ['weekly', weekStart(day)],
        ['monthly', `${day.slice(0, 7)}-01`],
      ] as const) {
        const k = `${type}|${start}|${r.branch_id}|${r.re_id}`;
        const a = acc.get(k);
        if (a) {
          a[4] += 1;
          a[5] += r.detected_count;
          a[6] = Math.min(a[6], r.detection_timestamp);
          a[7] = Math.max(a[7], r.detection_timestamp);
        } else
          acc.set(k, [
            type,
            start,
            r.branch_id,
            r.re_id,
            1,
            r.detected_count,
            r.detection_timestamp,
            r.detection_timestamp,
          ]);
      }
    }
    for (const [type, start, branch, reId, n, sum, first, last] of acc.values())
      await sql`INSERT INTO person_periods VALUES (${type}, ${start}, ${branch}, ${reId}, ${n}, ${sum}, ${first}, ${last})
        ON CONFLICT DO UPDATE SET detections = detections + excluded.detections,
          detected_sum = detected_sum + excluded.detected_sum,
          first_detection = MIN(first_detection, excluded.first_detection),
          last_detection = MAX(last_detection, excluded.last_detection)`.execute(db);
    after = rows[rows.length - 1]!.id;
  }
}

/** Revert. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('person_periods').execute();
}

/** YYYY-MM-DD in `zone` (en-CA formats dates that way); an unknown zone counts in Asia/Jakarta. */
function dayFormat(zone: string): Intl.DateTimeFormat {
  const opts = { year: 'numeric', month: '2-digit', day: '2-digit' } as const;
  try {
    return new Intl.DateTimeFormat('en-CA', { ...opts, timeZone: zone });
  } catch {
    return new Intl.DateTimeFormat('en-CA', { ...opts, timeZone: 'Asia/Jakarta' });
  }
}

/** The Monday of `day`'s ISO week. */
function weekStart(day: string): string {
  const t = Date.parse(`${day}T00:00:00.000Z`);
  const dow = new Date(t).getUTCDay(); // 0 = Sunday
  return new Date(t - ((dow + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
}
