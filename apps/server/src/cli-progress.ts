/**
 * A progress bar for long CLI commands (`pantau rollups rebuild`, `pantau migrate-data`), on stderr so stdout keeps the
 * command's JSON result. Drawn by cli-progress (a well-kept library) when stderr is a terminal;
 * otherwise (CI, a pipe, a log file) one plain line every 5 % instead of redraws.
 */
import cliProgress from 'cli-progress';

/** What the commands need of a bar. */
export interface ProgressBar {
  /** `done` of `total` steps, with extra figures to show (e.g. `{ detections: 1200 }`, `{ table: 'users' }`). */
  update(done: number, total: number, figures?: Record<string, number | string>): void;
  stop(): void;
}

/**
 * A bar titled `title`, counting `unit` (e.g. `days`).
 * @param figures the extra figures `update` is given: a `count` is shown as `value name`
 *   (`1200 detections`), a `label` as `name value` (`table users`)
 * @param stream default: process.stderr
 */
export function progressBar(
  title: string,
  unit = 'steps',
  figures: Record<string, 'count' | 'label'> = {},
  stream: NodeJS.WriteStream = process.stderr,
): ProgressBar {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${title} [{bar}] {percentage}% · {value}/{total} ${unit}${Object.entries(figures)
          .map(([f, kind]) => (kind === 'count' ? ` · {${f}} ${f}` : ` · ${f} {${f}}`))
          .join('')} · ETA {eta_formatted}`,
        stream,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total, values = {}) {
        if (!started) {
          bar.start(total, 0, Object.fromEntries(Object.keys(figures).map((f) => [f, ''])));
          started = true;
        }
        bar.setTotal(total);
        bar.update(done, values);
      },
      stop: () => {
        if (started) bar.stop();
      },
    };
  }
  let shown = -1;
  return {
    update(done, total, figures = {}) {
      const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
      if (pct < shown + 5 && done !== total) return;
      shown = pct;
      const extra = Object.entries(figures)
        .map(([k, v]) => (typeof v === 'number' ? ` · ${v} ${k}` : ` · ${k} ${v}`))
        .join('');
      stream.write(`${title}: ${pct}% (${done}/${total} ${unit}${extra})\n`);
    },
    stop() {},
  };
}
