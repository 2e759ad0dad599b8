/**
 * The camera tree beside the wall: group › branch › NVR › camera with status dots, limited by
 * the server to the user's scope. A camera on the wall maximises its tile on click; cameras
 * not on the wall are listed dimmed (placing them is the layout editor's job). Cameras with a
 * stream can be dragged (HTML5 drag and drop) onto the layout editor's tiles.
 *
 * Test hooks: `camera-tree` (`data-open`), `camera-tree-toggle`, `camera-tree-search`,
 * `tree-group` / `tree-branch` / `tree-nvr` (`data-id`), `tree-camera` (`data-device-id`,
 * `data-status`, `data-position` when on the wall), `camera-tree-count`.
 */
import { useMemo, useState } from 'react';
import { ActionIcon, Loader, Text, TextInput, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ArmingBadge } from '../alarms/arming-control.js';
import type { CameraTreeCamera, CameraTreeGroup } from '@pantau/shared';
import { upstreamKey, useWallStore } from '../../stores/wall-store.js';
import { useCameraTree } from '../../data/use-camera-tree.js';
import { useFormat } from '../../i18n/use-format.js';
import { cameraCounts, filterTree, positionOf, wallIndex, type WallIndex } from './camera-tree-model.js';
import { startCameraDrag } from '../layouts/drag.js';

type TreeBranch = CameraTreeGroup['branches'][number];

function Dot({ status }: { status: string }) {
  return <span className={`tree__dot tree__dot--${status}`} />;
}

function CameraLeaf({ camera, index, branch }: { camera: CameraTreeCamera; index: WallIndex; branch: TreeBranch }) {
  const { t } = useTranslation();
  const position = positionOf(camera, index);
  const onWall = position !== null;
  const stream = camera.streams[0];
  // the same words as the tile: what the gateway says now (it is watching), else the stream's recorded problem
  const live = useWallStore((st) =>
    stream ? (st.upstreams[upstreamKey(stream.id, 'sub')] ?? st.upstreams[upstreamKey(stream.id, 'main')]) : undefined,
  );
  const problem = live?.status === 'online' ? null : (live?.problem ?? stream?.problem ?? null);
  return (
    <Tooltip
      label={onWall ? t('tree.onWall', { n: position }) : t('tree.notOnWallHint')}
      openDelay={500}
      position="right"
    >
      <button
        type="button"
        className={`tree__camera${onWall ? '' : ' tree__camera--off-wall'}`}
        onClick={() => onWall && useWallStore.getState().maximise(position)}
        data-testid="tree-camera"
        data-device-id={camera.device_id}
        data-status={camera.status}
        data-position={position ?? undefined}
        draggable={stream !== undefined}
        onDragStart={(e) =>
          stream &&
          startCameraDrag(e, {
            stream_id: stream.id,
            stream_name: stream.stream_name,
            device_id: camera.device_id,
            branch_id: branch.id,
            branch_name: branch.branch_name,
          })
        }
      >
        <Dot status={camera.status} />
        <span className="tree__name">{camera.device_name}</span>
        {problem && (
          <span
            className="tree__problem"
            data-testid="tree-problem"
            data-problem={problem}
            title={t(`tile.problem.${problem}.title`)}
          >
            {t(`tile.problem.${problem}.chip`)}
          </span>
        )}
        <span className="tree__tag">{onWall ? `#${position}` : t('tree.notOnWall')}</span>
      </button>
    </Tooltip>
  );
}

function BranchNode({ branch, index }: { branch: TreeBranch; index: WallIndex }) {
  const { t } = useTranslation();
  return (
    <div className="tree__branch" data-testid="tree-branch" data-id={branch.id}>
      <div className="tree__label tree__label--branch" title={`${branch.branch_code} · ${branch.timezone}`}>
        <span className="tree__branch-name">{branch.branch_name}</span>
        <ArmingBadge branchId={branch.id} />
      </div>
      {branch.nvrs.map((nvr) => (
        <div
          key={nvr.device_id}
          className="tree__nvr"
          data-testid="tree-nvr"
          data-id={nvr.device_id}
          data-status={nvr.status}
        >
          <div className="tree__label tree__label--nvr">
            <Dot status={nvr.status} />
            <span className="tree__name">{nvr.device_name}</span>
            <span className="tree__tag">NVR</span>
          </div>
          {nvr.cameras.map((c) => (
            <CameraLeaf key={c.device_id} camera={c} index={index} branch={branch} />
          ))}
        </div>
      ))}
      {branch.cameras.map((c) => (
        <CameraLeaf key={c.device_id} camera={c} index={index} branch={branch} />
      ))}
      {branch.nvrs.length === 0 && branch.cameras.length === 0 && (
        <Text size="xs" c="dimmed" pl={14}>
          {t('tree.noCameras')}
        </Text>
      )}
    </div>
  );
}

/** Props of the tree panel. */
export interface CameraTreeProps {
  open: boolean;
  onToggle: () => void;
}

/** The tree panel (a thin strip with an open button while collapsed). */
export function CameraTree({ open, onToggle }: CameraTreeProps) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { data, isPending, error } = useCameraTree();
  const layout = useWallStore((s) => s.layout);
  const [query, setQuery] = useState('');
  const index = useMemo(() => wallIndex(layout), [layout]);
  const shown = useMemo(() => filterTree(data ?? [], query), [data, query]);
  const counts = useMemo(() => cameraCounts(data ?? []), [data]);

  if (!open) {
    return (
      <aside className="tree tree--closed" data-testid="camera-tree" data-open="false" aria-label={t('tree.title')}>
        <Tooltip label={t('tree.expand')} position="right">
          <ActionIcon
            variant="subtle"
            color="gray"
            onClick={onToggle}
            aria-label={t('tree.expand')}
            data-testid="camera-tree-toggle"
          >
            ›
          </ActionIcon>
        </Tooltip>
        <span className="tree__vertical">{t('tree.title')}</span>
      </aside>
    );
  }
  return (
    <aside className="tree" data-testid="camera-tree" data-open="true" aria-label={t('tree.title')}>
      <div className="tree__head">
        <Text fw={600} size="sm">
          {t('tree.title')}
        </Text>
        <Text
          size="xs"
          c="dimmed"
          data-testid="camera-tree-count"
          data-cameras={counts.cameras}
          data-online={counts.online}
        >
          {t('tree.online', { online: fmt.number(counts.online), total: fmt.number(counts.cameras) })}
        </Text>
        <ActionIcon
          variant="subtle"
          color="gray"
          size="sm"
          onClick={onToggle}
          aria-label={t('tree.collapse')}
          data-testid="camera-tree-toggle"
        >
          ‹
        </ActionIcon>
      </div>
      <TextInput
        size="xs"
        mx="xs"
        mb={6}
        placeholder={t('tree.search')}
        aria-label={t('tree.search')}
        value={query}
        onChange={(e) => setQuery(e.currentTarget.value)}
        data-testid="camera-tree-search"
      />
      <div className="tree__scroll">
        {isPending && <Loader size="xs" color="gray" type="dots" m="md" />}
        {error && (
          <Text size="xs" c="red" p="sm">
            {t('tree.error')}
          </Text>
        )}
        {data && shown.length === 0 && (
          <Text size="xs" c="dimmed" p="sm" data-testid="camera-tree-empty">
            {query ? t('tree.noMatch') : t('tree.empty')}
          </Text>
        )}
        {shown.map((group) => (
          <div key={group.id} className="tree__group" data-testid="tree-group" data-id={group.id}>
            <div className="tree__label tree__label--group">
              <span className="tree__name">{group.group_name}</span>
              <span className="tree__tag">{group.province_code}</span>
            </div>
            {group.branches.map((b) => (
              <BranchNode key={b.id} branch={b} index={index} />
            ))}
          </div>
        ))}
      </div>
    </aside>
  );
}
