/**
 * The time-profile grid of the rule editor (issue 14): seven rows (Monday … Sunday) of 24 hour
 * cells in the branch's own time zone. Press on a cell and drag across others to paint them
 * (mouse, touch or pen; the primary button only): the first cell decides whether the drag turns
 * hours on or off. Keyboard: each cell is a toggle button (Space/Enter). The model is
 * time-grid-model.ts.
 *
 * Test hooks: `time-grid`, `time-cell[data-day][data-hour][data-on]`.
 */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { paint, type WeekGrid } from './time-grid-model.js';

const DAY_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** The grid; `onChange` receives a new grid for each painted cell. */
export function TimeGrid({ grid, onChange, zone }: { grid: WeekGrid; onChange: (g: WeekGrid) => void; zone: string }) {
  const { t } = useTranslation();
  const drag = useRef<{ on: boolean } | null>(null);
  // the latest grid, so a drag paints on what the last cell made
  const current = useRef(grid);
  current.current = grid;
  useEffect(() => {
    const end = () => (drag.current = null);
    window.addEventListener('pointerup', end);
    window.addEventListener('pointercancel', end);
    window.addEventListener('blur', end);
    return () => {
      window.removeEventListener('pointerup', end);
      window.removeEventListener('pointercancel', end);
      window.removeEventListener('blur', end);
    };
  }, []);
  const set = (day: number, hour: number, on: boolean) => {
    const next = paint(current.current, day, hour, on);
    if (next !== current.current) {
      current.current = next;
      onChange(next);
    }
  };
  return (
    <div className="time-grid" data-testid="time-grid" role="grid" aria-label={t('rules.schedule.gridLabel', { zone })}>
      <div className="time-grid__row time-grid__row--head" role="row">
        <span />
        {Array.from({ length: 24 }, (_, h) => (
          <span key={h} className="time-grid__hour" role="columnheader">
            {h % 3 === 0 ? String(h).padStart(2, '0') : ''}
          </span>
        ))}
      </div>
      {grid.map((hours, day) => (
        <div key={day} className="time-grid__row" role="row">
          <span className="time-grid__day" role="rowheader">
            {t(`rules.days.${DAY_KEYS[day]}`)}
          </span>
          {hours.map((on, hour) => (
            <button
              key={hour}
              type="button"
              role="gridcell"
              aria-pressed={on}
              aria-label={`${t(`rules.days.${DAY_KEYS[day]}`)} ${String(hour).padStart(2, '0')}:00`}
              className={`time-grid__cell${on ? ' time-grid__cell--on' : ''}`}
              data-testid="time-cell"
              data-day={day}
              data-hour={hour}
              data-on={on}
              onPointerDown={(e) => {
                if (e.button !== 0) return;
                e.preventDefault();
                // touch and pen capture the pointer on the pressed cell: release it, so the
                // cells the finger passes get their pointerenter
                if (e.currentTarget.hasPointerCapture(e.pointerId)) e.currentTarget.releasePointerCapture(e.pointerId);
                drag.current = { on: !on };
                set(day, hour, !on);
              }}
              onPointerEnter={(e) => {
                // a drag whose release was missed (outside the window) paints no more
                if (drag.current && (e.buttons & 1) === 0 && e.pointerType === 'mouse') drag.current = null;
                if (drag.current) set(day, hour, drag.current.on);
              }}
              onKeyDown={(e) => {
                if (e.key === ' ' || e.key === 'Enter') {
                  e.preventDefault();
                  set(day, hour, !on);
                }
              }}
            />
          ))}
        </div>
      ))}
    </div>
  );
}
