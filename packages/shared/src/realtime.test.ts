/**
 * The real-time protocol's schemas: every control frame and event type the server sends
 * parses; a frame of an unknown type, or with a field off its schema, is refused with a
 * message naming the type and the field.
 */
import { describe, expect, it } from 'vitest';
import { REALTIME_EVENT_TYPES, parseServerMessage } from './realtime.js';

const ts = '2026-12-01T10:00:00.000Z';
const detection = {
  id: 7,
  type: 'detection_update',
  channel: 'branch:1',
  ts,
  data: {
    id: 3,
    event_type: 'person_detected',
    branch_id: 1,
    branch_name: 'Jakarta Pusat',
    device_id: 'cam-1',
    device_name: 'Lobby',
    re_id: 'p-1',
    detected_count: 2,
    event_timestamp: ts,
    created_at: ts,
    acknowledged_by: null,
    acknowledged_at: null,
    alarm_state: 'new',
    acknowledged_by_name: null,
    closed_by: null,
    closed_by_name: null,
    closed_at: null,
    escalated_at: null,
    person: { total_actual_count: 2, total_detection_branch_count: 1 },
  },
};

describe('parseServerMessage', () => {
  it('accepts every control frame', () => {
    for (const m of [
      { type: 'ready', last_id: 0, user_id: 1 },
      { type: 'heartbeat', ts, last_id: 4 },
      { type: 'pong', ts },
      { type: 'resumed', since: 1, last_id: 4, replayed: 3 },
      { type: 'resync_required', since: 1, oldest_id: 9 },
      { type: 'error', code: 'UNAUTHENTICATED', message: 'signed out' },
    ]) {
      expect(parseServerMessage(JSON.stringify(m))).toEqual({ ok: true, message: m });
    }
  });

  it('accepts events and names the type and field of one that is off its schema', () => {
    expect(parseServerMessage(JSON.stringify(detection)).ok).toBe(true);
    const bad = { ...detection, data: { ...detection.data, branch_id: 'one' } };
    expect(parseServerMessage(JSON.stringify(bad))).toEqual({
      ok: false,
      error: expect.stringMatching(/^detection_update: data\.branch_id: /),
    });
    const stream = {
      id: 8,
      type: 'stream_status',
      channel: 'branch:1',
      ts,
      data: { stream_id: 1, quality: 'hd', status: 'online', since: ts },
    };
    expect(parseServerMessage(JSON.stringify(stream))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/data\.quality/),
    });
  });

  it('refuses unknown types and text that is not JSON', () => {
    expect(parseServerMessage(JSON.stringify({ ...detection, type: 'made_up' })).ok).toBe(false);
    expect(parseServerMessage('{')).toEqual({ ok: false, error: 'not JSON' });
  });

  it('has a schema for every event type', () => {
    expect(REALTIME_EVENT_TYPES).toContain('detection_update');
    expect(REALTIME_EVENT_TYPES).toContain('snapshot_ready');
    expect(new Set(REALTIME_EVENT_TYPES).size).toBe(REALTIME_EVENT_TYPES.length);
  });
});
