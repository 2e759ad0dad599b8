/**
 * chart.js set-up shared by the dashboard's and the reports' charts: what is registered (chart.js
 * is tree-shaken by what is registered, so only these elements are bundled) and the options both
 * screens draw with — short animations, integer ticks from zero, a legend only where a chart has
 * two series.
 */
import {
  BarElement,
  CategoryScale,
  Chart as ChartJS,
  Legend,
  LinearScale,
  LineElement,
  PointElement,
  Tooltip,
  type ChartOptions,
} from 'chart.js';

ChartJS.register(CategoryScale, LinearScale, BarElement, LineElement, PointElement, Tooltip, Legend);

/**
 * Bar chart options.
 * @param locale BCP 47 tag the numbers are printed in
 * @param opts.legend show the legend (below); default off
 * @param opts.horizontal bars along x (a ranking); default columns
 */
export function barOptions(locale: string, opts: { legend?: boolean; horizontal?: boolean } = {}): ChartOptions<'bar'> {
  const value = { beginAtZero: true, ticks: { precision: 0 } };
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: { duration: 250 },
    locale,
    indexAxis: opts.horizontal ? 'y' : 'x',
    plugins: { legend: { display: opts.legend ?? false, position: 'bottom' } },
    scales: opts.horizontal ? { x: value } : { y: value },
  };
}

/** Line chart options, likewise (no legend). */
export function lineOptions(locale: string): ChartOptions<'line'> {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: { duration: 250 },
    locale,
    plugins: { legend: { display: false } },
    scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
  };
}
