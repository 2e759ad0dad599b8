/**
 * Grid geometry of a video-wall layout.
 */
import { LAYOUT_GRID, type Layout } from '@pantau/shared';

/** Rows × columns of a layout. */
export interface Grid {
  rows: number;
  cols: number;
}

/**
 * The grid of a layout: `LAYOUT_GRID` for the fixed types (`'4'` → 2 × 2), otherwise the
 * smallest near-square grid holding its highest position number.
 */
export function gridFor(layout: Pick<Layout, 'layout_type' | 'positions'>): Grid {
  if (layout.layout_type !== 'custom') return LAYOUT_GRID[layout.layout_type];
  const n = Math.max(1, ...layout.positions.map((p) => p.position_number));
  const cols = Math.ceil(Math.sqrt(n));
  return { rows: Math.ceil(n / cols), cols };
}
