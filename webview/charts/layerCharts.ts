/**
 * Per-layer views: gradient norms (`layer-gradnorm`, where vanishing/exploding gradients show as
 * lines fanning apart) and update/weight ratios (`update-ratio`, with the ~1e-3 rule of thumb).
 */
import { visibleIndices } from '../decimate';
import type { RunData } from '../store';
import { seriesColor, withAlpha } from '../theme';
import { section } from '../ui/controls';
import type { RenderCtx } from './context';
import { line, LineChart, type LineDataset } from './lineChart';
import { MAX_POINTS, toPoints } from './setup';
import { zoomSpec } from './zoom';

/** A healthy update moves weights by roughly a thousandth of their size per step. */
const RATIO_REFERENCE = 1e-3;

function perLayer(run: RunData, series: number[][], ctx: RenderCtx): { datasets: LineDataset[]; points: number } {
  const datasets: LineDataset[] = [];
  let points = 0;
  series.forEach((ys, l) => {
    const idx = visibleIndices(run.step, ys, MAX_POINTS, ctx.xRange);
    const p = toPoints(run.step, ys, idx, true);
    datasets.push(line(layerName(run, l) + zeroNote(ys), seriesColor(ctx.theme, l), p.pts, ctx.theme));
    points += p.drawn;
  });
  return { datasets, points };
}

/**
 * Exact zeros cannot sit on a log axis, yet a layer whose gradient is exactly zero (dead ReLUs)
 * is the thing to notice: say so in the legend rather than silently drawing nothing.
 */
function zeroNote(ys: number[]): string {
  let zeros = 0;
  let measured = 0;
  for (const y of ys) {
    if (!Number.isFinite(y)) continue;
    measured++;
    if (y <= 0) zeros++;
  }
  if (zeros === 0) return '';
  return zeros === measured ? ' — always 0' : ` — 0 at ${zeros} steps`;
}

export function layerName(run: RunData, l: number): string {
  return run.info.layers[l] ?? (l === run.info.layers.length ? 'output' : `layer ${l + 1}`);
}

export class LayerGradNormView {
  readonly element: HTMLElement;
  private readonly chart = new LineChart({ id: 'layer-gradnorm', label: 'Gradient norm per layer and step', xTitle: 'step', yTitle: '‖∇W‖ per layer', ...zoomSpec });

  constructor() {
    this.element = section('Gradient norm per layer', [], this.chart.box);
  }

  render(run: RunData, ctx: RenderCtx): void {
    const { datasets, points } = perLayer(run, run.layerGradNorms, ctx);
    this.chart.update(ctx.theme, ctx.themeVersion, true, datasets, points, ctx.xRange);
  }

  clear(): void {
    this.chart.clear();
  }
}

export class UpdateRatioView {
  readonly element: HTMLElement;
  private readonly chart = new LineChart({ id: 'update-ratio', label: 'Update to weight ratio per layer and step', xTitle: 'step', yTitle: '‖ΔW‖ / ‖W‖', ...zoomSpec });

  constructor() {
    this.element = section('Update / weight ratio', [], this.chart.box);
  }

  render(run: RunData, ctx: RenderCtx): void {
    const { datasets, points } = perLayer(run, run.updateRatios, ctx);
    if (run.step.length > 1) {
      const ref = [
        { x: run.step[0], y: RATIO_REFERENCE },
        { x: run.step[run.step.length - 1], y: RATIO_REFERENCE },
      ];
      datasets.push(line('≈1e-3 reference', withAlpha(ctx.theme.muted, 0.8), ref, ctx.theme, { borderDash: [6, 4], borderWidth: 1 }));
    }
    this.chart.update(ctx.theme, ctx.themeVersion, true, datasets, points, ctx.xRange);
  }

  clear(): void {
    this.chart.clear();
  }
}
