/**
 * Migration 019 (cameras as they ship, issue 15): what each stream really sends, how it is
 * carried, why it cannot be read, and the gateway's transcode settings. Never edit once landed.
 *
 * - `cctv_streams.transport`: `tcp` (RTSP interleaved, the default, as before) or `udp`.
 * - `cctv_streams.main_media` / `sub_media`: JSON `StreamMedia` (packages/shared) of the last
 *   probe that read the stream: codec, profile, size, fps, bitrate, audio. Null until probed.
 * - `cctv_streams.problem`: why the last probe or the gateway could not read it (`StreamProblem`:
 *   unauthorized, not_found, unavailable, unreachable, no_video); null when it could.
 * - `cctv_layout_settings.live_mode`: `always` (every tile live, as before) or `activity` (still
 *   frames until a detection, hover or focus: big walls).
 * - `gateway_settings`: one row (id 1): the most transcodes the gateway runs at once (0 = none)
 *   and the H.264 encoder (`auto` picks a working hardware encoder, else libx264).
 */
import { sql, type Kysely } from 'kysely';

/** Apply. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE cctv_streams ADD COLUMN transport TEXT NOT NULL DEFAULT 'tcp' CHECK (transport IN ('tcp', 'udp'))`.execute(
    db,
  );
  await sql`ALTER TABLE cctv_streams ADD COLUMN main_media TEXT`.execute(db);
  await sql`ALTER TABLE cctv_streams ADD COLUMN sub_media TEXT`.execute(db);
  await sql`ALTER TABLE cctv_streams ADD COLUMN problem TEXT`.execute(db);
  await sql`ALTER TABLE cctv_layout_settings ADD COLUMN live_mode TEXT NOT NULL DEFAULT 'always' CHECK (live_mode IN ('always', 'activity'))`.execute(
    db,
  );
  await sql`CREATE TABLE gateway_settings (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      max_transcodes INTEGER NOT NULL DEFAULT 4 CHECK (max_transcodes BETWEEN 0 AND 64),
      encoder TEXT NOT NULL DEFAULT 'auto',
      updated_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
      updated_at TEXT NOT NULL
    )`.execute(db);
  await sql`INSERT INTO gateway_settings (id, updated_at) VALUES (1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`.execute(
    db,
  );
}

/** Revert. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE gateway_settings`.execute(db);
  await sql`ALTER TABLE cctv_layout_settings DROP COLUMN live_mode`.execute(db);
  await sql`ALTER TABLE cctv_streams DROP COLUMN problem`.execute(db);
  await sql`ALTER TABLE cctv_streams DROP COLUMN sub_media`.execute(db);
  await sql`ALTER TABLE cctv_streams DROP COLUMN main_media`.execute(db);
  await sql`ALTER TABLE cctv_streams DROP COLUMN transport`.execute(db);
}
