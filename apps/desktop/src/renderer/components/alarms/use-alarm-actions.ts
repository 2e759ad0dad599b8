/**
 * Acknowledge, close and annotate alarms from anywhere in the console. Each answer is applied
 * to the feed at once (the `alarm_updated` event that follows changes nothing more); failures
 * are toasts: a 409 names who got there first.
 */
import { useMemo } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { notifications } from '@mantine/notifications';
import { PantauError, type Alarm, type AlarmBulkResult } from '@pantau/shared';
import { useApi } from '../../data/use-api.js';
import { useEventsStore } from '../../stores/events-store.js';
import { errorText, type Translate } from '../../lib/error-text.js';
import { patchOf } from './alarm-model.js';

/** The actions; each resolves with the API's answer, or null after showing the failure. */
export interface AlarmActions {
  acknowledge: (eventId: number, note?: string) => Promise<Alarm | null>;
  acknowledgeMany: (eventIds: number[], note?: string) => Promise<AlarmBulkResult | null>;
  close: (eventId: number, note?: string) => Promise<Alarm | null>;
  addNote: (eventId: number, note: string) => Promise<Alarm | null>;
}

/** The sentence of a failed alarm action. */
export function alarmErrorText(err: unknown, t: Translate): string {
  if (err instanceof PantauError && err.code === 'CONFLICT') {
    const state = err.details?.state;
    const by = err.details?.acknowledged_by_name;
    if (state === 'closed') return t('alarms.errors.closed');
    if (state === 'acknowledged')
      return typeof by === 'string' ? t('alarms.errors.acknowledgedBy', { name: by }) : t('alarms.errors.acknowledged');
  }
  return errorText(err, t);
}

/** Alarm actions bound to the signed-in client. */
export function useAlarmActions(): AlarmActions {
  const api = useApi();
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  return useMemo(() => {
    const fail = (err: unknown) => {
      notifications.show({ color: 'red', message: alarmErrorText(err, t), 'data-testid': 'alarm-error' } as Parameters<
        typeof notifications.show
      >[0]);
      return null;
    };
    const applied = (a: Alarm) => {
      useEventsStore.getState().applyAlarms([patchOf(a)]);
      void queryClient.invalidateQueries({ queryKey: ['alarms'] });
      return a;
    };
    const clean = (note?: string) => (note && note.trim() ? note.trim() : undefined);
    return {
      acknowledge: (id, note) => api.acknowledgeAlarm(id, { note: clean(note) }).then(applied, fail),
      close: (id, note) => api.closeAlarm(id, { note: clean(note) }).then(applied, fail),
      addNote: (id, note) => api.noteAlarm(id, { note: note.trim() }).then(applied, fail),
      acknowledgeMany: (ids, note) =>
        api.acknowledgeAlarms({ event_ids: ids, note: clean(note) }).then((r) => {
          void queryClient.invalidateQueries({ queryKey: ['alarms'] });
          notifications.show({
            color: r.rejected === 0 ? 'teal' : 'yellow',
            message:
              r.rejected === 0
                ? t('alarms.bulk.done', { n: r.acknowledged })
                : t('alarms.bulk.partly', { n: r.acknowledged, m: r.rejected }),
            'data-testid': 'alarm-bulk-result',
          } as Parameters<typeof notifications.show>[0]);
          return r;
        }, fail),
    };
  }, [api, t, queryClient]);
}
