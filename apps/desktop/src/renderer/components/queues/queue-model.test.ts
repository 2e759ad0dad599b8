/**
 * The queue monitor's arithmetic: live oldest-job age, compact ages in both languages,
 * row states, payload summaries and the queue-size alert's crossings.
 */
import { describe, expect, it } from 'vitest';
import type { RealtimeEvent } from '@pantau/shared';
import { formatAge, oldestAgeNow, payloadSummary, queueHealth, thresholdCrossings } from './queue-model.js';

const NOW = Date.parse('2026-11-22T08:00:00Z');
/** A queue_stats event `ageMs` before NOW. */
const stats = (queues: Array<[string, number, boolean]>, ageMs = 0): RealtimeEvent =>
  ({
    id: 1,
    type: 'queue_stats',
    channel: 'admins',
    ts: new Date(NOW - ageMs).toISOString(),
    data: {
      queues: queues.map(([queue, pending, over]) => ({ queue, pending, running: 0, failed: 0, over_threshold: over })),
    },
  }) as RealtimeEvent;

describe('queue model', () => {
  it('ages the oldest job by the time since the figures were fetched, and has none for an empty queue', () => {
    expect(oldestAgeNow({ pending: 3, oldest_pending_age_ms: 5_000 }, 1_000_000, 1_012_000)).toBe(17_000);
    expect(oldestAgeNow({ pending: 0, oldest_pending_age_ms: null }, 0, 10)).toBeNull();
    // a clock that went back does not make the age shrink below the server's figure
    expect(oldestAgeNow({ pending: 1, oldest_pending_age_ms: 2_000 }, 5_000, 4_000)).toBe(2_000);
  });

  it('formats ages in the largest fitting unit, per language', () => {
    // the unit's spelling comes from the platform's ICU data; the number and the unit chosen are ours
    expect(formatAge(45_500, 'en-GB')).toMatch(/^45 secs?$/);
    expect(formatAge(3 * 60_000 + 59_000, 'en-GB')).toMatch(/^3 mins?$/);
    expect(formatAge(5 * 3600_000, 'en-GB')).toMatch(/^5 hrs?$/);
    expect(formatAge(3 * 86_400_000, 'en-GB')).toMatch(/^3 days?$/);
    expect(formatAge(45_000, 'id-ID')).toMatch(/^45 dtk$/);
    expect(formatAge(5 * 3600_000, 'id-ID')).toMatch(/^5 (j|jam)$/);
    expect(formatAge(-5, 'en-GB')).toMatch(/^0 secs?$/);
  });

  it('highlights a queue over its threshold before one with failed jobs, then busy, then idle', () => {
    expect(queueHealth({ over_threshold: true, failed: 2, pending: 20_000, running: 1 })).toBe('over');
    expect(queueHealth({ over_threshold: false, failed: 2, pending: 0, running: 0 })).toBe('failed');
    expect(queueHealth({ over_threshold: false, failed: 0, pending: 0, running: 1 })).toBe('busy');
    expect(queueHealth({ over_threshold: false, failed: 0, pending: 0, running: 0 })).toBe('idle');
  });

  it('summarises a payload on one line, leaving out nested values and cutting long ones', () => {
    expect(
      payloadSummary({
        event_log_id: 12,
        branch_id: 3,
        original: 'events/a.jpg',
        detection_data: { x: 1 },
        event_id: null,
      }),
    ).toBe('event_log_id=12 branch_id=3 original=events/a.jpg');
    expect(payloadSummary('raw text')).toBe('raw text');
    const long = payloadSummary({ re_id: 'x'.repeat(200) }, 20);
    expect(long).toHaveLength(20);
    expect(long.endsWith('…')).toBe(true);
  });

  it('tells each crossing of the queue-size threshold once, over and back under, and not replays', () => {
    const seen = new Map<string, boolean>();
    // first sight: a queue already over is told; one under is not
    expect(
      thresholdCrossings(
        seen,
        [
          stats([
            ['detections', 12_000, true],
            ['images', 3, false],
          ]),
        ],
        NOW,
      ),
    ).toEqual([{ queue: 'detections', pending: 12_000, over: true }]);
    // still over: nothing new
    expect(
      thresholdCrossings(
        seen,
        [
          stats([
            ['detections', 15_000, true],
            ['images', 3, false],
          ]),
        ],
        NOW,
      ),
    ).toEqual([]);
    // back under, and another queue over, in one batch
    expect(
      thresholdCrossings(
        seen,
        [
          stats([
            ['detections', 9_000, false],
            ['images', 10_500, true],
          ]),
        ],
        NOW,
      ),
    ).toEqual([
      { queue: 'detections', pending: 9_000, over: false },
      { queue: 'images', pending: 10_500, over: true },
    ]);
    // over and back within one batch nets to no change
    expect(
      thresholdCrossings(seen, [stats([['detections', 11_000, true]]), stats([['detections', 8_000, false]])], NOW),
    ).toEqual([]);
    // a replay after a reconnect updates the state silently
    expect(thresholdCrossings(seen, [stats([['images', 200, false]], 5 * 60_000)], NOW)).toEqual([]);
    expect(seen.get('images')).toBe(false);
    // other events are ignored
    expect(
      thresholdCrossings(
        seen,
        [
          {
            id: 2,
            type: 'nvr_offline',
            channel: 'branch:1',
            ts: new Date(NOW).toISOString(),
            data: { device_id: 'nvr-1', branch_id: 1 },
          } as unknown as RealtimeEvent,
        ],
        NOW,
      ),
    ).toEqual([]);
  });
});
