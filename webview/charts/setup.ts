/**
 * chart.js registration (only what we draw, so the bundle tree-shakes) and the options every
 * chart shares: no animation, pre-parsed {x, y} data, theme colours and fonts.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartOptions,
  type ScaleOptions,
} from 'chart.js';
import { formatNumber, formatTick, logTickLabel } from '../format';
import type { Theme } from '../theme';
import { h } from '../ui/dom';

Chart.register(
  LineController,
  ScatterController,
  BarController,
  LineElement,
  PointElement,
  BarElement,
  LinearScale,
  LogarithmicScale,
  CategoryScale,
  Tooltip,
  Legend,
);

export { Chart };

/** Most points drawn per series; the store keeps everything. */
export const MAX_POINTS = 2000;

export interface Pt {
  x: number;
  y: number;
}

/** A chart's frame: the `[data-chart]` box (with `data-points`) holding the canvas. */
export function chartBox(id: string, label: string, extraClass = ''): { box: HTMLDivElement; canvas: HTMLCanvasElement } {
  const canvas = h('canvas', { role: 'img', 'aria-label': label });
  const box = h('div', { class: `chart-box ${extraClass}`.trim(), 'data-chart': id, 'data-points': '0' }, canvas);
  return { box, canvas };
}

export function setPoints(box: HTMLElement, n: number): void {
  const v = String(n);
  if (box.dataset.points !== v) box.dataset.points = v;
}

type AxisKind = 'linear' | 'logarithmic';

export function axis(theme: Theme, type: AxisKind, title: string): ScaleOptions<'linear' | 'logarithmic'> {
  const font = { family: theme.fontFamily, size: theme.fontSize };
  return {
    type,
    title: { display: title !== '', text: title, color: theme.muted, font },
    grid: { color: theme.grid },
    border: { color: theme.grid },
    ticks: {
      color: theme.foreground,
      font,
      maxTicksLimit: 8,
      callback: (v: number | string, _i: number, ticks: { value: number }[]) =>
        type === 'logarithmic' ? logTickLabel(Number(v), ticks.map((t) => t.value)) : formatTick(Number(v)),
    },
  };
}

export function baseOptions(
  theme: Theme,
  x: { type: AxisKind; title: string },
  y: { type: AxisKind; title: string },
  legend = true,
): ChartOptions<'line'> {
  const font = { family: theme.fontFamily, size: theme.fontSize };
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    parsing: false,
    normalized: true,
    spanGaps: false,
    interaction: { mode: 'nearest', axis: 'x', intersect: false },
    elements: { point: { radius: 0, hitRadius: 4 }, line: { borderWidth: theme.lineWidth } },
    plugins: {
      legend: {
        display: legend,
        position: 'top',
        align: 'end',
        labels: { color: theme.foreground, font, boxWidth: 14, boxHeight: 2 },
      },
      tooltip: {
        titleFont: font,
        bodyFont: font,
        callbacks: {
          title: (items) => (items.length ? `${x.title} ${formatNumber(items[0].parsed.x ?? NaN, 6)}` : ''),
          label: (item) => `${item.dataset.label ?? ''}: ${formatNumber(item.parsed.y ?? NaN)}`,
        },
      },
    },
    scales: {
      x: axis(theme, x.type, x.title),
      y: axis(theme, y.type, y.title),
    },
  } as ChartOptions<'line'>;
}

/**
 * {x, y} points of the given indices; y values a log axis cannot show (≤ 0) become gaps.
 * Returns the points and how many are drawable.
 */
export function toPoints(xs: ArrayLike<number>, ys: ArrayLike<number>, idx: readonly number[], log: boolean): { pts: Pt[]; drawn: number } {
  const pts = new Array<Pt>(idx.length);
  let drawn = 0;
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k];
    let y = ys[i];
    if (!Number.isFinite(y) || (log && y <= 0)) y = NaN;
    else drawn++;
    pts[k] = { x: xs[i], y };
  }
  return { pts, drawn };
}
