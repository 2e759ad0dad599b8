/**
 * The tile geometry both the server and the layout editor rely on: the standard NVR
 * templates, where a custom tile sits, and the rules a set of tiles must keep.
 */
import { describe, expect, it } from 'vitest';
import { checkTiles, fixedLayoutCells, layoutCapacity, tileRect, type TileRect } from './layouts.js';

/** Every cell of a grid covered exactly once by `cells`? */
function coversOnce(cells: TileRect[], rows: number, cols: number): boolean {
  const hits = new Map<string, number>();
  for (const c of cells)
    for (let y = c.row; y < c.row + c.row_span; y++)
      for (let x = c.col; x < c.col + c.col_span; x++) hits.set(`${y}:${x}`, (hits.get(`${y}:${x}`) ?? 0) + 1);
  return hits.size === rows * cols && [...hits.values()].every((n) => n === 1);
}

describe('fixed layouts', () => {
  it('6 is a 3×3 grid with one 2×2 tile and five small ones, 8 a 4×4 grid with one 3×3 tile and seven', () => {
    const six = fixedLayoutCells('6');
    expect(six).toHaveLength(6);
    expect(six[0]).toEqual({ row: 1, col: 1, row_span: 2, col_span: 2 });
    expect(six.slice(1).every((c) => c.row_span === 1 && c.col_span === 1)).toBe(true);
    expect(six.slice(1).map((c) => [c.row, c.col])).toEqual([
      [1, 3],
      [2, 3],
      [3, 1],
      [3, 2],
      [3, 3],
    ]);
    expect(coversOnce(six, 3, 3)).toBe(true);
    const eight = fixedLayoutCells('8');
    expect(eight).toHaveLength(8);
    expect(eight[0]).toEqual({ row: 1, col: 1, row_span: 3, col_span: 3 });
    expect(coversOnce(eight, 4, 4)).toBe(true);
  });

  it('1, 4, 9 and 16 fill their grids row by row', () => {
    expect(fixedLayoutCells('4').map((c) => [c.row, c.col])).toEqual([
      [1, 1],
      [1, 2],
      [2, 1],
      [2, 2],
    ]);
    expect(coversOnce(fixedLayoutCells('9'), 3, 3)).toBe(true);
    expect(coversOnce(fixedLayoutCells('16'), 4, 4)).toBe(true);
    expect([layoutCapacity('1'), layoutCapacity('16'), layoutCapacity('custom', 3, 5)]).toEqual([1, 16, 15]);
  });
});

describe('tileRect', () => {
  it('takes a custom tile’s own cell, or the cell its number names row by row', () => {
    expect(tileRect('custom', 3, { position_number: 1, row: 2, col: 2, row_span: 2, col_span: 1 })).toEqual({
      row: 2,
      col: 2,
      row_span: 2,
      col_span: 1,
    });
    expect(tileRect('custom', 3, { position_number: 5 })).toEqual({ row: 2, col: 2, row_span: 1, col_span: 1 });
    expect(tileRect('8', 4, { position_number: 1, row: 4 })).toEqual({ row: 1, col: 1, row_span: 3, col_span: 3 });
  });
});

describe('checkTiles', () => {
  it('accepts spanning tiles that fill a custom grid', () => {
    expect(
      checkTiles('custom', 2, 3, [
        { position_number: 1, row: 1, col: 1, row_span: 2, col_span: 2 },
        { position_number: 2, row: 1, col: 3 },
        { position_number: 3, row: 2, col: 3 },
      ]),
    ).toBeNull();
  });

  it('names the tile that leaves the grid or overlaps another', () => {
    expect(checkTiles('custom', 2, 2, [{ position_number: 1, row: 2, col: 1, row_span: 2 }])).toEqual({
      field: 'positions.0.row_span',
      message: 'tile 1 ends below row 2 of the grid',
    });
    expect(checkTiles('custom', 2, 2, [{ position_number: 1, row: 1, col: 2, col_span: 2 }])?.field).toBe(
      'positions.0.col_span',
    );
    expect(
      checkTiles('custom', 3, 3, [
        { position_number: 1, row: 1, col: 1, row_span: 2, col_span: 2 },
        { position_number: 2, row: 2, col: 2 },
      ]),
    ).toEqual({ field: 'positions.1.row', message: 'tile 2 overlaps tile 1 at row 2, column 2' });
  });

  it('refuses numbers beyond the type, numbers used twice and geometry on fixed types', () => {
    expect(checkTiles('4', null, null, [{ position_number: 5 }])).toEqual({
      field: 'positions.0.position_number',
      message: 'position 5 does not fit a 4-tile layout',
    });
    expect(checkTiles('4', null, null, [{ position_number: 1 }, { position_number: 1 }])?.field).toBe(
      'positions.1.position_number',
    );
    expect(checkTiles('6', null, null, [{ position_number: 2, col_span: 2 }])?.field).toBe('positions.0.col_span');
    expect(checkTiles('6', null, null, [{ position_number: 1, row: 1, col: 1, row_span: 2, col_span: 2 }])).toBeNull();
  });
});
