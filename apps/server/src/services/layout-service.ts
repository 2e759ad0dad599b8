/**
 * Video-wall layouts (S9, first version): create with positions, list, the default one.
 * Setting a default unsets the previous one in the same transaction; changes are broadcast
 * as `layout_updated`.
 */
import type { Kysely, Selectable } from 'kysely';
import { PantauError, type Layout, type LayoutCreate, type LayoutPosition } from '@pantau/shared';
import type { CctvLayoutSettingsTable, Database } from '../db/schema.js';
import type { SyncExecutor } from '../db/sync-executor.js';
import type { Outbox } from '../realtime/outbox.js';
import { nowIso } from '../db/database.js';

type LayoutInput = Required<Pick<LayoutCreate, 'layout_name' | 'layout_type'>> & {
  is_default: boolean;
  positions: Array<{ position_number: number; stream_id: number; position_name?: string | undefined; quality: 'main' | 'sub'; is_enabled: boolean }>;
};

/** Layout storage and rules. */
export class LayoutService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: SyncExecutor,
    private readonly outbox: Outbox,
    private readonly onEvents: () => void,
  ) {}

  /**
   * Create a layout.
   * @throws PantauError VALIDATION_ERROR (duplicate position, too many positions for the type), NOT_FOUND (stream)
   */
  create(input: LayoutInput, createdBy: number | null): Layout {
    const capacity = input.layout_type === 'custom' ? 64 : Number(input.layout_type);
    const seen = new Set<number>();
    input.positions.forEach((p, i) => {
      if (p.position_number > capacity) throw new PantauError('VALIDATION_ERROR', `position ${p.position_number} does not fit a ${input.layout_type}-tile layout`, { field: `positions.${i}.position_number` });
      if (seen.has(p.position_number)) throw new PantauError('VALIDATION_ERROR', `position ${p.position_number} used twice`, { field: `positions.${i}.position_number` });
      seen.add(p.position_number);
    });
    const id = this.exec.tx(() => {
      input.positions.forEach((p, i) => {
        if (!this.exec.first(this.db.selectFrom('cctv_streams').select('id').where('id', '=', p.stream_id))) {
          throw new PantauError('NOT_FOUND', `stream ${p.stream_id} does not exist`, { field: `positions.${i}.stream_id` });
        }
      });
      const now = nowIso();
      if (input.is_default) this.exec.run(this.db.updateTable('cctv_layout_settings').set({ is_default: 0, updated_at: now }).where('is_default', '=', 1));
      const layoutId = this.exec.run(
        this.db.insertInto('cctv_layout_settings').values({ layout_name: input.layout_name, layout_type: input.layout_type, is_default: input.is_default ? 1 : 0, created_by: createdBy, created_at: now, updated_at: now }),
      ).lastInsertRowid;
      for (const p of input.positions) {
        this.exec.run(
          this.db.insertInto('cctv_position_settings').values({
            layout_id: layoutId,
            position_number: p.position_number,
            stream_id: p.stream_id,
            position_name: p.position_name ?? null,
            quality: p.quality,
            is_enabled: p.is_enabled ? 1 : 0,
          }),
        );
      }
      this.outbox.append('layout_updated', null, { layout_id: layoutId });
      return layoutId;
    });
    this.onEvents();
    return this.get(id, null)!;
  }

  /** Every active layout, positions limited to the scope's streams. */
  list(scope: readonly number[] | null): Layout[] {
    const rows = this.exec.all(this.db.selectFrom('cctv_layout_settings').selectAll().where('is_active', '=', 1).orderBy('id'));
    return rows.map((r) => this.assemble(r, scope));
  }

  /** The default layout (or the first one). @throws PantauError NOT_FOUND when there is none */
  getDefault(scope: readonly number[] | null): Layout {
    const r = this.exec.first(
      this.db.selectFrom('cctv_layout_settings').selectAll().where('is_active', '=', 1).orderBy('is_default', 'desc').orderBy('id').limit(1),
    );
    if (!r) throw new PantauError('NOT_FOUND', 'no layout has been created yet');
    return this.assemble(r, scope);
  }

  /** One layout, or undefined. */
  get(id: number, scope: readonly number[] | null): Layout | undefined {
    const r = this.exec.first(this.db.selectFrom('cctv_layout_settings').selectAll().where('id', '=', id));
    return r ? this.assemble(r, scope) : undefined;
  }

  private assemble(r: Selectable<CctvLayoutSettingsTable>, scope: readonly number[] | null): Layout {
    let q = this.db
      .selectFrom('cctv_position_settings as p')
      .innerJoin('cctv_streams as s', 's.id', 'p.stream_id')
      .innerJoin('company_branches as b', 'b.id', 's.branch_id')
      .select(['p.position_number', 'p.stream_id', 'p.position_name', 'p.quality', 'p.is_enabled', 's.stream_name', 's.protocol', 's.device_id', 's.branch_id', 'b.branch_name'])
      .where('p.layout_id', '=', r.id)
      .orderBy('p.position_number');
    if (scope !== null) q = q.where('s.branch_id', 'in', scope.length ? [...scope] : [-1]);
    const positions: LayoutPosition[] = this.exec.all(q).map((p) => ({ ...p, is_enabled: p.is_enabled === 1 }));
    return {
      id: r.id,
      layout_name: r.layout_name,
      layout_type: r.layout_type as Layout['layout_type'],
      is_default: r.is_default === 1,
      positions,
      created_at: r.created_at,
      updated_at: r.updated_at,
    };
  }
}
