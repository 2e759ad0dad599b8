/**
 * The editor's grid: every tile and free cell of the draft in its CSS grid area. Cameras dragged
 * from the tree drop onto a tile (replacing its camera) or a free cell (a new tile); a tile
 * dragged onto another swaps what the two show, onto a free cell it moves there. A click
 * selects a tile for the inspector. Problems (local or from the server) show on their tile.
 *
 * Test hooks: `layout-canvas` (`data-rows`, `data-cols`), `editor-tile-<n>` (`data-stream-id`,
 * `data-row`, `data-col`, `data-row-span`, `data-col-span`, `data-selected`, `data-enabled`),
 * `editor-tile-error` inside it, free cells `editor-slot-<n>` (fixed types) or
 * `editor-cell-<row>-<col>` (custom grids).
 */
import { useState, type DragEvent } from 'react';
import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { gridArea } from '../../lib/wall-grid.js';
import { acceptsDrag, readDrop, TILE_DRAG_TYPE, type Dropped } from './drag.js';
import { slotsOf, type Draft, type DraftTile, type DropTarget, type PlacedProblem, type Slot } from './editor-model.js';

/** Props of the canvas. */
export interface LayoutCanvasProps {
  draft: Draft;
  selected: number | null;
  /** Problems of tiles, by position number (the first of each tile is shown). */
  problems: readonly PlacedProblem[];
  onSelect: (number: number | null) => void;
  onDrop: (dropped: NonNullable<Dropped>, target: DropTarget) => void;
}

/** Drop-target handlers for a slot, and whether a drag hovers it. */
function useDropTarget(target: DropTarget, onDrop: LayoutCanvasProps['onDrop']) {
  const [over, setOver] = useState(false);
  return {
    over,
    handlers: {
      onDragOver: (e: DragEvent) => {
        if (!acceptsDrag(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = Array.from(e.dataTransfer.types).includes(TILE_DRAG_TYPE) ? 'move' : 'copy';
        setOver(true);
      },
      onDragLeave: () => setOver(false),
      onDrop: (e: DragEvent) => {
        e.preventDefault();
        setOver(false);
        const dropped = readDrop(e);
        if (dropped) onDrop(dropped, target);
      },
    },
  };
}

function TileCard({
  tile,
  selected,
  problem,
  onSelect,
  onDrop,
}: {
  tile: DraftTile;
  selected: boolean;
  problem: PlacedProblem | undefined;
  onSelect: LayoutCanvasProps['onSelect'];
  onDrop: LayoutCanvasProps['onDrop'];
}) {
  const { t } = useTranslation();
  const { over, handlers } = useDropTarget({ kind: 'tile', number: tile.position_number }, onDrop);
  const name = tile.position_name.trim() || tile.stream.stream_name;
  return (
    <div
      className={`editor-tile${selected ? ' editor-tile--selected' : ''}${over ? ' editor-tile--over' : ''}${problem ? ' editor-tile--error' : ''}${tile.is_enabled ? '' : ' editor-tile--disabled'}`}
      style={{ gridArea: gridArea(tile) }}
      draggable
      onDragStart={(e) => {
        e.dataTransfer.setData(TILE_DRAG_TYPE, String(tile.position_number));
        e.dataTransfer.effectAllowed = 'move';
      }}
      onClick={() => onSelect(selected ? null : tile.position_number)}
      {...handlers}
      data-testid={`editor-tile-${tile.position_number}`}
      data-stream-id={tile.stream.stream_id}
      data-row={tile.row}
      data-col={tile.col}
      data-row-span={tile.row_span}
      data-col-span={tile.col_span}
      data-selected={selected}
      data-enabled={tile.is_enabled}
    >
      <span className="editor-tile__number">{tile.position_number}</span>
      <span className="editor-tile__name">{name}</span>
      <span className="editor-tile__branch">{tile.stream.branch_name}</span>
      <span className="editor-tile__badges">
        <Badge size="xs" variant="light" color={tile.quality === 'main' ? 'cyan' : 'gray'}>
          {tile.quality === 'main' ? t('layouts.main') : t('layouts.sub')}
        </Badge>
        {tile.patrol && tile.patrol.streams.length > 0 && (
          <Badge size="xs" variant="light" color="violet">
            {t('layouts.patrolBadge', { n: tile.patrol.streams.length + 1, seconds: tile.patrol.interval_s })}
          </Badge>
        )}
        {!tile.is_enabled && (
          <Badge size="xs" variant="light" color="yellow">
            {t('layouts.off')}
          </Badge>
        )}
      </span>
      {problem && (
        <span className="editor-tile__error" data-testid="editor-tile-error">
          {problem.message}
        </span>
      )}
    </div>
  );
}

function FreeSlot({ slot, onDrop }: { slot: Slot; onDrop: LayoutCanvasProps['onDrop'] }) {
  const { t } = useTranslation();
  const { over, handlers } = useDropTarget(
    { kind: 'cell', row: slot.rect.row, col: slot.rect.col, number: slot.number },
    onDrop,
  );
  const testId = slot.number !== null ? `editor-slot-${slot.number}` : `editor-cell-${slot.rect.row}-${slot.rect.col}`;
  return (
    <div
      className={`editor-slot${over ? ' editor-slot--over' : ''}`}
      style={{ gridArea: gridArea(slot.rect) }}
      {...handlers}
      data-testid={testId}
    >
      {slot.number !== null && <span className="editor-tile__number">{slot.number}</span>}
      <span>{t('layouts.dropHere')}</span>
    </div>
  );
}

/** The draft's grid. */
export function LayoutCanvas({ draft, selected, problems, onSelect, onDrop }: LayoutCanvasProps) {
  const slots = slotsOf(draft);
  const problemOf = (n: number) => problems.find((p) => p.number === n);
  return (
    <div
      className="layout-canvas"
      style={{
        gridTemplateColumns: `repeat(${draft.grid_cols}, minmax(0, 1fr))`,
        gridTemplateRows: `repeat(${draft.grid_rows}, minmax(0, 1fr))`,
      }}
      data-testid="layout-canvas"
      data-rows={draft.grid_rows}
      data-cols={draft.grid_cols}
    >
      {slots.map((slot) =>
        slot.tile ? (
          <TileCard
            key={slot.key}
            tile={slot.tile}
            selected={selected === slot.tile.position_number}
            problem={problemOf(slot.tile.position_number)}
            onSelect={onSelect}
            onDrop={onDrop}
          />
        ) : (
          <FreeSlot key={slot.key} slot={slot} onDrop={onDrop} />
        ),
      )}
    </div>
  );
}
