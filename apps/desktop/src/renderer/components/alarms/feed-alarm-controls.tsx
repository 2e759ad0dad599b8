/**
 * The alarm parts of the live event feed (components/wall/event-feed.tsx): a tick box and a
 * state cell per row (Acknowledge button while new; who acknowledged or closed it after), the
 * header's "tick every new row", the bulk bar (note + "Acknowledge selected"), and the
 * escalation badge with the siren's mute switch and the new-alarm toast setting
 * (toast-mode-control.tsx).
 *
 * Test hooks: `alarm-select` (per row), `alarm-select-all`, `alarm-ack` (per row),
 * `alarm-state[data-state=new|acknowledged|closed][data-escalated]`, `alarm-bulk-bar`,
 * `alarm-bulk-note`, `alarm-bulk-ack[data-count]`, `alarm-bulk-clear`,
 * `alarm-escalated[data-count]`, `alarm-mute[aria-pressed]`.
 */
import { useState, type MouseEvent } from 'react';
import { ActionIcon, Badge, Button, Group, TextInput, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { EventLog } from '@pantau/shared';
import { useEventsStore } from '../../stores/events-store.js';
import { useSessionStore } from '../../stores/session-store.js';
import { primeAlarmSound } from '../../lib/alarm-sound.js';
import { useAlarmUiStore } from './alarm-ui-store.js';
import { ackableSelection, alarmStateOf, countOpenEscalations, isOpenEscalation, stateColour } from './alarm-model.js';
import { useAlarmActions } from './use-alarm-actions.js';
import { ToastModeControl } from './toast-mode-control.js';
import './alarms.css';

/** Whether the signed-in user may act on alarms (operators and admins; viewers watch). */
export function useCanOperate(): boolean {
  return useSessionStore((s) => s.user !== null && s.user.role !== 'viewer');
}

const stop = (e: MouseEvent) => e.stopPropagation();

/** The row's tick box (only while the alarm is new and the user may act). */
export function FeedSelectCell({ row, canOperate }: { row: EventLog; canOperate: boolean }) {
  const { t } = useTranslation();
  const checked = useAlarmUiStore((s) => s.selected.has(row.id));
  const toggle = useAlarmUiStore((s) => s.toggle);
  if (!canOperate || alarmStateOf(row) !== 'new') return <span />;
  return (
    <input
      type="checkbox"
      className="alarm-check"
      checked={checked}
      onChange={() => toggle(row.id)}
      onClick={stop}
      aria-label={t('alarms.select')}
      data-testid="alarm-select"
    />
  );
}

/** The row's state: an Acknowledge button while new, else who acknowledged or closed it. */
export function FeedStateCell({ row, canOperate }: { row: EventLog; canOperate: boolean }) {
  const { t } = useTranslation();
  const actions = useAlarmActions();
  const [busy, setBusy] = useState(false);
  const state = alarmStateOf(row);
  const escalated = row.escalated_at != null;
  // a plain event: counted and listed, nothing to acknowledge
  if (state === null) return <span className="alarm-state" data-testid="alarm-state" data-state="event" />;
  const who = state === 'closed' ? row.closed_by_name : row.acknowledged_by_name;
  if (state === 'new' && canOperate) {
    return (
      <span className="alarm-state" data-testid="alarm-state" data-state={state} data-escalated={escalated}>
        <Button
          size="compact-xs"
          variant={escalated ? 'filled' : 'light'}
          color={escalated ? 'red' : 'yellow'}
          loading={busy}
          onClick={(e) => {
            e.stopPropagation();
            setBusy(true);
            void actions.acknowledge(row.id).finally(() => setBusy(false));
          }}
          title={t('alarms.ack')}
          data-testid="alarm-ack"
        >
          {t('alarms.ackShort')}
        </Button>
      </span>
    );
  }
  const label =
    state === 'new'
      ? t('alarms.state.new')
      : who
        ? `${state === 'closed' ? '✓✓' : '✓'} ${who}`
        : t(`alarms.state.${state}`);
  return (
    <Tooltip label={`${t(`alarms.state.${state}`)}${who ? ` · ${who}` : ''}`} openDelay={300}>
      <span className="alarm-state" data-testid="alarm-state" data-state={state} data-escalated={escalated}>
        <Badge size="xs" variant="light" color={stateColour(state, escalated)} className="alarm-state__badge">
          {label}
        </Badge>
      </span>
    </Tooltip>
  );
}

/** Header cell: ticks (or unticks) every new row of the feed, up to 500. */
export function FeedSelectAll({ canOperate }: { canOperate: boolean }) {
  const { t } = useTranslation();
  const selectedCount = useAlarmUiStore((s) => s.selected.size);
  if (!canOperate) return <span />;
  return (
    <input
      type="checkbox"
      className="alarm-check"
      checked={selectedCount > 0}
      aria-label={t('alarms.selectAll')}
      title={t('alarms.selectAll')}
      data-testid="alarm-select-all"
      onChange={() => {
        const ui = useAlarmUiStore.getState();
        if (ui.selected.size > 0) ui.clear();
        else {
          const rows = useEventsStore.getState().rows;
          ui.select(ackableSelection(new Set(rows.map((r) => r.id)), rows));
        }
      }}
    />
  );
}

/** Under the feed's title: shown while rows are ticked — a note and "Acknowledge selected". */
export function FeedBulkBar() {
  const { t } = useTranslation();
  const selected = useAlarmUiStore((s) => s.selected);
  const clear = useAlarmUiStore((s) => s.clear);
  const actions = useAlarmActions();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  if (selected.size === 0) return <div className="alarm-bulk alarm-bulk--empty" />;
  const submit = () => {
    const ids = ackableSelection(selected, useEventsStore.getState().rows);
    if (ids.length === 0) return clear();
    setBusy(true);
    void actions.acknowledgeMany(ids, note).then((r) => {
      setBusy(false);
      if (r) {
        clear();
        setNote('');
      }
    });
  };
  return (
    <div className="alarm-bulk" data-testid="alarm-bulk-bar">
      <TextInput
        size="xs"
        placeholder={t('alarms.notePlaceholder')}
        value={note}
        onChange={(e) => setNote(e.currentTarget.value)}
        maxLength={1000}
        className="alarm-bulk__note"
        data-testid="alarm-bulk-note"
      />
      <Button
        size="compact-sm"
        color="yellow"
        loading={busy}
        onClick={submit}
        data-testid="alarm-bulk-ack"
        data-count={selected.size}
      >
        {t('alarms.ackSelected', { n: selected.size })}
      </Button>
      <Button size="compact-sm" variant="subtle" color="gray" onClick={clear} data-testid="alarm-bulk-clear">
        {t('common.cancel')}
      </Button>
    </div>
  );
}

/** A bell (struck through when muted), 16 px, in the current text colour. */
function BellIcon({ off }: { off: boolean }) {
  return (
    <svg
      width="16"
      height="16"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      <path d="M18 8a6 6 0 1 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
      <path d="M13.7 21a2 2 0 0 1-3.4 0" />
      {off && <path d="M3 3l18 18" />}
    </svg>
  );
}

/** In the feed's title: how many escalated alarms wait, the siren's mute switch and which new alarms toast. */
export function EscalationBadge() {
  const { t } = useTranslation();
  const count = useEventsStore((s) => countOpenEscalations(s.rows));
  const muted = useAlarmUiStore((s) => s.muted);
  const setMuted = useAlarmUiStore((s) => s.setMuted);
  return (
    <Group gap={4} wrap="nowrap">
      {count > 0 && (
        <Badge color="red" variant="filled" className="alarm-pulse" data-testid="alarm-escalated" data-count={count}>
          {t('alarms.escalatedCount', { n: count })}
        </Badge>
      )}
      <Tooltip label={muted ? t('alarms.unmute') : t('alarms.mute')}>
        <ActionIcon
          variant={muted ? 'light' : 'subtle'}
          color={muted ? 'gray' : count > 0 ? 'red' : 'gray'}
          size="sm"
          aria-label={muted ? t('alarms.unmute') : t('alarms.mute')}
          aria-pressed={muted}
          data-testid="alarm-mute"
          onClick={() => {
            primeAlarmSound();
            setMuted(!muted);
          }}
        >
          <BellIcon off={muted} />
        </ActionIcon>
      </Tooltip>
      <ToastModeControl />
    </Group>
  );
}

/**
 * The row class of a feed row: the alarm columns' layout for every row; a plain event (no rule
 * raised it) nothing more; an alarm its state and a stripe of its priority's colour (escalated
 * rows are red and pulse).
 */
export function alarmRowClass(row: EventLog): string {
  const state = alarmStateOf(row);
  if (state === null) return ' feed__row--alarm feed__row--event';
  const priority = ` feed__row--p-${row.priority ?? 'medium'}`;
  if (isOpenEscalation(row)) return ` feed__row--alarm feed__row--escalated${priority}`;
  return ` feed__row--alarm feed__row--${state}${priority}`;
}
