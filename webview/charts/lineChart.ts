/**
 * One chart.js line chart inside its `[data-chart]` box. Callers hand it finished datasets each
 * render; options are rebuilt only when the theme or the axis type changes. Charts over steps
 * zoom on x: drag across the plot to zoom (the band is drawn by a small plugin, no DOM, so the
 * CSP holds), double-click to reset; or focus the chart (Tab) and use + / − / ← / → / 0 (keyZoom).
 * The range is shared through `onZoom` so all step charts follow.
 */
import type { ChartDataset, ChartOptions, Plugin } from 'chart.js';
import type { Theme } from '../theme';
import { baseOptions, Chart, chartBox, setPoints, type Pt } from './setup';
import { keyZoom, ZOOM_HELP, ZOOM_KEYS } from './zoom';

export type LineDataset = ChartDataset<'line', Pt[]>;

export interface LineChartSpec {
  id: string;
  label: string;
  xTitle: string;
  yTitle: string;
  legend?: boolean;
  /** Adjusts the shared options (e.g. 2-D interaction for the trajectory). */
  tweak?: (o: ChartOptions<'line'>) => void;
  /** Zoom on x by drag or keys: called with the chosen step range (undefined: reset). */
  onZoom?: (range: [number, number] | undefined, viaKeyboard?: boolean) => void;
}

/** A drag shorter than this (CSS px) is a click, not a zoom. */
const MIN_DRAG = 6;

export class LineChart {
  readonly box: HTMLDivElement;
  private readonly canvas: HTMLCanvasElement;
  private chart: Chart<'line', Pt[]> | undefined;
  private optionsKey = '';
  private drag: { from: number; to: number } | undefined;
  private bandColor = 'rgba(128, 128, 128, 0.2)';

  constructor(private readonly spec: LineChartSpec) {
    const { box, canvas } = chartBox(spec.id, spec.label);
    this.box = box;
    this.canvas = canvas;
    if (spec.onZoom) this.listenForZoom(spec.onZoom);
  }

  /**
   * Draws `datasets`; `points` is what `data-points` reports (drawable points across series);
   * `xRange` zooms the x axis (undefined: the data's extent).
   */
  update(theme: Theme, themeVersion: number, logY: boolean, datasets: LineDataset[], points: number, xRange?: readonly [number, number]): void {
    const key = `${themeVersion}|${logY}`;
    const rebuild = key !== this.optionsKey;
    this.bandColor = theme.grid;
    if (!this.chart) {
      const options = this.options(theme, logY);
      setRange(options, xRange);
      this.chart = new Chart(this.canvas, { type: 'line', data: { datasets }, options, plugins: [this.bandPlugin()] });
    } else {
      if (rebuild) this.chart.options = this.options(theme, logY);
      setRange(this.chart.options, xRange);
      this.chart.data.datasets = datasets;
      this.chart.update('none');
    }
    this.optionsKey = key;
    setPoints(this.box, points);
  }

  private listenForZoom(onZoom: (range: [number, number] | undefined, viaKeyboard?: boolean) => void): void {
    const c = this.canvas;
    // Reachable with Tab, so the zoom is not mouse-only; the label says which keys do what.
    c.tabIndex = 0;
    c.setAttribute('aria-label', `${this.spec.label}. ${ZOOM_HELP}`);
    c.setAttribute('aria-keyshortcuts', ZOOM_KEYS);
    c.addEventListener('keydown', (e) => {
      const scale = this.chart?.scales.x;
      const extent = this.dataExtent();
      if (!scale || !extent || e.altKey || e.ctrlKey || e.metaKey) return;
      const zoomed = this.chart?.options.scales?.x?.min !== undefined;
      const next = keyZoom(e.key, zoomed ? [scale.min, scale.max] : undefined, extent);
      if (next === null) return;
      e.preventDefault();
      onZoom(next, true);
    });
    const xOf = (e: PointerEvent) => e.clientX - c.getBoundingClientRect().left;
    c.addEventListener('pointerdown', (e) => {
      const area = this.chart?.chartArea;
      const x = xOf(e);
      if (e.button !== 0 || !area || x < area.left || x > area.right) return;
      this.drag = { from: x, to: x };
      c.setPointerCapture(e.pointerId);
    });
    c.addEventListener('pointermove', (e) => {
      if (!this.drag) return;
      this.drag.to = xOf(e);
      this.chart?.draw();
    });
    const end = (e: PointerEvent, apply: boolean) => {
      const d = this.drag;
      this.drag = undefined;
      if (c.hasPointerCapture(e.pointerId)) c.releasePointerCapture(e.pointerId);
      const scale = this.chart?.scales.x;
      if (apply && d && scale && Math.abs(d.to - d.from) >= MIN_DRAG) {
        const a = scale.getValueForPixel(Math.min(d.from, d.to));
        const b = scale.getValueForPixel(Math.max(d.from, d.to));
        if (a !== undefined && b !== undefined && b > a) onZoom([a, b]);
      }
      this.chart?.draw();
    };
    c.addEventListener('pointerup', (e) => end(e, true));
    c.addEventListener('pointercancel', (e) => end(e, false));
    c.addEventListener('dblclick', () => onZoom(undefined));
  }

  /** First and last x over the drawn datasets (what "everything" means for the keys). */
  private dataExtent(): [number, number] | undefined {
    let lo = Infinity;
    let hi = -Infinity;
    for (const d of this.chart?.data.datasets ?? []) {
      for (const p of d.data) {
        if (p && Number.isFinite(p.x)) {
          if (p.x < lo) lo = p.x;
          if (p.x > hi) hi = p.x;
        }
      }
    }
    return hi > lo ? [lo, hi] : undefined;
  }

  /** Shades the band being dragged across the plot area. */
  private bandPlugin(): Plugin<'line'> {
    return {
      id: 'zoomBand',
      afterDraw: (chart) => {
        const d = this.drag;
        if (!d) return;
        const { top, bottom, left, right } = chart.chartArea;
        const a = Math.max(left, Math.min(d.from, d.to));
        const b = Math.min(right, Math.max(d.from, d.to));
        chart.ctx.save();
        chart.ctx.fillStyle = this.bandColor;
        chart.ctx.fillRect(a, top, b - a, bottom - top);
        chart.ctx.restore();
      },
    };
  }

  setYTitle(title: string): void {
    if (title === this.spec.yTitle) return;
    this.spec.yTitle = title;
    this.optionsKey = '';
  }

  clear(): void {
    this.chart?.destroy();
    this.chart = undefined;
    this.optionsKey = '';
    setPoints(this.box, 0);
  }

  private options(theme: Theme, logY: boolean): ChartOptions<'line'> {
    const o = baseOptions(
      theme,
      { type: 'linear', title: this.spec.xTitle },
      { type: logY ? 'logarithmic' : 'linear', title: this.spec.yTitle },
      this.spec.legend ?? true,
    );
    this.spec.tweak?.(o);
    return o;
  }
}

/** A plain series dataset with theme defaults. */
export function line(label: string, color: string, data: Pt[], theme: Theme, extra: Partial<LineDataset> = {}): LineDataset {
  return {
    label,
    data,
    borderColor: color,
    backgroundColor: color,
    borderWidth: theme.lineWidth,
    pointRadius: 0,
    ...extra,
  };
}

function setRange(o: ChartOptions<'line'>, range: readonly [number, number] | undefined): void {
  const x = o.scales?.x;
  if (!x) return;
  x.min = range?.[0];
  x.max = range?.[1];
}
