/**
 * Camera-offline alarms (issue 14): a camera offline for longer than a `camera_offline` rule's
 * `value` seconds raises that rule's alarm, once per outage and rule (a 60 s medium rule and a
 * 600 s critical one make a ladder). Run by the scheduler's 5-second tick after the device status
 * sweep; the camera's outage starts at its last change to offline (device_status_history).
 *
 * The alarm is an event-log row of type `camera_offline` with no person, in the feed like any
 * event (`alarm.raised` → `detection_update`), and, when the rule says so, a WhatsApp message to
 * the branch's alert numbers (the alert setting of the camera or the branch).
 */
import type { SyncExecutor } from '../db/sync-executor.js';
import type { DomainEvents } from '../domain/domain-events.js';
import type { AlarmMatchRepository } from '../repositories/alarm-match-repository.js';
import type { AlarmRuleMatcher } from './alarm-rule-matcher.js';
import type { NotificationDispatcher } from './notifications/notification-dispatcher.js';
import { countingZone } from './site-time.js';

/** Raises the camera-offline alarms that are due. */
export class CameraOfflineAlarms {
  constructor(
    private readonly repo: AlarmMatchRepository,
    private readonly matcher: AlarmRuleMatcher,
    private readonly exec: SyncExecutor,
    private readonly events: DomainEvents,
    private readonly dispatcher: Pick<NotificationDispatcher, 'onCameraOffline'>,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Raise every camera-offline alarm due now, in one transaction.
   * @returns the event ids of the alarms raised
   */
  sweep(): number[] {
    const now = this.now();
    const at = new Date(now).toISOString();
    return this.exec.tx(() => {
      const raised: number[] = [];
      for (const branchId of this.repo.offlineRuleBranches()) {
        const branch = this.repo.branchArming(branchId);
        if (!branch || branch.armed !== 1) continue;
        const cameras = this.repo
          .offlineCameras(branchId)
          .filter((c) => c.since !== null)
          .map((c) => ({ ...c, since: Date.parse(c.since!) }));
        const names = new Map(cameras.map((c) => [c.device_id, c.device_name]));
        for (const due of this.matcher.offlineAlarms(branch, countingZone(branch.timezone), cameras, now)) {
          const id = this.repo.insertOfflineAlarm(branchId, due.device_id, at, due.alarm);
          this.events.emit('alarm.raised', { event_log_id: id, at: now });
          if (due.alarm.notify_whatsapp)
            this.dispatcher.onCameraOffline(
              {
                event_log_id: id,
                branch_id: branchId,
                branch_name: branch.branch_name,
                device_id: due.device_id,
                device_name: names.get(due.device_id) ?? due.device_id,
                since: new Date(due.since).toISOString(),
              },
              now,
            );
          raised.push(id);
        }
      }
      return raised;
    });
  }
}
