/** `compare-loss`: the training loss of every run of a compare group, one colour per variant, with a legend. */
import { strideIndices } from '../decimate';
import type { RunData } from '../store';
import { seriesColor } from '../theme';
import { section } from '../ui/controls';
import type { RenderCtx } from './context';
import { groupOf, label } from './compareGroup';
import { line, LineChart, type LineDataset } from './lineChart';
import { MAX_POINTS, toPoints } from './setup';

export class CompareLossView {
  readonly element: HTMLElement;
  private readonly chart = new LineChart({ id: 'compare-loss', label: 'Training loss of each compared variant', xTitle: 'step', yTitle: 'loss' });

  constructor(private readonly allRuns: () => RunData[]) {
    this.element = section('Compare: loss per variant', [], this.chart.box);
    this.element.classList.add('wide');
  }

  /** A group with more than one run. */
  has(run: RunData): boolean {
    return groupOf(run, this.allRuns()).length > 1;
  }

  render(run: RunData, ctx: RenderCtx): void {
    const { theme } = ctx;
    const runs = groupOf(run, this.allRuns());
    // Log scale unless a loss is ≤ 0 (the saddle): losses of variants differ by orders of magnitude.
    const log = runs.every((r) => r.loss.every((l) => !(l <= 0)));
    let drawn = 0;
    const datasets: LineDataset[] = runs.map((r, i) => {
      const { pts, drawn: n } = toPoints(r.step, r.loss, strideIndices(r.step.length, MAX_POINTS), log);
      drawn += n;
      return line(label(r), seriesColor(theme, i), pts, theme);
    });
    this.chart.update(theme, ctx.themeVersion, log, datasets, drawn);
  }

  clear(): void {
    this.chart.clear();
  }
}
