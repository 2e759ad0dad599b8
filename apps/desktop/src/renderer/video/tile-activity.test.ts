import { describe, expect, it } from 'vitest';
import { HOVER_HOLD_MS, LIVE_HOLD_MS, tileActivity } from './tile-activity.js';

const base = { mode: 'activity' as const, maximised: false, heardAt: undefined, focused: false, hoverLiveUntil: null };

describe('tileActivity', () => {
  it('is always live on an always-live wall, and while maximised or focused', () => {
    expect(tileActivity({ ...base, mode: 'always' }, 1000)).toEqual({ live: true, until: null });
    expect(tileActivity({ ...base, maximised: true }, 1000).live).toBe(true);
    expect(tileActivity({ ...base, focused: true }, 1000).live).toBe(true);
    expect(tileActivity(base, 1000)).toEqual({ live: false, until: null });
  });

  it('goes live on a detection heard live, for the hold, then back to a still', () => {
    const heardAt = 10_000;
    expect(tileActivity({ ...base, heardAt }, heardAt + 1)).toEqual({ live: true, until: heardAt + LIVE_HOLD_MS });
    expect(tileActivity({ ...base, heardAt }, heardAt + LIVE_HOLD_MS + 1).live).toBe(false);
  });

  it('stays live while hovered and for a moment after the pointer left', () => {
    expect(tileActivity({ ...base, hoverLiveUntil: Number.POSITIVE_INFINITY }, 5).live).toBe(true);
    expect(tileActivity({ ...base, hoverLiveUntil: 100 + HOVER_HOLD_MS }, 100)).toEqual({
      live: true,
      until: 100 + HOVER_HOLD_MS,
    });
    expect(tileActivity({ ...base, hoverLiveUntil: 100 }, 101).live).toBe(false);
  });
});
