/**
 * `/api/v1/alarm-rules` (issue 14): which detections raise an alarm, when and how loud; a
 * branch's arming (`/api/v1/branches/:id/arming`); and the watchlist of persons. Rules are
 * read by every signed-in user of the branch and written by its admins; arming and the
 * watchlist are for operators and admins ('operate'). Scope is the server's (out of scope = 404).
 * Every change is audited.
 */
import { z } from 'zod';
import { Deleted, IdParams } from '../schemas/common.js';
import {
  AlarmRule,
  AlarmRuleCreate,
  AlarmRuleFilter,
  AlarmRulePreview,
  AlarmRulePreviewBody,
  AlarmRuleUpdate,
  ArmingBody,
  ArmingScheduleBody,
  BranchArming,
  WatchlistBody,
  WatchlistEntry,
  WatchlistParams,
} from '../schemas/alarm-rules.js';
import { defineRoute } from './route.js';

const tags = ['alarm rules'] as const;

export const alarmRuleRoutes = {
  /** The rules of every branch in scope (or one branch), by branch then id. */
  alarmRules: defineRoute({
    method: 'GET',
    path: '/api/v1/alarm-rules',
    access: 'read',
    tags,
    summary: 'Alarm rules of the branches in scope, by branch then id',
    query: AlarmRuleFilter,
    data: z.array(AlarmRule),
  }),
  getAlarmRule: defineRoute({
    summary: 'Get an alarm rule',
    method: 'GET',
    path: '/api/v1/alarm-rules/:id',
    access: 'read',
    tags,
    params: IdParams,
    data: AlarmRule,
  }),
  /** A new rule of a branch; audited. */
  createAlarmRule: defineRoute({
    method: 'POST',
    path: '/api/v1/alarm-rules',
    access: 'admin',
    tags,
    summary: 'Create an alarm rule',
    description:
      'A rule: its branch, condition, cameras (none = all), time profile (null = always), priority, follow-ups; audited',
    body: AlarmRuleCreate,
    status: 201,
    data: AlarmRule,
  }),
  updateAlarmRule: defineRoute({
    method: 'PATCH',
    path: '/api/v1/alarm-rules/:id',
    access: 'admin',
    tags,
    summary: 'Change any of a rule’s fields; audited',
    params: IdParams,
    body: AlarmRuleUpdate,
    data: AlarmRule,
  }),
  deleteAlarmRule: defineRoute({
    method: 'DELETE',
    path: '/api/v1/alarm-rules/:id',
    access: 'admin',
    tags,
    summary: 'Delete a rule (its alarms keep its name and priority); audited',
    params: IdParams,
    data: Deleted,
  }),
  /** Replay a draft list of a branch's rules over one of its days: how many alarms they would have raised. */
  previewAlarmRules: defineRoute({
    method: 'POST',
    path: '/api/v1/alarm-rules/preview',
    access: 'admin',
    tags,
    summary: 'Preview draft alarm rules over a past day',
    description:
      'Replay draft rules over the detections of one site-local day of the branch (default yesterday): how many would have raised alarms',
    body: AlarmRulePreviewBody,
    data: AlarmRulePreview,
  }),
  /** Every branch's arming in scope. */
  armings: defineRoute({
    method: 'GET',
    path: '/api/v1/arming',
    access: 'read',
    tags,
    summary: 'Armed or not, and the arming mode, of every branch in scope',
    data: z.array(BranchArming),
  }),
  /** Arm or disarm a branch, or switch its mode; audited and broadcast (`arming_updated`). */
  setArming: defineRoute({
    method: 'POST',
    path: '/api/v1/branches/:id/arming',
    access: 'operate',
    tags,
    summary: 'Arm or disarm a branch',
    description: 'Arm or disarm a branch, or switch its arming mode (a disarmed branch raises no alarms); audited',
    params: IdParams,
    body: ArmingBody,
    data: BranchArming,
  }),
  /** Set the modes a branch switches to by time; audited. */
  setArmingSchedule: defineRoute({
    method: 'PUT',
    path: '/api/v1/branches/:id/arming-schedule',
    access: 'admin',
    tags,
    summary: "Set a branch's arming schedule",
    description:
      'Set the arming modes a branch switches to by time (first entry on wins; none on: no mode); never arms or disarms; audited',
    params: IdParams,
    body: ArmingScheduleBody,
    data: BranchArming,
  }),
  watchlist: defineRoute({
    method: 'GET',
    path: '/api/v1/watchlist',
    access: 'read',
    tags,
    summary: 'List the watchlist',
    description:
      'Persons on the watchlist, newest first (for a user with a scope: those seen at its branches, and those they added)',
    data: z.array(WatchlistEntry),
  }),
  /** Put a person on the watchlist (or change the reason); audited. */
  putWatchlist: defineRoute({
    method: 'PUT',
    path: '/api/v1/watchlist/:re_id',
    access: 'operate',
    tags,
    summary: 'Put a person on the watchlist',
    description:
      'Put a person on the watchlist with a reason (or change the reason: a user with a scope only of an entry they added); audited',
    params: WatchlistParams,
    body: WatchlistBody,
    data: WatchlistEntry,
  }),
  deleteWatchlist: defineRoute({
    method: 'DELETE',
    path: '/api/v1/watchlist/:re_id',
    access: 'operate',
    tags,
    summary: 'Take a person off the watchlist',
    description: 'Take a person off the watchlist (a user with a scope: only an entry they added); audited',
    params: WatchlistParams,
    data: Deleted,
  }),
} as const;
