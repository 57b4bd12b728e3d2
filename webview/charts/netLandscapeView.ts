/**
 * Loss landscape of a network run, on demand: a button asks the host to compute it from the
 * weights the run kept (the run must have ended), a progress line and Cancel while it runs, then
 * two plain-canvas plots: the loss along θ₀ + t(θ − θ₀) (initial and final weights marked) and a
 * shaded contour map of the slice θ + a·d₁ + b·d₂ along two filter-normalized random directions,
 * the final weights (a = b = 0) marked. Log-spaced levels as the objective landscape's.
 */
import type { HostToWebview, LandscapeRecord } from '../../src/shared/protocol';
import { formatNumber } from '../format';
import type { RunData } from '../store';
import { seriesColor, toRgba, withAlpha, type Theme } from '../theme';
import { section } from '../ui/controls';
import { h } from '../ui/dom';
import { prepareCanvas } from './hiDpiCanvas';
import { bandImage, contourLevels } from './landscapeContours';

type Status = Extract<HostToWebview, { type: 'landscapeStatus' }>;
const M = { left: 46, right: 8, top: 8, bottom: 24 };

/** The latest `line` and `plane` records of a run. */
export function netRecords(run: RunData): { line?: LandscapeRecord; plane?: LandscapeRecord } {
  let line: LandscapeRecord | undefined;
  let plane: LandscapeRecord | undefined;
  for (const p of run.probes) {
    if (p.kind !== 'landscape') continue;
    if (p.mode === 'line') line = p;
    else if (p.mode === 'plane') plane = p;
  }
  return { line, plane };
}

export class NetLandscapeView {
  readonly element: HTMLElement;
  private readonly lineCanvas: HTMLCanvasElement;
  private readonly planeCanvas: HTMLCanvasElement;
  private readonly plots: HTMLElement;
  private readonly note: HTMLElement;
  private readonly compute: HTMLButtonElement;
  private readonly cancel: HTMLButtonElement;
  private readonly statuses = new Map<string, Status>();
  private run: RunData | undefined;
  private theme: Theme | undefined;

  constructor(post: { compute: (runId: string) => void; cancel: () => void }) {
    this.compute = h('button', { type: 'button', class: 'secondary small', 'data-testid': 'landscape-compute' }, 'Compute');
    this.cancel = h('button', { type: 'button', class: 'secondary small', 'data-testid': 'landscape-cancel' }, 'Cancel');
    this.compute.addEventListener('click', () => this.run && post.compute(this.run.info.runId));
    this.cancel.addEventListener('click', () => post.cancel());
    this.note = h('p', { class: 'muted', 'aria-live': 'polite' });
    this.lineCanvas = h('canvas', { role: 'img', 'aria-label': 'Loss along the line from the initial to the final weights' });
    this.planeCanvas = h('canvas', { role: 'img', 'aria-label': 'Loss on a random filter-normalized plane around the final weights' });
    for (const c of [this.lineCanvas, this.planeCanvas]) Object.assign(c.style, { width: '100%', height: '100%' });
    this.plots = h(
      'div',
      { class: 'net-landscape-plots' },
      h('div', { class: 'chart-box', 'data-chart': 'landscape-line', 'data-points': '0' }, this.lineCanvas),
      h('div', { class: 'chart-box', 'data-chart': 'landscape-plane', 'data-points': '0' }, this.planeCanvas),
    );
    this.element = section('Loss landscape', [this.compute, this.cancel], this.note, this.plots);
    const observer = new ResizeObserver(() => this.draw());
    observer.observe(this.lineCanvas);
    observer.observe(this.planeCanvas);
  }

  /** Networks that ended (or already have a landscape). */
  has(run: RunData): boolean {
    return !run.isObjective && run.info.task === undefined && (run.state !== 'running' || netRecords(run).line !== undefined);
  }

  status(s: Status): void {
    this.statuses.set(s.runId, s);
  }

  render(run: RunData, theme: Theme): void {
    this.run = run;
    this.theme = theme;
    const s = this.statuses.get(run.info.runId);
    const { line, plane } = netRecords(run);
    const running = s?.state === 'running';
    this.compute.hidden = running;
    this.compute.textContent = line ? 'Recompute' : 'Compute';
    this.cancel.hidden = !running;
    this.plots.hidden = !line && !plane;
    this.note.textContent = running
      ? `Evaluating the training loss\u2026 ${s.total ? `${s.done ?? 0}/${s.total} points` : 'loading the data'}`
      : s?.state === 'failed' || s?.state === 'cancelled'
        ? s.message ?? s.state
        : line
          ? `Left: the loss from the initial (t = 0) to the final weights (t = 1), over ${line.rows ?? '?'} training rows. Right: a slice along two random filter-normalized directions (Li et al. 2018) around the final weights (\u25c6).`
          : 'Compute the training loss along the line from the initial to the final weights, and on a random 2-D slice around the final weights.';
    this.note.dataset.state = s?.state ?? (line ? 'done' : 'idle');
    this.draw();
  }

  private draw(): void {
    const run = this.run;
    const theme = this.theme;
    if (!run || !theme || this.plots.hidden) return;
    const { line, plane } = netRecords(run);
    if (line) this.drawLine(line, theme);
    if (plane) this.drawPlane(plane, theme);
    (this.lineCanvas.parentElement as HTMLElement).dataset.points = String(line?.values.filter((v) => v !== null).length ?? 0);
    (this.planeCanvas.parentElement as HTMLElement).dataset.points = String(plane?.values.filter((v) => v !== null).length ?? 0);
  }

  private drawLine(r: LandscapeRecord, theme: Theme): void {
    const s = prepareCanvas(this.lineCanvas);
    if (!s) return;
    const { ctx, width, height } = s;
    const plot = { x: M.left, y: M.top, w: width - M.left - M.right, h: height - M.top - M.bottom };
    const vals = r.values.filter((v): v is number => v !== null);
    if (plot.w <= 0 || plot.h <= 0 || vals.length === 0) return;
    let lo = Math.min(...vals);
    let hi = Math.max(...vals);
    if (hi === lo) hi = lo + 1;
    const pad = (hi - lo) * 0.05;
    lo -= pad;
    hi += pad;
    const t0 = r.xs[0];
    const t1 = r.xs[r.xs.length - 1];
    const X = (t: number) => plot.x + ((t - t0) / (t1 - t0)) * plot.w;
    const Y = (v: number) => plot.y + (1 - (v - lo) / (hi - lo)) * plot.h;
    axes(ctx, theme, plot, [t0, t1], [lo, hi], 't');
    ctx.strokeStyle = seriesColor(theme, 0);
    ctx.lineWidth = 2;
    ctx.beginPath();
    let open = false;
    r.xs.forEach((t, i) => {
      const v = r.values[i];
      if (v === null) {
        open = false;
        return;
      }
      if (open) ctx.lineTo(X(t), Y(v));
      else ctx.moveTo(X(t), Y(v));
      open = true;
    });
    ctx.stroke();
    ctx.fillStyle = theme.foreground;
    for (const [t, name] of [[0, '\u03b8\u2080'], [1, '\u03b8']] as const) {
      const i = r.xs.indexOf(t);
      const v = i >= 0 ? r.values[i] : null;
      if (v === null) continue;
      ctx.beginPath();
      ctx.arc(X(t), Y(v), 4, 0, 2 * Math.PI);
      ctx.fill();
      ctx.fillText(name, X(t) + 6, Y(v) - 6);
    }
  }

  private drawPlane(r: LandscapeRecord, theme: Theme): void {
    const s = prepareCanvas(this.planeCanvas);
    if (!s) return;
    const { ctx, width, height } = s;
    const side = Math.min(width - M.left - M.right, height - M.top - M.bottom);
    if (side <= 0) return;
    const plot = { x: M.left, y: M.top, w: side, h: side };
    const levels = contourLevels(r.values);
    const ys = r.ys ?? r.xs;
    const px = Math.max(1, Math.min(200, Math.round(side)));
    const bands = bandImage(r, px, px, levels);
    const img = new ImageData(px, px);
    const [cr, cg, cb] = toRgba(seriesColor(theme, 0));
    const n = Math.max(1, levels.length);
    for (let k = 0; k < bands.length; k++) {
      const b = bands[k];
      const edge = b >= 0 && ((k % px < px - 1 && bands[k + 1] !== b) || (k + px < bands.length && bands[k + px] !== b));
      // Low loss dark, high loss pale: opacity falls with the band.
      const alpha = b < 0 ? 0 : edge ? 255 : Math.round(255 * (0.85 - (0.75 * b) / n));
      img.data.set([cr, cg, cb, alpha], k * 4);
    }
    const off = document.createElement('canvas');
    off.width = px;
    off.height = px;
    off.getContext('2d')?.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(off, plot.x, plot.y, plot.w, plot.h);
    axes(ctx, theme, plot, [r.xs[0], r.xs[r.xs.length - 1]], [ys[0], ys[ys.length - 1]], 'a', 'b');
    // The final weights: a = b = 0.
    const cx = plot.x + ((0 - r.xs[0]) / (r.xs[r.xs.length - 1] - r.xs[0])) * plot.w;
    const cy = plot.y + (1 - (0 - ys[0]) / (ys[ys.length - 1] - ys[0])) * plot.h;
    ctx.fillStyle = theme.foreground;
    ctx.strokeStyle = withAlpha(theme.foreground, 0.9);
    ctx.beginPath();
    ctx.moveTo(cx, cy - 6);
    ctx.lineTo(cx + 6, cy);
    ctx.lineTo(cx, cy + 6);
    ctx.lineTo(cx - 6, cy);
    ctx.closePath();
    ctx.fill();
    const finite = r.values.filter((v): v is number => v !== null);
    if (finite.length) {
      ctx.fillText(`min ${formatNumber(Math.min(...finite), 3)} \u00b7 max ${formatNumber(Math.max(...finite), 3)}`, plot.x + 4, plot.y + plot.h - 6);
    }
  }
}

function axes(ctx: CanvasRenderingContext2D, theme: Theme, plot: { x: number; y: number; w: number; h: number }, xr: [number, number], yr: [number, number], xName: string, yName?: string): void {
  ctx.font = `${theme.fontSize}px ${theme.fontFamily}`;
  ctx.strokeStyle = theme.grid;
  ctx.lineWidth = 1;
  ctx.strokeRect(plot.x + 0.5, plot.y + 0.5, plot.w - 1, plot.h - 1);
  ctx.fillStyle = theme.muted;
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left';
  ctx.fillText(formatNumber(xr[0], 3), plot.x, plot.y + plot.h + 4);
  ctx.textAlign = 'right';
  ctx.fillText(formatNumber(xr[1], 3), plot.x + plot.w, plot.y + plot.h + 4);
  ctx.textAlign = 'center';
  ctx.fillText(xName, plot.x + plot.w / 2, plot.y + plot.h + 4);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'top';
  ctx.fillText(formatNumber(yr[1], 3), plot.x - 4, plot.y);
  ctx.textBaseline = 'bottom';
  ctx.fillText(formatNumber(yr[0], 3), plot.x - 4, plot.y + plot.h);
  if (yName) {
    ctx.textBaseline = 'middle';
    ctx.fillText(yName, plot.x - 4, plot.y + plot.h / 2);
  }
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
}
