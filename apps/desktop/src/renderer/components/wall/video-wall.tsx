/**
 * D2 video wall: the default layout as a grid of tiles (rows × cols from `LAYOUT_GRID`, or a
 * near-square grid for a custom layout). A maximised tile fills the wall alone (the other
 * players are stopped meanwhile, so their bandwidth goes to the main stream); Escape restores.
 */
import { useEffect } from 'react';
import { Center, Loader, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { LayoutPosition } from '@pantau/shared';
import { useWallStore } from '../../stores/wall-store.js';
import { gridFor } from '../../lib/wall-grid.js';
import { VideoTile } from './video-tile.js';

/** The wall, filling the space left of the feed. */
export function VideoWall() {
  const { t } = useTranslation();
  const layout = useWallStore((s) => s.layout);
  const layoutError = useWallStore((s) => s.layoutError);
  const maximised = useWallStore((s) => s.maximised);
  const toggleMaximised = useWallStore((s) => s.toggleMaximised);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') useWallStore.getState().restore();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  if (!layout) {
    return (
      <section className="wall wall--empty" data-testid="video-wall">
        <Center h="100%">
          {layoutError ? (
            <Text c="dimmed" data-testid="wall-error">
              {t('wall.noLayout', { error: layoutError })}
            </Text>
          ) : (
            <Loader color="cyan" type="dots" />
          )}
        </Center>
      </section>
    );
  }

  const byNumber = new Map<number, LayoutPosition>();
  for (const p of layout.positions) if (p.is_enabled) byNumber.set(p.position_number, p);
  const maxPosition = maximised === null ? undefined : byNumber.get(maximised);
  const grid = maxPosition ? { rows: 1, cols: 1 } : gridFor(layout);
  const cells = maxPosition ? [maxPosition.position_number] : Array.from({ length: grid.rows * grid.cols }, (_, i) => i + 1);

  return (
    <section
      className="wall"
      data-testid="video-wall"
      data-layout-id={layout.id}
      data-layout-type={layout.layout_type}
      style={{ gridTemplateColumns: `repeat(${grid.cols}, minmax(0, 1fr))`, gridTemplateRows: `repeat(${grid.rows}, minmax(0, 1fr))` }}
    >
      {cells.map((n) => {
        const position = byNumber.get(n);
        return position ? (
          <VideoTile key={n} position={position} maximised={maxPosition !== undefined} onToggle={toggleMaximised} />
        ) : (
          <div key={n} className="tile tile--empty" data-testid={`tile-${n}`} data-position={n} data-status="empty">
            <span className="tile__position">{n}</span>
            <Text size="xs" c="dimmed">
              {t('wall.noCamera')}
            </Text>
          </div>
        );
      })}
    </section>
  );
}
