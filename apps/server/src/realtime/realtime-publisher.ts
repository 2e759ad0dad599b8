/**
 * The real-time publisher: the one place that turns domain events (domain/domain-events.ts)
 * into outbox rows, i.e. into the frames the consoles receive (packages/shared/src/realtime.ts),
 * and decides who receives each one (the row's channel, see repositories/outbox-repository.ts):
 *
 * | domain event            | frame(s)                                    | audience                          |
 * | ----------------------- | ------------------------------------------- | --------------------------------- |
 * | detection.applied       | detection_update (the `GET /events` row)    | the branch                        |
 * | alarm.raised            | detection_update (a camera-offline alarm)   | the branch                        |
 * | snapshot.ready          | snapshot_ready                              | the branch                        |
 * | alarm.updated           | alarm_updated                               | the branch                        |
 * | arming.updated          | arming_updated                              | the branch                        |
 * | delivery.updated        | notification_update                         | the branch; admins for a test     |
 * | layout.changed          | layout_updated                              | see {@link layoutAudience}        |
 * | group.changed           | group_updated                               | the group                         |
 * | branch.changed          | branch_updated (+ group_updated per group when moved) | the branch (the groups) |
 * | device.changed          | device_updated (+ `deleted` to the old branch when moved) | the branch(es)      |
 * | device.status_changed   | nvr_online / nvr_offline, camera_status_update | the branch                     |
 * | branch.stats_changed    | stats_updated                               | the branch                        |
 * | stream.status_changed   | stream_status                               | the branch                        |
 * | user.changed            | user_updated                                | admins, and the user              |
 * | queues.changed          | queue_stats                                 | admins of every branch            |
 * | report.ready            | report_ready                                | a branch's report: the branch;    |
 * |                         |                                             | else each user who asked for it   |
 *
 * It runs inside the transaction of each change (a subscriber of the domain events), so a frame
 * commits with its change or not at all, and the outbox's order is the commits' order.
 */
import type { RealtimeEventMap, RealtimeEventType } from '@pantau/shared';
import type { DomainEventMap, DomainEvents } from '../domain/domain-events.js';
import type { EventRowRepository } from '../repositories/event-rows.js';
import type { Outbox } from '../repositories/outbox-repository.js';

/** Where a frame goes: a branch, a group, every user, the admins of every branch, or one user. */
type Audience = { branch: number } | { group: number } | { everyone: true } | { admins: true } | { user: number };

/**
 * Who hears of a layout change: a shared layout's change goes to each branch of its streams
 * before and after the change (so who gains and who loses sight of it both hear it), or to
 * everyone when it showed or shows no stream (everyone sees it then); a private layout's goes to
 * its owner alone (one without an owner is seen by no one), and when it has just stopped being
 * shared its former audience first hears `hidden`, so their lists and open walls drop it.
 * A user whose scope holds several of those branches gets one frame per branch (a refetch each).
 */
export function layoutAudience(
  e: DomainEventMap['layout.changed'],
): Array<{ to: Audience; data: RealtimeEventMap['layout_updated'] }> {
  const byBranches = (branches: readonly number[]): Audience[] =>
    branches.length === 0 ? [{ everyone: true }] : branches.map((b) => ({ branch: b }));
  if (e.visibility === 'shared') {
    const audiences = [e.branches_before, e.branches_after].filter((a): a is readonly number[] => a !== null);
    const branches = audiences.some((a) => a.length === 0) ? [] : [...new Set(audiences.flat())].sort((a, b) => a - b);
    const data = { layout_id: e.layout_id, action: e.action, visibility: 'shared' as const, owner_user_id: null };
    return byBranches(branches).map((to) => ({ to, data }));
  }
  const out: Array<{ to: Audience; data: RealtimeEventMap['layout_updated'] }> = [];
  if (e.was_shared) {
    const hidden = {
      layout_id: e.layout_id,
      action: 'hidden' as const,
      visibility: 'private' as const,
      owner_user_id: null,
    };
    for (const to of byBranches(e.branches_before ?? [])) out.push({ to, data: hidden });
  }
  if (e.owner_user_id !== null) {
    out.push({
      to: { user: e.owner_user_id },
      data: { layout_id: e.layout_id, action: e.action, visibility: 'private', owner_user_id: e.owner_user_id },
    });
  }
  return out;
}

/** Maps domain events to outbox rows; see the module comment. */
export class RealtimePublisher {
  private appended = false;

  constructor(
    private readonly outbox: Outbox,
    private readonly eventRows: EventRowRepository,
    events: DomainEvents,
    private readonly now: () => number = Date.now,
  ) {
    events.on('detection.applied', (e) => {
      // the same row `GET /events` lists, so the feed and the REST reads cannot differ
      const row = this.eventRows.byId(e.event_log_id);
      if (!row) throw new Error(`event ${e.event_log_id} vanished inside its own transaction`);
      this.send({ branch: row.branch_id }, 'detection_update', { ...row, person: e.person }, e.at);
    });
    // an alarm with no person (a camera offline) is a feed row like any event
    events.on('alarm.raised', (e) => {
      const row = this.eventRows.byId(e.event_log_id);
      if (!row) throw new Error(`event ${e.event_log_id} vanished inside its own transaction`);
      this.send(
        { branch: row.branch_id },
        'detection_update',
        { ...row, person: { total_actual_count: 0, total_detection_branch_count: 0 } },
        e.at,
      );
    });
    events.on('snapshot.ready', (e) => this.send({ branch: e.branch_id }, 'snapshot_ready', e));
    events.on('alarm.updated', (e) => this.send({ branch: e.branch_id }, 'alarm_updated', e));
    events.on('arming.updated', (e) => this.send({ branch: e.branch_id }, 'arming_updated', e));
    events.on('delivery.updated', (e) =>
      this.send(
        e.branch_id === null ? { admins: true } : { branch: e.branch_id },
        'notification_update',
        { event_log_id: e.event_log_id, delivery_id: e.delivery_id, phone: e.phone, status: e.status, error: e.error },
        e.at,
      ),
    );
    events.on('layout.changed', (e) => {
      for (const { to, data } of layoutAudience(e)) this.send(to, 'layout_updated', data);
    });
    events.on('group.changed', (e) => this.send({ group: e.group_id }, 'group_updated', e));
    events.on('branch.changed', (e) => {
      this.send({ branch: e.branch_id }, 'branch_updated', {
        branch_id: e.branch_id,
        group_id: e.group_id,
        action: e.action,
      });
      // a move changes both groups' lists of branches
      if (e.previous_group_id !== undefined && e.previous_group_id !== e.group_id) {
        for (const g of [e.previous_group_id, e.group_id]) {
          this.send({ group: g }, 'group_updated', { group_id: g, action: 'updated' });
        }
      }
    });
    events.on('device.changed', (e) => {
      this.send({ branch: e.branch_id }, 'device_updated', {
        device_id: e.device_id,
        branch_id: e.branch_id,
        action: e.action,
        ...(e.stream_id !== undefined ? { stream_id: e.stream_id } : {}),
      });
      // moved away: for the old branch's users the device is gone
      if (e.previous_branch_id !== undefined && e.previous_branch_id !== e.branch_id) {
        this.send({ branch: e.previous_branch_id }, 'device_updated', {
          device_id: e.device_id,
          branch_id: e.previous_branch_id,
          action: 'deleted',
        });
      }
    });
    events.on('device.status_changed', (e) => {
      const at = { branch: e.branch_id };
      if (e.device_type === 'nvr' && e.to !== 'maintenance') {
        const data = { device_id: e.device_id, branch_id: e.branch_id };
        this.send(at, e.to === 'online' ? 'nvr_online' : 'nvr_offline', data, e.at);
      } else {
        this.send(at, 'camera_status_update', { device_id: e.device_id, branch_id: e.branch_id, status: e.to }, e.at);
      }
    });
    events.on('branch.stats_changed', (e) => this.send({ branch: e.branch_id }, 'stats_updated', e.counters, e.at));
    events.on('stream.status_changed', (e) =>
      this.send({ branch: e.branch_id }, 'stream_status', {
        stream_id: e.stream_id,
        quality: e.quality,
        status: e.status,
        since: e.since,
        source: e.source,
        ...(e.error !== undefined ? { error: e.error } : {}),
        ...(e.problem !== undefined ? { problem: e.problem } : {}),
      }),
    );
    events.on('user.changed', (e) => {
      const data = { user_id: e.user_id, action: 'updated' as const };
      this.send({ admins: true }, 'user_updated', data);
      this.send({ user: e.user_id }, 'user_updated', data);
    });
    events.on('queues.changed', (e) => this.send({ admins: true }, 'queue_stats', e));
    events.on('report.ready', ({ requested_by, ...data }) => {
      // a branch's report goes to whoever may see the branch: a regeneration nobody asked for
      // (the sweep, after late detections) then reaches a console that shows it. A group's or
      // all-branch report only to who asked: the group channel also reaches users who see one
      // branch of it, and the frame's late_detections would tell them of the others.
      if (data.branch_id !== null) this.send({ branch: data.branch_id }, 'report_ready', data);
      else for (const user of requested_by) this.send({ user }, 'report_ready', data);
    });
  }

  /**
   * Whether a frame was written since the last call: the container's commit hook pumps the hub
   * only then (a commit without frames, like a detection's 202, costs the hub nothing).
   */
  takeAppended(): boolean {
    const was = this.appended;
    this.appended = false;
    return was;
  }

  private send<T extends RealtimeEventType>(
    to: Audience,
    type: T,
    data: RealtimeEventMap[T],
    at: number = this.now(),
  ): void {
    this.appended = true;
    if ('branch' in to) this.outbox.append(type, to.branch, data, at);
    else if ('group' in to) this.outbox.append(type, null, data, at, to.group);
    else if ('everyone' in to) this.outbox.append(type, null, data, at);
    else if ('admins' in to) this.outbox.appendForAdmins(type, data, at);
    else this.outbox.appendForUser(type, to.user, data, at);
  }
}
