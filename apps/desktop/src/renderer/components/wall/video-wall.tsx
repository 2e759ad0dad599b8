/**
 * D2 video wall: the shown layout as a CSS grid, each tile in its cells (tiles of custom grids
 * and the big tile of 6 and 8 span several). Tiles are keyed by the stream and quality they play
 * (lib/wall-grid.ts), so when the layout changes under an open wall (`layout_updated`) the
 * tiles that still play the same stream keep their player and only move; patrolling tiles step
 * through their cameras every `interval_s` seconds. A maximised tile fills the wall alone (the
 * other players are stopped meanwhile, so their bandwidth goes to the main stream); Escape
 * restores.
 *
 * Test hooks: `video-wall` (`data-layout-id`, `data-layout-type`, `data-rows`, `data-cols`),
 * `wall-cell` around each tile (`data-key`, `data-area`, `data-patrol-step` on patrols), empty
 * placeholders `tile-<n>` (fixed types, `data-status="empty"`) or `wall-empty-cell` (custom).
 */
import { useEffect, useState } from 'react';
import { Center, Loader, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { LayoutPosition } from '@pantau/shared';
import { useWallStore } from '../../stores/wall-store.js';
import { patrolPosition, planWall } from '../../lib/wall-grid.js';
import { VideoTile } from './video-tile.js';

/** A tile that steps through its patrol: its own stream, then each patrol stream, `interval_s` each. */
function PatrolTile({
  position,
  maximised,
  onToggle,
}: {
  position: LayoutPosition;
  maximised: boolean;
  onToggle: (n: number) => void;
}) {
  const [step, setStep] = useState(0);
  const intervalMs = (position.patrol?.interval_s ?? 0) * 1000;
  const count = (position.patrol?.streams.length ?? 0) + 1;
  useEffect(() => {
    // a maximised tile stays on the camera the operator is looking at
    if (intervalMs <= 0 || count < 2 || maximised) return;
    const timer = setInterval(() => setStep((s) => (s + 1) % count), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, count, maximised]);
  return <VideoTile position={patrolPosition(position, step % count)} maximised={maximised} onToggle={onToggle} />;
}

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

  const plan = planWall(layout, maximised);
  const isMax = plan.tiles.length === 1 && maximised !== null && plan.tiles[0]!.position.position_number === maximised;

  return (
    <section
      className="wall"
      data-testid="video-wall"
      data-layout-id={layout.id}
      data-layout-type={layout.layout_type}
      data-live-mode={layout.live_mode}
      data-rows={plan.grid.rows}
      data-cols={plan.grid.cols}
      style={{
        gridTemplateColumns: `repeat(${plan.grid.cols}, minmax(0, 1fr))`,
        gridTemplateRows: `repeat(${plan.grid.rows}, minmax(0, 1fr))`,
      }}
    >
      {plan.tiles.map(({ key, position, area }) => (
        <div
          key={key}
          className="wall__cell"
          style={{ gridArea: area }}
          data-testid="wall-cell"
          data-key={key}
          data-area={area}
        >
          {position.patrol ? (
            <PatrolTile position={position} maximised={isMax} onToggle={toggleMaximised} />
          ) : (
            <VideoTile position={position} maximised={isMax} onToggle={toggleMaximised} />
          )}
        </div>
      ))}
      {plan.empty.map((e) =>
        e.number !== null ? (
          <div
            key={e.key}
            className="tile tile--empty"
            style={{ gridArea: e.area }}
            data-testid={`tile-${e.number}`}
            data-position={e.number}
            data-status="empty"
          >
            <span className="tile__position">{e.number}</span>
            <Text size="xs" c="dimmed">
              {t('wall.noCamera')}
            </Text>
          </div>
        ) : (
          <div
            key={e.key}
            className="tile tile--empty"
            style={{ gridArea: e.area }}
            data-testid="wall-empty-cell"
            data-status="empty"
          />
        ),
      )}
    </section>
  );
}
