/**
 * Whether a tile is worth a media player now. Browsers cap the media players a page may hold
 * (Chromium: a few dozen WebMediaPlayers, fewer decoders), so a tile nobody can see gives its
 * player back: the page is hidden (another tab, a minimised window), the tile is outside the
 * viewport or not laid out (IntersectionObserver: scrolled away, `display: none`), or the wall
 * says it is covered (`paused`, e.g. by a maximised tile).
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { RefObject } from 'react';

/** A tile hidden for less than this (ms) keeps its player: rides out quick tab flips. */
export const RELEASE_AFTER_HIDDEN_MS = 2000;

function subscribeVisibility(onChange: () => void): () => void {
  document.addEventListener('visibilitychange', onChange);
  return () => document.removeEventListener('visibilitychange', onChange);
}
const pageVisible = () => document.visibilityState !== 'hidden';

/**
 * @returns true while the element should play: visible at once when it becomes visible,
 *   false only once it has been out of sight for {@link RELEASE_AFTER_HIDDEN_MS}
 */
export function useTileVisible(ref: RefObject<Element | null>, paused = false): boolean {
  const page = useSyncExternalStore(subscribeVisibility, pageVisible, () => true);
  // Assume on screen until the observer says otherwise, so a new tile starts at once.
  const [intersecting, setIntersecting] = useState(true);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => {
      const last = entries[entries.length - 1];
      if (last) setIntersecting(last.isIntersecting);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);

  const wanted = page && intersecting && !paused;
  const [playing, setPlaying] = useState(wanted);
  useEffect(() => {
    if (wanted) {
      setPlaying(true);
      return;
    }
    const timer = setTimeout(() => setPlaying(false), RELEASE_AFTER_HIDDEN_MS);
    return () => clearTimeout(timer);
  }, [wanted]);
  return wanted || playing;
}
