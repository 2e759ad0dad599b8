/**
 * When a tile of a wall that goes live on activity (layout `live_mode: 'activity'`, issue 15)
 * plays live, and when it shows a still frame instead — Frigate's "smart streaming": a big wall
 * shows every camera, and spends decoders only on those where something happens.
 *
 * Live: while maximised; for {@link LIVE_HOLD_MS} after a detection at its camera heard live;
 * while hovered (after {@link HOVER_INTENT_MS}, so a pointer crossing the wall does not start a
 * player per tile) and for {@link HOVER_HOLD_MS} after; while it has keyboard focus. Otherwise a
 * still, refreshed every {@link STILL_REFRESH_MS}.
 */
import { useEffect, useState } from 'react';

/** A detection keeps its tile live this long, ms. */
export const LIVE_HOLD_MS = 30_000;
/** Hover this long before a tile goes live, ms. */
export const HOVER_INTENT_MS = 200;
/** A tile stays live this long after the pointer left, ms. */
export const HOVER_HOLD_MS = 5000;
/** How often a still tile fetches a new still, ms. */
export const STILL_REFRESH_MS = 3000;

/** Inputs of {@link useTileActivity}. */
export interface TileActivityInput {
  /** The wall's mode; `always` is always live. */
  mode: 'always' | 'activity';
  maximised: boolean;
  /** When the last detection at this camera was heard live (performance.now() ms), if ever. */
  heardAt: number | undefined;
  hovered: boolean;
  focused: boolean;
}

/** Pure rule: live now? `until` is when it next changes by itself (ms, performance.now()), or null. */
export function tileActivity(
  input: Omit<TileActivityInput, 'hovered'> & { hoverLiveUntil: number | null },
  now: number,
): { live: boolean; until: number | null } {
  if (input.mode === 'always' || input.maximised || input.focused) return { live: true, until: null };
  const ends = [input.heardAt === undefined ? 0 : input.heardAt + LIVE_HOLD_MS, input.hoverLiveUntil ?? 0];
  const end = Math.max(...ends);
  return end > now ? { live: true, until: end } : { live: false, until: null };
}

/** Whether the tile plays live now (re-rendered when that changes by itself). */
export function useTileActivity(input: TileActivityInput): boolean {
  const { mode, maximised, heardAt, hovered, focused } = input;
  // hover: live after the intent delay, held a while after leaving (null = not hovered lately)
  const [hoverLiveUntil, setHoverLiveUntil] = useState<number | null>(null);
  useEffect(() => {
    if (mode === 'always') return;
    if (hovered) {
      const timer = setTimeout(() => setHoverLiveUntil(Number.POSITIVE_INFINITY), HOVER_INTENT_MS);
      return () => clearTimeout(timer);
    }
    setHoverLiveUntil((h) => (h === null ? null : performance.now() + HOVER_HOLD_MS));
    return undefined;
  }, [mode, hovered]);
  const [, setTick] = useState(0);
  const now = performance.now();
  const { live, until } = tileActivity({ mode, maximised, heardAt, focused, hoverLiveUntil }, now);
  useEffect(() => {
    if (until === null || !Number.isFinite(until)) return;
    const timer = setTimeout(() => setTick((n) => n + 1), Math.max(0, until - performance.now()) + 20);
    return () => clearTimeout(timer);
  }, [until]);
  return live;
}
