/** Single-series per-step charts: learning rate (`lr`) and global gradient norm (`gradnorm`). */
import { visibleIndices } from '../decimate';
import type { RunData } from '../store';
import { checkbox, section } from '../ui/controls';
import type { UiState } from '../vscode';
import type { RenderCtx } from './context';
import { line, LineChart } from './lineChart';
import { MAX_POINTS, toPoints } from './setup';
import { zoomSpec } from './zoom';

export class LearningRateView {
  readonly element: HTMLElement;
  private readonly chart = new LineChart({ id: 'lr', label: 'Learning rate per step', xTitle: 'step', yTitle: 'α', legend: false, ...zoomSpec });

  constructor() {
    this.element = section('Learning rate', [], this.chart.box);
  }

  render(run: RunData, ctx: RenderCtx): void {
    const idx = visibleIndices(run.step, run.lr, MAX_POINTS, ctx.xRange);
    const p = toPoints(run.step, run.lr, idx, false);
    this.chart.update(ctx.theme, ctx.themeVersion, false, [line('learning rate', ctx.theme.palette[2], p.pts, ctx.theme)], p.drawn, ctx.xRange);
  }

  clear(): void {
    this.chart.clear();
  }
}

export class GradNormView {
  readonly element: HTMLElement;
  private readonly chart = new LineChart({ id: 'gradnorm', label: 'Global gradient norm per step', xTitle: 'step', yTitle: '‖∇‖', legend: false, ...zoomSpec });
  private readonly log: ReturnType<typeof checkbox>;

  constructor(ui: UiState, setUi: (p: Partial<UiState>) => void) {
    this.log = checkbox('Log scale', ui.gradLogScale, (v) => setUi({ gradLogScale: v }), 'Log scale for the gradient norm');
    this.element = section('Gradient norm', [this.log.root], this.chart.box);
  }

  render(run: RunData, ctx: RenderCtx): void {
    const log = ctx.ui.gradLogScale;
    this.log.input.checked = log;
    const idx = visibleIndices(run.step, run.gradNorm, MAX_POINTS, ctx.xRange);
    const p = toPoints(run.step, run.gradNorm, idx, log);
    this.chart.update(ctx.theme, ctx.themeVersion, log, [line('gradient norm', ctx.theme.red, p.pts, ctx.theme)], p.drawn, ctx.xRange);
  }

  clear(): void {
    this.chart.clear();
  }
}
