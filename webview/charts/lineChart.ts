/**
 * One chart.js line chart inside its `[data-chart]` box. Callers hand it finished datasets each
 * render; options are rebuilt only when the theme or the axis type changes.
 */
import type { ChartDataset, ChartOptions } from 'chart.js';
import type { Theme } from '../theme';
import { baseOptions, Chart, chartBox, setPoints, type Pt } from './setup';

export type LineDataset = ChartDataset<'line', Pt[]>;

export interface LineChartSpec {
  id: string;
  label: string;
  xTitle: string;
  yTitle: string;
  legend?: boolean;
  /** Adjusts the shared options (e.g. 2-D interaction for the trajectory). */
  tweak?: (o: ChartOptions<'line'>) => void;
}

export class LineChart {
  readonly box: HTMLDivElement;
  private readonly canvas: HTMLCanvasElement;
  private chart: Chart<'line', Pt[]> | undefined;
  private optionsKey = '';

  constructor(private readonly spec: LineChartSpec) {
    const { box, canvas } = chartBox(spec.id, spec.label);
    this.box = box;
    this.canvas = canvas;
  }

  /** Draws `datasets`; `points` is what `data-points` reports (drawable points across series). */
  update(theme: Theme, themeVersion: number, logY: boolean, datasets: LineDataset[], points: number): void {
    const key = `${themeVersion}|${logY}`;
    const rebuild = key !== this.optionsKey;
    if (!this.chart) {
      this.chart = new Chart(this.canvas, { type: 'line', data: { datasets }, options: this.options(theme, logY) });
    } else {
      if (rebuild) this.chart.options = this.options(theme, logY);
      this.chart.data.datasets = datasets;
      this.chart.update('none');
    }
    this.optionsKey = key;
    setPoints(this.box, points);
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
