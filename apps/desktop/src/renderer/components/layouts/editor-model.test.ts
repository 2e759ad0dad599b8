/**
 * The editor's gestures on a draft: dropping cameras, swapping and moving tiles, changing the
 * grid (what fits is kept), the body it saves, and problems placed on the tile they concern.
 */
import { describe, expect, it } from 'vitest';
import { PantauError } from '@pantau/shared';
import {
  changeGrid,
  dropCamera,
  emptyDraft,
  localProblem,
  moveTile,
  serverProblems,
  slotsOf,
  toBody,
  updateTile,
  type DraftStream,
} from './editor-model.js';

const cam = (id: number): DraftStream => ({
  stream_id: id,
  stream_name: `cam ${id}`,
  device_id: `cam-${id}`,
  branch_id: 1,
  branch_name: 'Jakarta',
});

describe('layout editor model', () => {
  it('drops cameras onto free tiles and tiles, swaps two tiles and moves one to a free tile', () => {
    let d = emptyDraft('Lobby', 'shared');
    d = dropCamera(d, { kind: 'cell', row: 1, col: 1, number: 1 }, cam(11));
    d = dropCamera(d, { kind: 'cell', row: 2, col: 2, number: 4 }, cam(12));
    expect(d.tiles.map((t) => [t.position_number, t.stream.stream_id, t.row, t.col])).toEqual([
      [1, 11, 1, 1],
      [4, 12, 2, 2],
    ]);
    d = updateTile(d, 1, { position_name: 'Door', quality: 'main' });
    d = moveTile(d, 1, { kind: 'tile', number: 4 });
    expect(d.tiles.map((t) => [t.position_number, t.stream.stream_id, t.position_name, t.quality])).toEqual([
      [1, 12, '', 'sub'],
      [4, 11, 'Door', 'main'],
    ]);
    d = moveTile(d, 4, { kind: 'cell', row: 1, col: 2, number: 2 });
    expect(d.tiles.map((t) => [t.position_number, t.stream.stream_id, t.row, t.col])).toEqual([
      [1, 12, 1, 1],
      [2, 11, 1, 2],
    ]);
    d = dropCamera(d, { kind: 'tile', number: 2 }, cam(13));
    expect(d.tiles[1]).toMatchObject({ position_number: 2, stream: { stream_id: 13 }, position_name: '' });
    expect(slotsOf(d).map((s) => (s.tile ? s.tile.stream.stream_id : null))).toEqual([12, 13, null, null]);
  });

  it('keeps a fixed layout’s places when it becomes a custom grid, and drops what no longer fits', () => {
    let d = emptyDraft('NVR', 'shared');
    d = changeGrid(d, '6').draft;
    d = dropCamera(d, { kind: 'cell', row: 1, col: 1, number: 1 }, cam(11));
    d = dropCamera(d, { kind: 'cell', row: 3, col: 3, number: 6 }, cam(12));
    const custom = changeGrid(d, 'custom').draft;
    expect(custom).toMatchObject({ layout_type: 'custom', grid_rows: 3, grid_cols: 3 });
    expect(custom.tiles.map((t) => [t.row, t.col, t.row_span, t.col_span])).toEqual([
      [1, 1, 2, 2],
      [3, 3, 1, 1],
    ]);
    const smaller = changeGrid(custom, 'custom', 2, 2);
    expect(smaller.dropped).toBe(1);
    expect(smaller.draft.tiles.map((t) => t.stream.stream_id)).toEqual([11]);
    expect(changeGrid(d, '4')).toMatchObject({ dropped: 1 });
  });

  it('saves custom geometry only for custom grids, and names no patrol when it has no cameras', () => {
    let d = changeGrid(emptyDraft('C', 'private'), 'custom', 2, 3).draft;
    d = dropCamera(d, { kind: 'cell', row: 2, col: 3, number: null }, cam(11));
    d = updateTile(d, 1, { patrol: { streams: [cam(12)], interval_s: 7 } });
    expect(toBody(d)).toEqual({
      layout_name: 'C',
      layout_type: 'custom',
      grid_rows: 2,
      grid_cols: 3,
      visibility: 'private',
      live_mode: 'always',
      positions: [
        {
          position_number: 1,
          stream_id: 11,
          position_name: null,
          quality: 'sub',
          is_enabled: true,
          row: 2,
          col: 3,
          row_span: 1,
          col_span: 1,
          patrol: { stream_ids: [12], interval_s: 7 },
        },
      ],
    });
    expect(toBody(changeGrid(d, '4').draft).positions[0]).not.toHaveProperty('row');
  });

  it('places the server’s and its own problems on the tile they concern', () => {
    let d = changeGrid(emptyDraft('C', 'shared'), 'custom', 2, 2).draft;
    d = dropCamera(d, { kind: 'cell', row: 1, col: 1, number: null }, cam(11));
    d = dropCamera(d, { kind: 'cell', row: 2, col: 2, number: null }, cam(12));
    expect(localProblem(d)).toBeNull();
    d = updateTile(d, 1, { row_span: 2, col_span: 2 });
    expect(localProblem(d)).toEqual({ number: 2, field: 'row', message: 'tile 2 overlaps tile 1 at row 2, column 2' });
    const err = new PantauError('NOT_FOUND', 'stream 12 does not exist', { field: 'positions.1.stream_id' });
    expect(serverProblems(d, err)).toEqual([{ number: 2, field: 'stream_id', message: 'stream 12 does not exist' }]);
    expect(serverProblems(d, new PantauError('VALIDATION_ERROR', 'x', { field: 'layout_name' }))).toEqual([
      { number: null, field: 'layout_name', message: 'x' },
    ]);
  });
});
