/** `trajectory` (objective runs): the optimizer's path in the (x, y) plane, start and current point marked. */
import { strideIndices } from '../decimate';
import { formatNumber } from '../format';
import type { RunData } from '../store';
import { withAlpha } from '../theme';
import { section } from '../ui/controls';
import type { RenderCtx } from './context';
import { line, LineChart } from './lineChart';
import { MAX_POINTS, type Pt } from './setup';

export class TrajectoryView {
  readonly element: HTMLElement;
  private readonly chart = new LineChart({
    id: 'trajectory',
    label: 'Optimizer path in the x-y plane',
    xTitle: 'x',
    yTitle: 'y',
    tweak: (o) => {
      o.interaction = { mode: 'nearest', axis: 'xy', intersect: false };
      const tooltip = o.plugins?.tooltip;
      if (tooltip?.callbacks) {
        tooltip.callbacks.title = () => '';
        tooltip.callbacks.label = (item) => `${item.dataset.label ?? ''}: (${formatNumber(item.parsed.x ?? NaN)}, ${formatNumber(item.parsed.y ?? NaN)})`;
      }
    },
  });

  constructor() {
    this.element = section('Trajectory', [], this.chart.box);
    this.element.classList.add('square');
  }

  render(run: RunData, ctx: RenderCtx): void {
    const { theme } = ctx;
    const n = run.pointX.length;
    const idx = strideIndices(n, MAX_POINTS);
    const path: Pt[] = [];
    for (const i of idx) {
      const x = run.pointX[i];
      const y = run.pointY[i];
      // A diverged point would flatten everything else to a dot: leave it out of the drawing.
      if (Number.isFinite(x) && Number.isFinite(y) && Math.abs(x) < 1e6 && Math.abs(y) < 1e6) path.push({ x, y });
    }
    const datasets = [
      line('path', withAlpha(theme.blue, 0.85), path, theme, { pointRadius: path.length > 200 ? 0 : 2, borderWidth: Math.max(1, theme.lineWidth - 0.5) }),
    ];
    if (path.length > 0) {
      datasets.push(line('start', theme.green, [path[0]], theme, { pointRadius: 6, pointStyle: 'rectRot', showLine: false }));
      datasets.push(line('current', theme.orange, [path[path.length - 1]], theme, { pointRadius: 6, showLine: false }));
    }
    this.chart.update(theme, ctx.themeVersion, false, datasets, path.length);
  }

  clear(): void {
    this.chart.clear();
  }
}
