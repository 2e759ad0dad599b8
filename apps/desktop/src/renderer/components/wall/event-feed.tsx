/**
 * D4 live event feed: newest first, virtualised (only the rows in view are in the DOM, so
 * 5,000 rows and a burst of hundreds per second cost the same as 30).
 *
 * Every row is an alarm (components/alarms): a tick box, its state with an Acknowledge button,
 * red and pulsing when escalated; a click opens its detail drawer.
 *
 * Test hooks: rows are `data-testid="event-row"` with `data-event-id` (and `data-alarm-state`);
 * the counter is `data-testid="event-counter"` with `data-count`.
 */
import { useRef } from 'react';
import { Badge, Text } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { EventLog } from '@pantau/shared';
import { useTranslation } from 'react-i18next';
import { useEventsStore } from '../../stores/events-store.js';
import { useFormat, type Formatters } from '../../i18n/use-format.js';
import { useBranchTimeZones } from '../../data/use-camera-tree.js';
import { DEFAULT_TIME_ZONE } from '../../lib/format.js';
import {
  EscalationBadge,
  FeedBulkBar,
  FeedSelectAll,
  FeedSelectCell,
  FeedStateCell,
  alarmRowClass,
  useCanOperate,
} from '../alarms/feed-alarm-controls.js';
import { useAlarmUiStore } from '../alarms/alarm-ui-store.js';
import { alarmStateOf, isAlarm } from '../alarms/alarm-model.js';
import { SnapshotThumb } from '../events/snapshot-thumb.js';
import { openPerson } from '../../stores/person-store.js';

/** Height of one row, px (fixed, so the virtualiser never measures). */
export const EVENT_ROW_HEIGHT = 30;

function EventRow({
  row,
  top,
  fmt,
  timeZone,
  canOperate,
}: {
  row: EventLog;
  top: number;
  fmt: Formatters;
  timeZone: string;
  canOperate: boolean;
}) {
  const { t } = useTranslation();
  return (
    <div
      className={`feed__row${alarmRowClass(row)}`}
      style={{ transform: `translateY(${top}px)` }}
      data-testid="event-row"
      data-event-id={row.id}
      data-branch-id={row.branch_id}
      data-alarm-state={alarmStateOf(row) ?? 'event'}
      data-priority={row.priority ?? undefined}
      // an alarm opens its detail; a plain event has none (the person link opens the person)
      onClick={() => isAlarm(row) && useAlarmUiStore.getState().openDetail(row.id)}
    >
      <FeedSelectCell row={row} canOperate={canOperate} />
      <span className="feed__time" title={`${fmt.dateTime(row.event_timestamp, timeZone)} (${timeZone})`}>
        {fmt.clock(row.event_timestamp, timeZone)}
      </span>
      <span className="feed__cell" title={row.branch_name}>
        {row.branch_name}
      </span>
      <span className="feed__cell" title={row.device_name}>
        <SnapshotThumb row={row} timeZone={timeZone} />
        {row.device_name}
      </span>
      {row.re_id === '' ? (
        // an alarm with no person (a camera offline)
        <span className="feed__cell feed__reid" data-testid="feed-no-person">
          {t(`feed.eventType.${row.event_type === 'camera_offline' ? 'camera_offline' : 'other'}`)}
        </span>
      ) : (
        <button
          type="button"
          className="feed__cell feed__reid feed__reid-link"
          title={row.re_id}
          data-testid="feed-person"
          onClick={(e) => {
            e.stopPropagation();
            openPerson(row.re_id);
          }}
        >
          {row.re_id}
        </button>
      )}
      <span className="feed__count">{row.detected_count}</span>
      <FeedStateCell row={row} canOperate={canOperate} />
    </div>
  );
}

/** The feed column. */
export function EventFeed() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const zones = useBranchTimeZones();
  const rows = useEventsStore((s) => s.rows);
  const received = useEventsStore((s) => s.received);
  const canOperate = useCanOperate();
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => EVENT_ROW_HEIGHT,
    getItemKey: (index) => rows[index]?.id ?? index,
    overscan: 10,
  });

  return (
    <aside className="feed feed--alarms" data-testid="event-feed" aria-label={t('feed.title')}>
      <div className="feed__title">
        <Text fw={600} size="sm">
          {t('feed.title')}
        </Text>
        <EscalationBadge />
        <Badge variant="light" color="cyan" data-testid="event-counter" data-count={received}>
          {t('feed.received', { n: fmt.number(received) })}
        </Badge>
      </div>
      <FeedBulkBar />
      <div className="feed__row feed__row--head feed__row--alarm">
        <FeedSelectAll canOperate={canOperate} />
        <span title={t('feed.timeHint')}>{t('feed.time')}</span>
        <span>{t('feed.branch')}</span>
        <span>{t('feed.camera')}</span>
        <span>{t('feed.reId')}</span>
        <span className="feed__count">#</span>
        <span className="alarm-state">{t('alarms.stateHead')}</span>
      </div>
      <div ref={scrollRef} className="feed__scroll">
        {rows.length === 0 ? (
          <Text size="sm" c="dimmed" ta="center" mt="xl" data-testid="event-feed-empty">
            {t('feed.waiting')}
          </Text>
        ) : (
          <div className="feed__inner" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const row = rows[item.index];
              return row ? (
                <EventRow
                  key={row.id}
                  row={row}
                  top={item.start}
                  fmt={fmt}
                  timeZone={zones.get(row.branch_id) ?? DEFAULT_TIME_ZONE}
                  canOperate={canOperate}
                />
              ) : null;
            })}
          </div>
        )}
      </div>
    </aside>
  );
}
