/**
 * Settings of the tile selected in the editor: name, quality (main stream or substream),
 * enabled, its size on a custom grid (merging cells: rows and columns it spans), and a patrol
 * (the cameras it steps through and how long each is shown, ≥ 5 s). Problems of the tile's
 * fields (local or from the server) show under them.
 *
 * Test hooks: `tile-inspector` (`data-position`), `tile-name`, `tile-quality`, `tile-enabled`,
 * `tile-row-span`, `tile-col-span`, `tile-patrol-streams`, `tile-patrol-interval`, `tile-remove`.
 */
import { useMemo } from 'react';
import { Button, MultiSelect, NumberInput, SegmentedControl, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { MAX_GRID_SIZE, MIN_PATROL_INTERVAL_S, type StreamQuality } from '@pantau/shared';
import { useCameraTree } from '../../data/use-camera-tree.js';
import { branchCameras } from '../wall/camera-tree-model.js';
import type { Draft, DraftStream, DraftTile, PlacedProblem } from './editor-model.js';

/** Props of the inspector. */
export interface TileInspectorProps {
  draft: Draft;
  tile: DraftTile;
  problems: readonly PlacedProblem[];
  onChange: (patch: Partial<Omit<DraftTile, 'position_number'>>) => void;
  onRemove: () => void;
}

/** Every stream in the user's scope, from the camera tree. */
function useStreamChoices(): Map<number, DraftStream> {
  const { data } = useCameraTree();
  return useMemo(() => {
    const out = new Map<number, DraftStream>();
    for (const g of data ?? [])
      for (const b of g.branches)
        for (const c of branchCameras(b))
          for (const s of c.streams)
            out.set(s.id, {
              stream_id: s.id,
              stream_name: s.stream_name,
              device_id: c.device_id,
              branch_id: b.id,
              branch_name: b.branch_name,
            });
    return out;
  }, [data]);
}

/** The selected tile's settings. */
export function TileInspector({ draft, tile, problems, onChange, onRemove }: TileInspectorProps) {
  const { t } = useTranslation();
  const streams = useStreamChoices();
  const error = (field: string) =>
    problems.find((p) => p.number === tile.position_number && (p.field === field || p.field.startsWith(`${field}.`)))
      ?.message;
  const patrolStreams = tile.patrol?.streams ?? [];
  const options = [...streams.values()]
    .filter((s) => s.stream_id !== tile.stream.stream_id)
    .map((s) => ({ value: String(s.stream_id), label: `${s.stream_name} · ${s.branch_name}` }));
  // keep patrol streams listed even when the tree has not loaded them
  for (const s of patrolStreams)
    if (!options.some((o) => o.value === String(s.stream_id)))
      options.push({ value: String(s.stream_id), label: `${s.stream_name} · ${s.branch_name}` });
  const custom = draft.layout_type === 'custom';

  return (
    <Stack gap="sm" p="sm" className="tile-inspector" data-testid="tile-inspector" data-position={tile.position_number}>
      <Text fw={600} size="sm">
        {t('layouts.tileTitle', { n: tile.position_number })} · {tile.stream.stream_name}
      </Text>
      {error('stream_id') && (
        <Text size="xs" c="red" data-testid="tile-stream-error">
          {error('stream_id')}
        </Text>
      )}
      <TextInput
        size="xs"
        label={t('layouts.tileName')}
        placeholder={tile.stream.stream_name}
        value={tile.position_name}
        onChange={(e) => onChange({ position_name: e.currentTarget.value })}
        error={error('position_name')}
        data-testid="tile-name"
      />
      <div>
        <Text size="xs" fw={500} mb={4}>
          {t('layouts.quality')}
        </Text>
        <SegmentedControl
          size="xs"
          fullWidth
          data={[
            { value: 'sub', label: t('layouts.sub') },
            { value: 'main', label: t('layouts.main') },
          ]}
          value={tile.quality}
          onChange={(v) => onChange({ quality: v as StreamQuality })}
          data-testid="tile-quality"
        />
      </div>
      <Switch
        size="xs"
        label={t('layouts.enabled')}
        checked={tile.is_enabled}
        onChange={(e) => onChange({ is_enabled: e.currentTarget.checked })}
        data-testid="tile-enabled"
      />
      {custom && (
        <div className="tile-inspector__spans">
          <NumberInput
            size="xs"
            label={t('layouts.rowSpan')}
            min={1}
            max={MAX_GRID_SIZE}
            value={tile.row_span}
            onChange={(v) => typeof v === 'number' && onChange({ row_span: v })}
            error={error('row_span') ?? error('row')}
            data-testid="tile-row-span"
          />
          <NumberInput
            size="xs"
            label={t('layouts.colSpan')}
            min={1}
            max={MAX_GRID_SIZE}
            value={tile.col_span}
            onChange={(v) => typeof v === 'number' && onChange({ col_span: v })}
            error={error('col_span') ?? error('col')}
            data-testid="tile-col-span"
          />
        </div>
      )}
      <MultiSelect
        size="xs"
        label={t('layouts.patrol')}
        description={t('layouts.patrolHint')}
        data={options}
        value={patrolStreams.map((s) => String(s.stream_id))}
        onChange={(ids) => {
          const chosen = ids
            .map((id) => streams.get(Number(id)) ?? patrolStreams.find((s) => s.stream_id === Number(id)))
            .filter((s): s is DraftStream => s !== undefined);
          onChange({
            patrol: chosen.length > 0 ? { streams: chosen, interval_s: tile.patrol?.interval_s ?? 10 } : null,
          });
        }}
        error={error('patrol.stream_ids')}
        searchable
        clearable
        comboboxProps={{ withinPortal: true }}
        data-testid="tile-patrol-streams"
      />
      {tile.patrol && (
        <NumberInput
          size="xs"
          label={t('layouts.patrolInterval')}
          min={MIN_PATROL_INTERVAL_S}
          value={tile.patrol.interval_s}
          onChange={(v) =>
            typeof v === 'number' && tile.patrol && onChange({ patrol: { ...tile.patrol, interval_s: v } })
          }
          error={error('patrol.interval_s') ?? error('patrol')}
          data-testid="tile-patrol-interval"
        />
      )}
      <Button size="xs" variant="light" color="red" onClick={onRemove} data-testid="tile-remove">
        {t('layouts.removeTile')}
      </Button>
    </Stack>
  );
}
