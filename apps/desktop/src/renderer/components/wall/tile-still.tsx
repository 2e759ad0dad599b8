/**
 * The still frame of a tile that is not live (walls that go live on activity, issue 15): a JPEG
 * of the camera's latest key frame from the gateway (`GET /api/v1/streams/:id/still`), fetched
 * every {@link STILL_REFRESH_MS} while the tile is on screen, as tall as the tile in device px.
 * A failed fetch keeps the last picture (it says how old it is) and tries again at the next
 * refresh; the tile's own status says why the camera cannot be read.
 *
 * At most {@link MAX_STILL_FETCHES} stills are fetched at once over the whole page: a browser
 * opens 6 HTTP/1.1 connections to a server, and 36 tiles asking together (each first still waits
 * for its camera's next key frame, ~1–1.5 s) held all six, so the console's own API calls (the
 * layout, alarms, acknowledgements) waited seconds behind them — seen on the 36-tile wall.
 *
 * Test hooks: `tile-still` (`data-loaded` true once a picture is shown).
 */
import { useEffect, useRef, useState } from 'react';
import type { StreamQuality } from '@pantau/shared';
import { useSessionStore } from '../../stores/session-store.js';
import { STILL_REFRESH_MS } from '../../video/tile-activity.js';

/** Before a tile's first still, a failed ask is repeated this soon, ms (the camera's stream is starting). */
export const FIRST_STILL_RETRY_MS = 1000;

/** Still fetches in flight at once, page-wide (of the browser's 6 connections to the server). */
export const MAX_STILL_FETCHES = 3;

let inFlight = 0;
const waiting: Array<() => void> = [];

/** Runs `fetch` when a slot is free (FIFO), so stills never take every connection. */
async function inSlot<T>(fetch: () => Promise<T>): Promise<T> {
  if (inFlight >= MAX_STILL_FETCHES) await new Promise<void>((resolve) => waiting.push(resolve));
  inFlight++;
  try {
    return await fetch();
  } finally {
    inFlight--;
    waiting.shift()?.();
  }
}

/** Props: which stream and quality, whether to fetch now, and how to lay it out. */
export interface TileStillProps {
  streamId: number;
  quality: StreamQuality;
  /** Fetch and refresh (the tile is on screen); false keeps the last picture without fetching. */
  run: boolean;
  /** Over the video (shown until the live picture takes over) rather than instead of it. */
  overlay?: boolean;
}

/** A still that refreshes itself. */
export function TileStill({ streamId, quality, run, overlay = false }: TileStillProps) {
  const api = useSessionStore((s) => s.api);
  const imgRef = useRef<HTMLImageElement>(null);
  const [picture, setPicture] = useState<{ url: string } | null>(null);

  useEffect(() => {
    if (!api || !run) return;
    let stopped = false;
    let shown = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fetchOnce = async () => {
      const el = imgRef.current?.parentElement;
      const height = Math.round(
        Math.min(2160, Math.max(32, (el?.clientHeight || 180) * (globalThis.devicePixelRatio || 1))),
      );
      let next = STILL_REFRESH_MS;
      try {
        if (stopped) return;
        const file = await inSlot(() => api.download(`/api/v1/streams/${streamId}/still`, { quality, height }));
        if (stopped) return;
        const url = URL.createObjectURL(new Blob([file.bytes], { type: file.type }));
        shown = true;
        setPicture((old) => {
          if (old) URL.revokeObjectURL(old.url);
          return { url };
        });
      } catch {
        // keep the last picture; the tile's status says what is wrong with the camera. Before the
        // first one, ask again soon: the server answers 503 while the camera's stream starts.
        if (!shown) next = FIRST_STILL_RETRY_MS;
      }
      // a little jitter, so tiles that started together do not keep asking together
      if (!stopped) timer = setTimeout(() => void fetchOnce(), next * (0.9 + Math.random() * 0.2));
    };
    void fetchOnce();
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [api, streamId, quality, run]);

  // the last object URL goes with the tile
  useEffect(
    () => () => {
      setPicture((old) => {
        if (old) URL.revokeObjectURL(old.url);
        return null;
      });
    },
    [],
  );

  return (
    <img
      ref={imgRef}
      className={`tile__still${overlay ? ' tile__still--overlay' : ''}`}
      data-testid="tile-still"
      data-loaded={picture !== null}
      src={picture?.url}
      alt=""
      draggable={false}
      style={picture ? undefined : { visibility: 'hidden' }}
    />
  );
}
