/**
 * What the layout editor's drags carry (native HTML5 drag and drop, which Playwright's
 * `page.dragAndDrop` drives): a camera from the tree (its first stream) or a tile of the grid.
 */
import type { DragEvent } from 'react';
import type { DraftStream } from './editor-model.js';

/** `dataTransfer` type of a camera stream dragged from the tree (JSON {@link DraftStream}). */
export const CAMERA_DRAG_TYPE = 'application/x-pantau-camera';
/** `dataTransfer` type of an editor tile being dragged (its position number). */
export const TILE_DRAG_TYPE = 'application/x-pantau-tile';

/** Starts dragging a camera stream. */
export function startCameraDrag(e: DragEvent, stream: DraftStream): void {
  e.dataTransfer.setData(CAMERA_DRAG_TYPE, JSON.stringify(stream));
  e.dataTransfer.setData('text/plain', stream.stream_name);
  e.dataTransfer.effectAllowed = 'copy';
}

/** What is dropped: a camera, a tile, or nothing the editor takes. */
export type Dropped = { kind: 'camera'; stream: DraftStream } | { kind: 'tile'; number: number } | null;

/** Reads a drop. */
export function readDrop(e: DragEvent): Dropped {
  const tile = e.dataTransfer.getData(TILE_DRAG_TYPE);
  if (tile) return { kind: 'tile', number: Number(tile) };
  const camera = e.dataTransfer.getData(CAMERA_DRAG_TYPE);
  if (!camera) return null;
  try {
    const s = JSON.parse(camera) as DraftStream;
    return typeof s.stream_id === 'number' ? { kind: 'camera', stream: s } : null;
  } catch {
    return null;
  }
}

/** True while a drag the editor takes is over a target (types are readable during `dragover`). */
export function acceptsDrag(e: DragEvent): boolean {
  const types = Array.from(e.dataTransfer.types);
  return types.includes(CAMERA_DRAG_TYPE) || types.includes(TILE_DRAG_TYPE);
}
