/**
 * An alarm's detail drawer: what was detected where, its state, and the timeline of who did
 * what and when (in the site's time zone), with Acknowledge, Close and Add note for operators.
 * Opened from a feed row, a toast or the alarms list; refreshes on `alarm_updated`.
 *
 * Test hooks: `alarm-drawer[data-event-id][data-state]`, `alarm-timeline`,
 * `timeline-entry[data-action]`, `alarm-note`, `alarm-drawer-ack|close|note`.
 */
import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Drawer, Group, Loader, Stack, Text, Textarea, Timeline } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Alarm, AlarmTimelineEntry } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { queryKeys } from '../../data/query-keys.js';
import { useBranchTimeZones } from '../../data/use-camera-tree.js';
import { useFormat } from '../../i18n/use-format.js';
import { DEFAULT_TIME_ZONE } from '../../lib/format.js';
import { errorText } from '../../lib/error-text.js';
import { useAlarmUiStore } from './alarm-ui-store.js';
import { stateColour } from './alarm-model.js';
import { lookOf } from './alarm-priority.js';
import { WatchlistControl } from './watchlist-control.js';
import { ackDuration } from './service-level-panel.js';
import { useAlarmActions } from './use-alarm-actions.js';
import { useCanOperate } from './feed-alarm-controls.js';
import { openPerson } from '../../stores/person-store.js';

const DOT: Record<AlarmTimelineEntry['action'], string> = {
  created: 'cyan',
  acknowledged: 'teal',
  closed: 'gray',
  escalated: 'red',
  note: 'blue',
};

function Body({ alarm }: { alarm: Alarm }) {
  const { t } = useTranslation();
  const api = useApi();
  const fmt = useFormat();
  const zone = useBranchTimeZones().get(alarm.branch_id) ?? DEFAULT_TIME_ZONE;
  const actions = useAlarmActions();
  const canOperate = useCanOperate();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const timeline = useQuery({
    queryKey: queryKeys.alarmTimeline(alarm.id),
    queryFn: () => api.alarmTimeline(alarm.id),
  });
  const run = (p: Promise<unknown>) => {
    setBusy(true);
    void p.then((r) => {
      setBusy(false);
      if (r) setNote('');
    });
  };
  const escalated = alarm.escalated_at !== null;
  return (
    <Stack gap="sm">
      <Group gap="xs">
        <Badge
          color={lookOf(alarm.priority).colour}
          variant="filled"
          data-testid="alarm-priority"
          data-priority={alarm.priority}
        >
          {t(`alarms.priority.${alarm.priority}`)}
        </Badge>
        <Badge color={stateColour(alarm.alarm_state, escalated)} variant="filled">
          {t(`alarms.state.${alarm.alarm_state}`)}
        </Badge>
        {escalated && (
          <Badge color="red" variant="light" className={alarm.alarm_state === 'new' ? 'alarm-pulse' : undefined}>
            {t('alarms.escalated')}
          </Badge>
        )}
      </Group>
      {alarm.rule_name && (
        <Text size="sm" data-testid="alarm-rule">
          {t('alarms.rule')}: <b>{alarm.rule_name}</b>
        </Text>
      )}
      {alarm.instructions && (
        <Alert
          color={lookOf(alarm.priority).colour}
          variant="light"
          title={t('alarms.instructions')}
          data-testid="alarm-instructions"
        >
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {alarm.instructions}
          </Text>
        </Alert>
      )}
      <Text size="sm">
        <b>{alarm.branch_name}</b> · {alarm.device_name}
      </Text>
      <Text size="sm" ff="monospace" c="cyan">
        <Anchor
          component="button"
          type="button"
          ff="monospace"
          size="sm"
          onClick={() => {
            useAlarmUiStore.getState().closeDetail();
            openPerson(alarm.re_id);
          }}
          data-testid="alarm-person"
          title={t('persons.open')}
        >
          {alarm.re_id}
        </Anchor>{' '}
        × {alarm.detected_count}
      </Text>
      <Text size="xs" c="dimmed">
        {fmt.dateTime(alarm.event_timestamp, zone)} ({zone})
        {alarm.acknowledged_at !== null &&
          ` · ${t('alarms.ackAfter', { time: ackDuration((Date.parse(alarm.acknowledged_at) - Date.parse(alarm.created_at)) / 1000) })}`}
        {alarm.ack_target_s !== null && ` · ${t('alarms.ackTarget', { time: ackDuration(alarm.ack_target_s) })}`}
      </Text>
      {alarm.re_id !== '' && <WatchlistControl key={alarm.re_id} reId={alarm.re_id} />}
      <Text fw={600} size="sm" mt="sm">
        {t('alarms.timeline')}
      </Text>
      {timeline.isPending ? (
        <Loader size="sm" />
      ) : timeline.error ? (
        <Alert color="red">{errorText(timeline.error, t)}</Alert>
      ) : (
        <Timeline bulletSize={14} lineWidth={2} className="alarm-timeline" data-testid="alarm-timeline">
          {timeline.data.map((e, i) => (
            <Timeline.Item
              key={i}
              color={DOT[e.action]}
              title={t(`alarms.action.${e.action}`)}
              data-testid="timeline-entry"
              data-action={e.action}
            >
              <Text size="xs" c="dimmed">
                {fmt.dateTime(e.at, zone)}
                {e.user_name
                  ? ` · ${e.user_name}`
                  : e.action === 'escalated' || e.action === 'created'
                    ? ` · ${t('alarms.system')}`
                    : ''}
              </Text>
              {e.note && <Text size="sm">{e.note}</Text>}
            </Timeline.Item>
          ))}
        </Timeline>
      )}
      {canOperate && (
        <>
          <Textarea
            label={t('alarms.note')}
            placeholder={t('alarms.notePlaceholder')}
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
            maxLength={1000}
            autosize
            minRows={2}
            data-testid="alarm-note"
          />
          <Group gap="xs">
            {alarm.alarm_state === 'new' && (
              <Button
                color="yellow"
                loading={busy}
                onClick={() => run(actions.acknowledge(alarm.id, note))}
                data-testid="alarm-drawer-ack"
              >
                {t('alarms.ack')}
              </Button>
            )}
            {alarm.alarm_state !== 'closed' && (
              <Button
                variant="light"
                color="gray"
                loading={busy}
                onClick={() => run(actions.close(alarm.id, note))}
                data-testid="alarm-drawer-close"
              >
                {t('alarms.close')}
              </Button>
            )}
            <Button
              variant="subtle"
              disabled={note.trim() === ''}
              loading={busy}
              onClick={() => run(actions.addNote(alarm.id, note))}
              data-testid="alarm-drawer-note"
            >
              {t('alarms.addNote')}
            </Button>
          </Group>
        </>
      )}
    </Stack>
  );
}

/** The drawer of the alarm chosen in the alarm UI store. */
export function AlarmDrawer() {
  const { t } = useTranslation();
  const api = useApi();
  const id = useAlarmUiStore((s) => s.detailId);
  const close = useAlarmUiStore((s) => s.closeDetail);
  const alarm = useQuery({
    queryKey: ['alarms', 'detail', id],
    queryFn: () => api.getAlarm(id!),
    enabled: id !== null,
  });
  return (
    <Drawer
      opened={id !== null}
      onClose={close}
      position="right"
      size="md"
      title={t('alarms.detailTitle', { id: id ?? '' })}
      data-testid="alarm-drawer"
      data-event-id={id ?? undefined}
      data-state={alarm.data?.alarm_state}
    >
      {alarm.isPending ? (
        <Loader size="sm" />
      ) : alarm.error ? (
        <Alert color="red">{errorText(alarm.error, t)}</Alert>
      ) : (
        <Body alarm={alarm.data} />
      )}
    </Drawer>
  );
}
