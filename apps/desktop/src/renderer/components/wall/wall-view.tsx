/**
 * The wall screen: the camera tree (collapsible, remembered), the layout picker over the video
 * wall, and the live event feed side by side. In a wall-only window (`#/wall?layout=…&kiosk=1`,
 * lib/wall-url.ts) the layout comes from the address and, in kiosk mode, the wall fills the
 * window alone, with a badge in its corner while the server is away (kiosk-stale-badge.tsx).
 *
 * The layout shown is read from the layouts query (cached locally, refetched on
 * `layout_updated`) and put in the wall store, where the header, the tree and the window sync
 * read it. Test hooks: `wall-view` (`data-kiosk`), `layout-picker`.
 */
import { useEffect, useState } from 'react';
import { Select, VisuallyHidden } from '@mantine/core';
import { ArmingBadge, useArmings } from '../alarms/arming-control.js';
import { useLocalStorage } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { useWallStore } from '../../stores/wall-store.js';
import { useLayouts } from '../../data/use-layouts.js';
import { pickLayout } from '../../lib/wall-grid.js';
import { currentWallParams, wallHash, type WallParams } from '../../lib/wall-url.js';
import { errorText } from '../../lib/error-text.js';
import { CameraTree } from './camera-tree.js';
import { VideoWall } from './video-wall.js';
import { EventFeed } from './event-feed.js';
import { WallWindowsMenu } from './wall-windows-menu.js';
import { KioskStaleBadge } from './kiosk-stale-badge.js';
import '../layouts/layouts.css';

/** This window's wall address, following `hashchange`. */
function useWallParams(): WallParams {
  const [params, setParams] = useState(currentWallParams);
  useEffect(() => {
    const onHash = () => setParams(currentWallParams());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return params;
}

/** Keeps the wall store's layout in step with the layouts query and the choice. */
function useShownLayout(layoutId: number | null): void {
  const { t } = useTranslation();
  const { data, error } = useLayouts();
  useEffect(() => {
    const wall = useWallStore.getState();
    if (data) {
      const layout = pickLayout(data, layoutId);
      wall.setLayout(layout, layout ? null : t('layouts.noneYet'));
    } else if (error && wall.layout === null) {
      wall.setLayout(null, errorText(error, t));
    }
  }, [data, error, layoutId, t]);
}

/** Picks the wall's layout: in a wall window by rewriting its address, else remembered for this console. */
function chooseLayout(params: WallParams, id: number): void {
  if (params.wallId === null && params.layoutId === null) {
    useWallStore.getState().chooseLayout(id);
    return;
  }
  const hash = wallHash({ ...params, layoutId: id });
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}${hash}`);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

/** The layout picker above the wall. */
function LayoutPicker({ params }: { params: WallParams }) {
  const { t } = useTranslation();
  const { data } = useLayouts();
  const shown = useWallStore((s) => s.layout);
  const options = (data ?? []).map((l) => ({
    value: String(l.id),
    label: `${l.layout_name}${l.is_default ? ` · ${t('layouts.default')}` : ''}${l.visibility === 'private' ? ` · ${t('layouts.private')}` : ''}`,
  }));
  return (
    <div className="wall-toolbar">
      <Select
        size="xs"
        w={280}
        aria-label={t('layouts.pick')}
        placeholder={t('layouts.pick')}
        data={options}
        value={shown ? String(shown.id) : null}
        onChange={(v) => v && chooseLayout(params, Number(v))}
        allowDeselect={false}
        data-testid="layout-picker"
        comboboxProps={{ withinPortal: true }}
      />
      {shown && (
        <span className="wall-toolbar__info" data-testid="layout-info">
          {shown.layout_type === 'custom'
            ? `${shown.grid_rows} × ${shown.grid_cols}`
            : t('layouts.tiles', { n: Number(shown.layout_type) })}
        </span>
      )}
      <WallArming />
      <WallWindowsMenu />
    </div>
  );
}

/**
 * The arming of each branch whose cameras are on the wall (issue 14), one badge each; with no
 * camera on the wall, of the branches in the user's scope (at most six either way).
 */
function WallArming() {
  const layout = useWallStore((s) => s.layout);
  const armings = useArmings();
  const onWall = [...new Set((layout?.positions ?? []).filter((p) => p.is_enabled).map((p) => p.branch_id))];
  const branchIds = (onWall.length > 0 ? onWall : (armings.data ?? []).map((a) => a.branch_id)).sort((a, b) => a - b);
  if (branchIds.length === 0) return null;
  return (
    <span className="wall-toolbar__arming" data-testid="wall-arming">
      {branchIds.slice(0, 6).map((id) => (
        <ArmingBadge key={id} branchId={id} withName />
      ))}
    </span>
  );
}

/** Tree | picker over wall | feed; the wall alone in kiosk mode. */
export function WallView() {
  const { t } = useTranslation();
  const [treeOpen, setTreeOpen] = useLocalStorage({ key: 'pantau.tree-open', defaultValue: true });
  const params = useWallParams();
  const chosen = useWallStore((s) => s.chosenLayoutId);
  useShownLayout(params.layoutId ?? chosen);
  if (params.kiosk) {
    return (
      <div className="console__body console__body--kiosk" data-testid="wall-view" data-kiosk="true">
        <VisuallyHidden component="h1">{t('nav.wall')}</VisuallyHidden>
        <VideoWall />
        <KioskStaleBadge />
      </div>
    );
  }
  return (
    <div
      className={`console__body${treeOpen ? '' : ' console__body--tree-closed'}`}
      data-testid="wall-view"
      data-kiosk="false"
    >
      {/* the screen's one h1 (its name is in the navigation, so it is not shown twice) */}
      <VisuallyHidden component="h1">{t('nav.wall')}</VisuallyHidden>
      <CameraTree open={treeOpen} onToggle={() => setTreeOpen((o) => !o)} />
      <div className="wall-column">
        <LayoutPicker params={params} />
        <VideoWall />
      </div>
      <EventFeed />
    </div>
  );
}
