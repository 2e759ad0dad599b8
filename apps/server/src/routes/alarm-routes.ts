/**
 * `/api/v1/alarms` (issue 5): the alarm list with unacknowledged counts, one alarm, its
 * timeline, acknowledge (one or up to 500), close and note; and `/api/v1/alarm-escalation`,
 * the per-branch escalation settings. Reads are for every signed-in user, actions for
 * operators and admins ('operate'), settings for admins; scope is the service's (out of
 * scope = 404). Rules: services/alarm-service.ts.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  Alarm,
  AlarmActionBody,
  AlarmBulkBody,
  AlarmBulkResult,
  AlarmFilter,
  AlarmNoteBody,
  AlarmPageMeta,
  AlarmParams,
  AlarmTimelineEntry,
  EscalationParams,
  EscalationSettings,
  EscalationSettingsBody,
  envelope,
} from '@pantau/shared';
import type { Services } from '../services/container.js';
import { userOf } from '../http/access.js';
import { callerOf } from '../http/actor.js';

const ok = <T>(data: T) => ({ success: true as const, data });

/** Register the alarm routes. */
export async function alarmRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const a = s.alarms;
  const tags = ['alarms'];
  const read = { access: 'read' as const };
  const operate = { access: 'operate' as const };
  const admin = { access: 'admin' as const };
  const one = { 200: envelope(Alarm) };

  r.get(
    '/api/v1/alarms',
    { config: read, schema: { tags, summary: 'Alarms newest first, with the unacknowledged count of every branch in scope (meta.unacknowledged)', querystring: AlarmFilter, response: { 200: z.object({ success: z.literal(true), data: z.array(Alarm), meta: AlarmPageMeta }) } } },
    async (req) => {
      const p = a.list(userOf(req), req.query);
      return { success: true as const, data: p.items, meta: p.meta };
    },
  );
  r.get('/api/v1/alarms/:event_id', { config: read, schema: { tags, params: AlarmParams, response: one } }, async (req) => ok(a.get(userOf(req), req.params.event_id)));
  r.get('/api/v1/alarms/:event_id/timeline', { config: read, schema: { tags, summary: 'Who did what, oldest first', params: AlarmParams, response: { 200: envelope(z.array(AlarmTimelineEntry)) } } }, async (req) =>
    ok(a.timeline(userOf(req), req.params.event_id)),
  );
  r.post('/api/v1/alarms/:event_id/acknowledge', { config: operate, schema: { tags, summary: 'new → acknowledged (409 CONFLICT otherwise)', params: AlarmParams, body: AlarmActionBody, response: one } }, async (req) =>
    ok(a.acknowledge(callerOf(req), req.params.event_id, req.body.note)),
  );
  r.post(
    '/api/v1/alarms/acknowledge',
    { config: operate, schema: { tags, summary: 'Acknowledge up to 500 alarms; one result per id, in order', body: AlarmBulkBody, response: { 200: envelope(AlarmBulkResult) } } },
    async (req) => ok(a.acknowledgeMany(callerOf(req), req.body.event_ids, req.body.note)),
  );
  r.post('/api/v1/alarms/:event_id/close', { config: operate, schema: { tags, summary: 'acknowledged (or new: acknowledged implicitly) → closed', params: AlarmParams, body: AlarmActionBody, response: one } }, async (req) =>
    ok(a.close(callerOf(req), req.params.event_id, req.body.note)),
  );
  r.post('/api/v1/alarms/:event_id/note', { config: operate, schema: { tags, summary: 'Add a note to the timeline', params: AlarmParams, body: AlarmNoteBody, response: one } }, async (req) =>
    ok(a.addNote(callerOf(req), req.params.event_id, req.body.note)),
  );

  const etags = ['alarm escalation'];
  r.get('/api/v1/alarm-escalation', { config: admin, schema: { tags: etags, summary: 'The setting of every branch in scope (defaults where none is stored)', response: { 200: envelope(z.array(EscalationSettings)) } } }, async (req) =>
    ok(a.listSettings(userOf(req))),
  );
  r.get('/api/v1/alarm-escalation/:branch_id', { config: admin, schema: { tags: etags, params: EscalationParams, response: { 200: envelope(EscalationSettings) } } }, async (req) => ok(a.getSettings(userOf(req), req.params.branch_id)));
  r.put('/api/v1/alarm-escalation/:branch_id', { config: admin, schema: { tags: etags, params: EscalationParams, body: EscalationSettingsBody, response: { 200: envelope(EscalationSettings) } } }, async (req) =>
    ok(a.putSettings(callerOf(req), req.params.branch_id, req.body)),
  );
  r.delete('/api/v1/alarm-escalation/:branch_id', { config: admin, schema: { tags: etags, params: EscalationParams, response: { 200: envelope(z.object({ deleted: z.literal(true) })) } } }, async (req) => {
    a.deleteSettings(callerOf(req), req.params.branch_id);
    return ok({ deleted: true as const });
  });
}
