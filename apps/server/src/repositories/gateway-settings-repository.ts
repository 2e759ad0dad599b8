/**
 * The SQL of the gateway's transcode settings (issue 15): the one row of `gateway_settings`
 * (migration 019). Synchronous, for the service's transactions.
 */
import type { Kysely, Selectable } from 'kysely';
import { GatewayEncoderSetting } from '@pantau/shared';
import type { Database, GatewaySettingsTable } from '../db/schema.js';
import type { SyncExecutor } from '../db/sync-executor.js';
import { nowIso } from '../db/database.js';

/** The settings row, its encoder checked (a hand-edited unknown one reads as `auto`). */
export type GatewaySettingsRow = Omit<Selectable<GatewaySettingsTable>, 'encoder'> & {
  encoder: GatewayEncoderSetting;
};

/** Reads and writes the single settings row. */
export class GatewaySettingsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: SyncExecutor,
  ) {}

  /** The row (the migration inserts it; recreated with defaults if someone deleted it). */
  get(): GatewaySettingsRow {
    let row = this.exec.first(this.db.selectFrom('gateway_settings').selectAll().where('id', '=', 1));
    if (!row) {
      this.exec.run(
        this.db
          .insertInto('gateway_settings')
          .values({ id: 1, updated_at: nowIso() })
          .onConflict((c) => c.doNothing()),
      );
      row = this.exec.first(this.db.selectFrom('gateway_settings').selectAll().where('id', '=', 1))!;
    }
    const encoder = GatewayEncoderSetting.safeParse(row.encoder);
    return { ...row, encoder: encoder.success ? encoder.data : 'auto' };
  }

  /** Change some settings, stamping who and when. */
  update(patch: { max_transcodes?: number; encoder?: GatewayEncoderSetting }, userId: number | null): void {
    this.exec.run(
      this.db
        .updateTable('gateway_settings')
        .set({ ...patch, updated_by: userId, updated_at: nowIso() })
        .where('id', '=', 1),
    );
  }
}
