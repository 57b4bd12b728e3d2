/**
 * The `loss` chart: per-step train loss (raw + EMA), the loss at the averaged parameters when the
 * run averages its iterates (`avgLoss`, smoothed alike), epoch train and validation loss.
 */
import { visibleIndices } from '../decimate';
import { EmaCache, emaSmooth } from '../smoothing';
import type { RunData } from '../store';
import { withAlpha } from '../theme';
import { checkbox, section, slider } from '../ui/controls';
import type { UiState } from '../vscode';
import type { RenderCtx } from './context';
import { line, LineChart, type LineDataset } from './lineChart';
import { MAX_POINTS, toPoints } from './setup';
import { zoomSpec } from './zoom';

export class LossView {
  readonly element: HTMLElement;
  private readonly chart = new LineChart({ id: 'loss', label: 'Training and validation loss per step (drag to zoom, double-click to reset)', xTitle: 'step', yTitle: 'loss', ...zoomSpec });
  private readonly ema = new EmaCache();
  private readonly avgEma = new EmaCache();
  private readonly log: ReturnType<typeof checkbox>;
  private readonly smooth: ReturnType<typeof slider>;

  constructor(ui: UiState, setUi: (p: Partial<UiState>) => void) {
    this.log = checkbox('Log scale', ui.logScale, (v) => setUi({ logScale: v }), 'Log scale for the loss');
    this.smooth = slider('Smoothing', ui.smoothing, { min: 0, max: 0.99, step: 0.01 }, (v) => setUi({ smoothing: v }));
    this.element = section('Loss', [this.smooth.root, this.log.root], this.chart.box);
    this.element.classList.add('wide');
  }

  render(run: RunData, ctx: RenderCtx): void {
    const { theme, ui } = ctx;
    // Objectives minimise f(x, y) itself; the axis says so.
    this.chart.setYTitle(run.isObjective ? 'f(x, y)' : 'loss');
    this.log.input.checked = ui.logScale;
    const log = ui.logScale;
    const xr = ctx.xRange;
    const idx = visibleIndices(run.step, run.loss, MAX_POINTS, xr);
    const raw = toPoints(run.step, run.loss, idx, log);
    const trainColor = theme.blue;
    const name = run.isObjective ? 'f' : 'train';
    const datasets: LineDataset[] = [];
    let points = raw.drawn;
    if (ui.smoothing > 0) {
      const ema = this.ema.update(run.loss, ui.smoothing);
      const smoothed = toPoints(run.step, ema, visibleIndices(run.step, ema, MAX_POINTS, xr), log);
      datasets.push(
        line(`${name} (raw)`, withAlpha(trainColor, theme.kind === 'high-contrast' ? 0.55 : 0.3), raw.pts, theme, { borderWidth: 1 }),
        line(`${name} (EMA ${ui.smoothing.toFixed(2)})`, trainColor, smoothed.pts, theme),
      );
      points += smoothed.drawn;
    } else {
      datasets.push(line(name, trainColor, raw.pts, theme));
    }
    if (run.hasAvgLoss) {
      const ys = ui.smoothing > 0 ? this.avgEma.update(run.avgLoss, ui.smoothing) : run.avgLoss;
      const avg = toPoints(run.step, ys, visibleIndices(run.step, ys, MAX_POINTS, xr), log);
      datasets.push(line(`averaged θ̄${ui.smoothing > 0 ? ` (EMA ${ui.smoothing.toFixed(2)})` : ''}`, theme.palette[4], avg.pts, theme, { borderDash: [6, 2] }));
      points += avg.drawn;
    }
    if (run.epochs.length > 0) {
      const steps = run.epochs.map((e) => e.step);
      const trainLoss = run.epochs.map((e) => e.trainLoss);
      const valLoss = run.epochs.map((e) => e.valLoss ?? NaN);
      // Markers only while they can be told apart; thousands of epochs become plain lines.
      const radius = run.epochs.length > 150 ? 0 : 3;
      const train = toPoints(steps, trainLoss, visibleIndices(steps, trainLoss, MAX_POINTS / 2, xr), log);
      datasets.push(line('epoch train', theme.palette[3], train.pts, theme, { pointRadius: radius, borderDash: [4, 3] }));
      points += train.drawn;
      if (run.epochs.some((e) => e.valLoss !== undefined)) {
        const val = toPoints(steps, valLoss, visibleIndices(steps, valLoss, MAX_POINTS / 2, xr), log);
        datasets.push(line('validation', theme.orange, val.pts, theme, { pointRadius: radius }));
        points += val.drawn;
      }
    }
    if (ctx.compare) points += this.overlay(ctx.compare, ctx, datasets);
    this.chart.update(theme, ctx.themeVersion, log, datasets, points, xr);
  }

  /** The compared run, dashed and muted: smoothed (if smoothing is on) train loss and validation. */
  private overlay(other: RunData, ctx: RenderCtx, datasets: LineDataset[]): number {
    const { theme, ui } = ctx;
    const log = ui.logScale;
    const label = `${other.info.name} · ${other.isObjective ? 'f' : 'train'} (compared)`;
    const ys = ui.smoothing > 0 ? emaSmooth(other.loss, ui.smoothing) : other.loss;
    const p = toPoints(other.step, ys, visibleIndices(other.step, ys, MAX_POINTS, ctx.xRange), log);
    datasets.push(line(label, theme.green, p.pts, theme, { borderDash: [6, 4] }));
    let points = p.drawn;
    if (other.epochs.some((e) => e.valLoss !== undefined)) {
      const steps = other.epochs.map((e) => e.step);
      const val = other.epochs.map((e) => e.valLoss ?? NaN);
      const v = toPoints(steps, val, visibleIndices(steps, val, MAX_POINTS / 2, ctx.xRange), log);
      datasets.push(line(`${other.info.name} · validation (compared)`, theme.red, v.pts, theme, { borderDash: [2, 3] }));
      points += v.drawn;
    }
    return points;
  }

  clear(): void {
    this.chart.clear();
  }
}
