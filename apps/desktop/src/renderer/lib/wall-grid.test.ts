/**
 * The wall's tile identity: which tiles of a changed layout keep their player (same stream and
 * quality: same key, only the cell changes), which are new and which stop; the plan the wall
 * draws (cells, spans, placeholders, a maximised tile); patrols; picking the layout to show.
 */
import { describe, expect, it } from 'vitest';
import type { Layout, LayoutPosition } from '@pantau/shared';
import { diffTiles, patrolPosition, pickLayout, planWall, tileKeys } from './wall-grid.js';

const pos = (n: number, stream: number, rect: Partial<LayoutPosition> = {}): LayoutPosition => ({
  position_number: n,
  stream_id: stream,
  position_name: null,
  quality: 'sub',
  is_enabled: true,
  stream_name: `cam ${stream}`,
  protocol: 'rtsp',
  device_id: `cam-${stream}`,
  branch_id: 1,
  branch_name: 'Jakarta',
  row: 1,
  col: n,
  row_span: 1,
  col_span: 1,
  patrol: null,
  ...rect,
});
const layout = (positions: LayoutPosition[], over: Partial<Layout> = {}): Layout => ({
  id: 7,
  layout_name: 'L',
  layout_type: 'custom',
  grid_rows: 2,
  grid_cols: 4,
  visibility: 'shared',
  live_mode: 'always',
  owner_user_id: null,
  is_default: true,
  editable: true,
  positions,
  created_by: null,
  created_at: '',
  updated_at: '',
  ...over,
});

describe('diffTiles', () => {
  it('keeps both players when two tiles swap places, only their cells change', () => {
    const before = layout([pos(1, 11), pos(2, 12), pos(3, 13)]);
    const after = layout([pos(1, 12), pos(2, 11), pos(3, 13)]);
    expect(diffTiles(before, after)).toEqual({
      kept: ['11/sub', '12/sub', '13/sub'],
      added: [],
      removed: [],
      moved: ['11/sub', '12/sub'],
    });
  });

  it('replaces only the tile whose camera or quality changed', () => {
    const before = layout([pos(1, 11), pos(2, 12), pos(3, 13)]);
    const after = layout([pos(1, 11), pos(2, 14), pos(3, 13, { quality: 'main' })]);
    expect(diffTiles(before, after)).toEqual({
      kept: ['11/sub'],
      added: ['13/main', '14/sub'],
      removed: ['12/sub', '13/sub'],
      moved: [],
    });
  });

  it('keeps every player through a rename, a grid change or a merge of cells', () => {
    const before = layout([pos(1, 11), pos(2, 12)]);
    const after = layout([pos(1, 11, { row_span: 2, col_span: 2 }), pos(2, 12, { col: 3 })], {
      layout_name: 'Renamed',
      grid_rows: 3,
      grid_cols: 3,
    });
    const d = diffTiles(before, after);
    expect(d.added).toEqual([]);
    expect(d.removed).toEqual([]);
    expect(d.kept.sort()).toEqual(['11/sub', '12/sub']);
    expect(d.moved.sort()).toEqual(['11/sub', '12/sub']);
  });

  it('tells tiles of the same stream apart, disabled tiles stop, patrols are keyed by their place', () => {
    const before = layout([pos(1, 11), pos(2, 11), pos(3, 12, { patrol: { interval_s: 5, streams: [] } })]);
    expect([...tileKeys(before.positions).values()]).toEqual(['11/sub', '11/sub#2', 'patrol:3']);
    const after = layout([
      pos(1, 11),
      pos(2, 11, { is_enabled: false }),
      pos(3, 13, { patrol: { interval_s: 9, streams: [] } }),
    ]);
    expect(diffTiles(before, after)).toEqual({
      kept: ['11/sub', 'patrol:3'],
      added: [],
      removed: ['11/sub#2'],
      moved: [],
    });
  });
});

describe('planWall', () => {
  it('places spanning tiles, fills the rest of a custom grid with placeholders, in key order', () => {
    const plan = planWall(
      layout([pos(2, 30, { row: 1, col: 3 }), pos(1, 20, { row: 1, col: 1, row_span: 2, col_span: 2 })], {
        grid_rows: 2,
        grid_cols: 3,
      }),
    );
    expect(plan.grid).toEqual({ rows: 2, cols: 3 });
    expect(plan.tiles.map((t) => [t.key, t.area])).toEqual([
      ['20/sub', '1 / 1 / span 2 / span 2'],
      ['30/sub', '1 / 3 / span 1 / span 1'],
    ]);
    expect(plan.empty.map((e) => e.area)).toEqual(['2 / 3 / span 1 / span 1']);
  });

  it('numbers the free tiles of a fixed layout, the big one of an 8 spanning its square', () => {
    const plan = planWall(layout([pos(2, 11, { row: 1, col: 4 })], { layout_type: '8', grid_rows: 4, grid_cols: 4 }));
    expect(plan.empty.map((e) => e.number)).toEqual([1, 3, 4, 5, 6, 7, 8]);
    expect(plan.empty[0]!.area).toBe('1 / 1 / span 3 / span 3');
  });

  it('shows a maximised tile alone under its own key', () => {
    const plan = planWall(layout([pos(1, 11), pos(2, 12)]), 2);
    expect(plan.grid).toEqual({ rows: 1, cols: 1 });
    expect(plan.tiles.map((t) => t.key)).toEqual(['12/sub']);
    expect(plan.empty).toEqual([]);
  });
});

describe('patrols and picking', () => {
  it('steps through the tile’s own stream and then each patrol stream', () => {
    const p = pos(1, 11, {
      position_name: 'Gate',
      patrol: {
        interval_s: 5,
        streams: [
          {
            stream_id: 12,
            stream_name: 'cam 12',
            protocol: 'rtsp',
            device_id: 'cam-12',
            branch_id: 2,
            branch_name: 'Bandung',
          },
        ],
      },
    });
    expect([0, 1, 2].map((s) => patrolPosition(p, s).stream_id)).toEqual([11, 12, 11]);
    expect(patrolPosition(p, 1)).toMatchObject({
      position_number: 1,
      branch_name: 'Bandung',
      position_name: null,
      quality: 'sub',
    });
  });

  it('shows the chosen layout, else the default, else the first', () => {
    const a = layout([], { id: 1, is_default: false });
    const b = layout([], { id: 2, is_default: true });
    expect(pickLayout([a, b], 1)?.id).toBe(1);
    expect(pickLayout([a, b], 99)?.id).toBe(2);
    expect(pickLayout([a], null)?.id).toBe(1);
    expect(pickLayout([], 1)).toBeNull();
  });
});
