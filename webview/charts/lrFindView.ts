/** `lr-find`: the learning-rate range test, loss against α on a log axis, the suggestion marked. */
import type { ChartOptions } from 'chart.js';
import { formatNumber } from '../format';
import type { RunData } from '../store';
import { withAlpha, type Theme } from '../theme';
import { section } from '../ui/controls';
import { h, setText } from '../ui/dom';
import type { RenderCtx } from './context';
import { lastProbe } from './compareGroup';
import { line, LineChart } from './lineChart';
import { axis, type Pt } from './setup';

export class LrFindView {
  readonly element: HTMLElement;
  private readonly note = h('p', { class: 'muted lr-find-note', 'data-lr-suggested': '' });
  private theme: Theme | undefined;
  private readonly chart = new LineChart({
    id: 'lr-find',
    label: 'Loss against the learning rate (range test)',
    xTitle: 'learning rate α',
    yTitle: 'loss',
    tweak: (o: ChartOptions<'line'>) => {
      if (this.theme && o.scales) o.scales.x = axis(this.theme, 'logarithmic', 'learning rate α');
    },
  });

  constructor() {
    this.element = section('Learning-rate range test', [], this.chart.box, this.note);
    this.element.classList.add('wide');
  }

  has(run: RunData): boolean {
    return run.info.task === 'lrFind';
  }

  render(run: RunData, ctx: RenderCtx): void {
    const { theme } = ctx;
    this.theme = theme;
    const rec = lastProbe([run], 'lrFind');
    // Live: the step records carry α and the loss; the final record adds the smoothing and the suggestion.
    const raw: Pt[] = run.lr.map((lr, i) => ({ x: lr, y: run.loss[i] }));
    const datasets = [line('loss', withAlpha(theme.blue, 0.45), raw, theme)];
    if (rec) {
      datasets.push(line('smoothed', theme.blue, rec.lrs.map((lr, i) => ({ x: lr, y: rec.smoothed[i] ?? NaN })), theme));
      if (rec.suggested !== null) {
        const ys = rec.smoothed.filter(Number.isFinite);
        const lo = Math.min(...ys);
        const hi = Math.max(...ys);
        datasets.push(line(`suggested α = ${formatNumber(rec.suggested, 2)}`, theme.green, [{ x: rec.suggested, y: lo }, { x: rec.suggested, y: hi }], theme, { borderDash: [4, 3] }));
      }
      const tenth = rec.minLossLr !== null ? `; a tenth of the α at the minimum: ${formatNumber(rec.minLossLr / 10, 2)}` : '';
      setText(this.note, rec.suggested !== null
        ? `Suggested learning rate ${formatNumber(rec.suggested, 2)} (where the smoothed loss falls fastest)${tenth}. ${rec.exploded ? 'The test stopped when the loss exploded.' : ''}`
        : 'The loss never fell: widen the range.');
      this.note.dataset.lrSuggested = rec.suggested !== null ? String(rec.suggested) : '';
    } else setText(this.note, 'Running: α grows exponentially, one update each…');
    // Log y: the dip before the explosion stays visible next to a loss that grows 100×.
    this.chart.update(theme, ctx.themeVersion, raw.every((p) => p.y > 0), datasets, raw.length);
  }

  clear(): void {
    this.chart.clear();
  }
}
