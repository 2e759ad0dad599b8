/**
 * The console-wide alarm layer, mounted once in the signed-in shell whatever screen is open:
 * toasts for new alarms (with Acknowledge; which ones is the operator's toast mode, see
 * toast-mode-control.tsx, and the alarm's priority, see alarm-priority.ts: coloured by it, a
 * critical one stays until acknowledged, a low one does not pop up) and for escalations (red,
 * until acknowledged, whatever the mode), the chime of a high-priority alarm, the siren while an
 * escalated or critical alarm is unacknowledged and not muted, and the alarm detail drawer.
 * Plain events (no rule raised them) make no toast and no sound.
 *
 * Test hooks: `alarm-toast[data-event-id]`, `alarm-toast-ack`, `alarm-escalation-toast[data-event-id]`,
 * `alarm-burst-toast`; the drawer's are in alarm-drawer.tsx; `data-siren` on the document
 * element is `on` while the siren sounds.
 */
import { useEffect, useMemo, useRef } from 'react';
import { Button, Group, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { EventLog, RealtimeEventMap } from '@pantau/shared';
import { realtimeBus } from '../../realtime/event-bus.js';
import { useEventsStore } from '../../stores/events-store.js';
import { alarmAudioContext, createSiren, playChime } from '../../lib/alarm-sound.js';
import { useAlarmUiStore } from './alarm-ui-store.js';
import { countSirenRows } from './alarm-model.js';
import { lookOf } from './alarm-priority.js';
import { BURST_TOAST_ID, escalationToastId, planToasts, toastId } from './alarm-toasts.js';
import { useAlarmActions, type AlarmActions } from './use-alarm-actions.js';
import { useCanOperate } from './feed-alarm-controls.js';
import { AlarmDrawer } from './alarm-drawer.js';

/** How long a new alarm's toast stays, ms (escalations stay until acknowledged). */
const TOAST_MS = 8000;

/** What a toast shows of its alarm. */
type ToastRow = Pick<EventLog, 'id' | 'branch_name' | 'device_name' | 're_id' | 'priority' | 'rule_name'>;

function ToastBody({ row, onAck, onOpen }: { row: ToastRow; onAck: (() => void) | null; onOpen: () => void }) {
  const { t } = useTranslation();
  return (
    <Group justify="space-between" wrap="nowrap" gap="xs">
      <Text size="sm" style={{ cursor: 'pointer', minWidth: 0 }} onClick={onOpen} lineClamp={2}>
        {row.branch_name} · {row.device_name} · {row.re_id}
      </Text>
      {onAck && (
        <Button
          size="compact-xs"
          color="yellow"
          onClick={onAck}
          data-testid="alarm-toast-ack"
          style={{ flexShrink: 0 }}
        >
          {t('alarms.ack')}
        </Button>
      )}
    </Group>
  );
}

/** Toasts, siren and the detail drawer. */
export function AlarmCenter() {
  const { t } = useTranslation();
  const actions = useAlarmActions();
  const canOperate = useCanOperate();
  const live = useRef<{ t: typeof t; actions: AlarmActions; canOperate: boolean }>({ t, actions, canOperate });
  useEffect(() => {
    live.current = { t, actions, canOperate };
  });

  useEffect(() => {
    const singles = new Set<string>();
    let burst = 0;
    const show = (id: string, row: ToastRow, escalated: boolean) => {
      const { t: tr, actions: act, canOperate: may } = live.current;
      const onAck = may ? () => void act.acknowledge(row.id).then((a) => a && notifications.hide(id)) : null;
      const look = lookOf(row.priority);
      const title = escalated
        ? tr('alarms.toast.escalated')
        : `${tr(`alarms.priority.${row.priority ?? 'medium'}`)} · ${row.rule_name ?? tr('alarms.toast.new')}`;
      notifications.show({
        id,
        color: escalated ? 'red' : look.colour,
        title,
        message: <ToastBody row={row} onAck={onAck} onOpen={() => useAlarmUiStore.getState().openDetail(row.id)} />,
        autoClose: escalated || look.sticky ? false : TOAST_MS,
        className: escalated ? 'alarm-pulse' : undefined,
        onClose: () => singles.delete(id),
        'data-testid': escalated ? 'alarm-escalation-toast' : 'alarm-toast',
        'data-event-id': row.id,
        'data-priority': row.priority ?? 'medium',
      } as Parameters<typeof notifications.show>[0]);
    };
    const rowOf = (a: RealtimeEventMap['alarm_updated']) =>
      useEventsStore.getState().rows.find((r) => r.id === a.event_id);
    // Quieting toasts takes away the new-alarm toasts already shown (escalations stay).
    const unsubscribeMode = useAlarmUiStore.subscribe((state, prev) => {
      if (state.toastMode === prev.toastMode || state.toastMode === 'all') return;
      for (const id of singles) notifications.hide(id);
      notifications.hide(BURST_TOAST_ID);
    });
    const unsubscribeBus = realtimeBus.subscribe((events) => {
      const plan = planToasts(events, singles.size, useAlarmUiStore.getState().toastMode);
      for (const id of plan.dismiss) {
        notifications.hide(toastId(id));
        notifications.hide(escalationToastId(id));
      }
      for (const row of plan.single) {
        singles.add(toastId(row.id));
        show(toastId(row.id), row, false);
      }
      if (plan.chime && !useAlarmUiStore.getState().muted) playChime();
      for (const a of plan.escalated) {
        const row: ToastRow = rowOf(a) ?? {
          id: a.event_id,
          branch_name: '',
          device_name: '',
          re_id: `#${a.event_id}`,
          priority: null,
          rule_name: null,
        };
        notifications.hide(toastId(a.event_id));
        show(escalationToastId(a.event_id), row, true);
      }
      if (plan.burst > 0) {
        burst += plan.burst;
        const n = burst;
        const payload = {
          id: BURST_TOAST_ID,
          color: 'yellow',
          title: live.current.t('alarms.toast.burst', { n }),
          message: live.current.t('alarms.toast.burstHint'),
          autoClose: TOAST_MS,
          onClose: () => (burst = 0),
          'data-testid': 'alarm-burst-toast',
        } as Parameters<typeof notifications.show>[0];
        if (n === plan.burst) notifications.show(payload);
        else notifications.update(payload);
      }
    });
    return () => {
      unsubscribeMode();
      unsubscribeBus();
    };
  }, []);

  useEscalationSiren();
  return <AlarmDrawer />;
}

/** Sounds the siren while an escalated or critical alarm of the feed is unacknowledged and the siren is not muted. */
function useEscalationSiren(): void {
  const escalated = useEventsStore((s) => countSirenRows(s.rows));
  const muted = useAlarmUiStore((s) => s.muted);
  const siren = useMemo(() => createSiren(alarmAudioContext), []);
  const on = escalated > 0 && !muted;
  useEffect(() => {
    siren.set(on);
    document.documentElement.dataset.siren = on ? 'on' : 'off';
  }, [on, siren]);
  useEffect(() => () => siren.set(false), [siren]);
}
