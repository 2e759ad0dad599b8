/**
 * `/api/v1/alarms` (issue 5): the alarm list with unacknowledged counts, one alarm, its timeline,
 * acknowledge (one or up to 500), close and note; and `/api/v1/alarm-escalation`, the per-branch
 * escalation settings. Reads are for every signed-in user, actions for operators and admins
 * ('operate'), settings for admins; scope is the server's (out of scope = 404).
 */
import { z } from 'zod';
import { Deleted } from '../schemas/common.js';
import {
  Alarm,
  AlarmActionBody,
  AlarmBulkBody,
  AlarmBulkResult,
  AlarmFilter,
  AlarmNoteBody,
  AlarmPageMeta,
  AlarmParams,
  AlarmServiceLevel,
  AlarmServiceLevelQuery,
  AlarmTimelineEntry,
  EscalationParams,
  EscalationSettings,
  EscalationSettingsBody,
} from '../schemas/alarms.js';
import { defineRoute } from './route.js';

const tags = ['alarms'] as const;
const etags = ['alarm escalation'] as const;

export const alarmRoutes = {
  /** A page of alarms (newest first) and the unacknowledged count of every branch in scope. */
  alarmsPage: defineRoute({
    method: 'GET',
    path: '/api/v1/alarms',
    access: 'read',
    tags,
    summary: 'List alarms',
    description: 'Alarms newest first, with the unacknowledged count of every branch in scope (meta.unacknowledged)',
    query: AlarmFilter,
    data: z.array(Alarm),
    meta: AlarmPageMeta,
  }),
  /** Time to acknowledge (issue 14): per branch and day, per operator and day, p50/p90 and target breaches. */
  alarmServiceLevel: defineRoute({
    method: 'GET',
    path: '/api/v1/alarms/service-level',
    access: 'read',
    tags,
    summary: 'Alarm service level (time to acknowledge)',
    description:
      'Time from raised to acknowledged per branch and day and per operator and day (p50, p90, breaches of the rule’s target), site-local days',
    query: AlarmServiceLevelQuery,
    data: AlarmServiceLevel,
  }),
  getAlarm: defineRoute({
    summary: 'Get an alarm',
    method: 'GET',
    path: '/api/v1/alarms/:event_id',
    access: 'read',
    tags,
    params: AlarmParams,
    data: Alarm,
  }),
  /** Who did what to an alarm, oldest first (starting with `created`). */
  alarmTimeline: defineRoute({
    method: 'GET',
    path: '/api/v1/alarms/:event_id/timeline',
    access: 'read',
    tags,
    summary: 'Who did what, oldest first',
    params: AlarmParams,
    data: z.array(AlarmTimelineEntry),
  }),
  /** new → acknowledged; 409 CONFLICT when it is no longer new. */
  acknowledgeAlarm: defineRoute({
    errors: [409],
    method: 'POST',
    path: '/api/v1/alarms/:event_id/acknowledge',
    access: 'operate',
    tags,
    summary: 'new → acknowledged (409 CONFLICT otherwise)',
    params: AlarmParams,
    body: AlarmActionBody,
    data: Alarm,
  }),
  /** Acknowledge up to 500 alarms; one result per id, in order. */
  acknowledgeAlarms: defineRoute({
    method: 'POST',
    path: '/api/v1/alarms/acknowledge',
    access: 'operate',
    tags,
    summary: 'Acknowledge up to 500 alarms; one result per id, in order',
    body: AlarmBulkBody,
    data: AlarmBulkResult,
  }),
  /** acknowledged (or new) → closed. */
  closeAlarm: defineRoute({
    errors: [409],
    method: 'POST',
    path: '/api/v1/alarms/:event_id/close',
    access: 'operate',
    tags,
    summary: 'acknowledged (or new: acknowledged implicitly) → closed',
    params: AlarmParams,
    body: AlarmActionBody,
    data: Alarm,
  }),
  noteAlarm: defineRoute({
    method: 'POST',
    path: '/api/v1/alarms/:event_id/note',
    access: 'operate',
    tags,
    summary: 'Add a note to the timeline',
    params: AlarmParams,
    body: AlarmNoteBody,
    data: Alarm,
  }),

  /** Escalation settings of every branch in the admin's scope. */
  escalationSettings: defineRoute({
    method: 'GET',
    path: '/api/v1/alarm-escalation',
    access: 'admin',
    tags: etags,
    summary: 'The setting of every branch in scope (defaults where none is stored)',
    data: z.array(EscalationSettings),
  }),
  getEscalationSettings: defineRoute({
    summary: "A branch's escalation settings",
    method: 'GET',
    path: '/api/v1/alarm-escalation/:branch_id',
    access: 'admin',
    tags: etags,
    params: EscalationParams,
    data: EscalationSettings,
  }),
  putEscalationSettings: defineRoute({
    summary: "Set a branch's escalation settings",
    method: 'PUT',
    path: '/api/v1/alarm-escalation/:branch_id',
    access: 'admin',
    tags: etags,
    params: EscalationParams,
    body: EscalationSettingsBody,
    data: EscalationSettings,
  }),
  deleteEscalationSettings: defineRoute({
    summary: "Remove a branch's escalation settings",
    method: 'DELETE',
    path: '/api/v1/alarm-escalation/:branch_id',
    access: 'admin',
    tags: etags,
    params: EscalationParams,
    data: Deleted,
  }),
};
