/**
 * `landscape` (objective runs): the function's contour plot (log-spaced levels, from the grid the
 * engine sent) with every compare variant's path, the start and the known minima marked, and a
 * step slider with play/pause to replay the paths side by side. The slider follows the newest
 * step while it sits at the end. Drawn on a plain canvas: chart.js has no contour plot.
 */
import { formatNumber } from '../format';
import type { RunData } from '../store';
import { seriesColor, toRgba, withAlpha, type Theme } from '../theme';
import { section } from '../ui/controls';
import { h } from '../ui/dom';
import { setPoints } from './setup';
import { groupOf, label, lastProbe, type LandscapeRecord } from './compareGroup';
import { bandImage, contourLevels } from './landscapeContours';

const MARGIN = { left: 46, right: 8, top: 8, bottom: 24 };
/** Replay length: the slider crosses the run in about this many frames. */
const PLAY_FRAMES = 240;

export class LandscapeView {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly box: HTMLDivElement;
  private readonly legend: HTMLElement;
  private readonly slider: HTMLInputElement;
  private readonly stepOut: HTMLOutputElement;
  private readonly playButton: HTMLButtonElement;
  private runs: RunData[] = [];
  private record: LandscapeRecord | undefined;
  private theme: Theme | undefined;
  /** Step shown; null follows the newest step. */
  private step: number | null = null;
  private timer = 0;
  private cache: { key: string; image: ImageData } | undefined;
  private readonly observer: ResizeObserver;

  constructor(private readonly allRuns: () => RunData[]) {
    this.canvas = h('canvas', { role: 'img', 'aria-label': 'Contour plot of the objective with the optimizers\u2019 paths' });
    // Fill the box: a canvas sized by its own pixel size would stay 1×1 after a draw while hidden.
    Object.assign(this.canvas.style, { width: '100%', height: '100%' });
    this.box = h('div', { class: 'chart-box', 'data-chart': 'landscape', 'data-points': '0' }, this.canvas);
    this.slider = h('input', { type: 'range', min: '0', max: '0', step: '1', 'aria-label': 'Step shown' });
    this.stepOut = h('output', {});
    this.playButton = h('button', { type: 'button', class: 'secondary small', 'aria-label': 'Play the paths from the start' }, 'Play');
    this.slider.addEventListener('input', () => {
      this.stop();
      const v = Number(this.slider.value);
      this.step = v >= Number(this.slider.max) ? null : v;
      this.draw();
    });
    this.playButton.addEventListener('click', () => (this.timer ? this.stop() : this.play()));
    this.legend = h('div', { class: 'landscape-legend' });
    this.element = section(
      'Landscape',
      [this.playButton, h('span', { class: 'control' }, h('label', {}, 'Step'), this.slider, this.stepOut)],
      this.box,
      this.legend,
    );
    this.element.classList.add('square');
    this.observer = new ResizeObserver(() => this.draw());
    this.observer.observe(this.canvas);
  }

  /** Whether the active run has a landscape to show. */
  has(run: RunData): boolean {
    return objectiveGrid(groupOf(run, this.allRuns())) !== undefined;
  }

  render(run: RunData, theme: Theme): void {
    this.runs = groupOf(run, this.allRuns());
    this.record = objectiveGrid(this.runs);
    this.theme = theme;
    const max = Math.max(0, ...this.runs.map((r) => r.pointX.length - 1));
    this.slider.max = String(max);
    if (this.step === null) this.slider.value = String(max);
    this.legend.replaceChildren(...this.runs.map((r, i) => legendItem(label(r), seriesColor(theme, i))));
    this.draw();
  }

  clear(): void {
    this.stop();
    this.runs = [];
    this.record = undefined;
    this.step = null;
    this.draw();
  }

  private play(): void {
    const max = Number(this.slider.max);
    if (max <= 0) return;
    let s = this.step === null || this.step >= max ? 0 : this.step;
    const inc = Math.max(1, Math.round(max / PLAY_FRAMES));
    this.playButton.textContent = 'Pause';
    this.timer = window.setInterval(() => {
      s = Math.min(max, s + inc);
      this.step = s >= max ? null : s;
      this.slider.value = String(s);
      this.draw();
      if (s >= max) this.stop();
    }, 30);
  }

  private stop(): void {
    if (this.timer) window.clearInterval(this.timer);
    this.timer = 0;
    this.playButton.textContent = 'Play';
  }

  private draw(): void {
    const canvas = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(canvas.clientWidth * dpr));
    const hgt = Math.max(1, Math.round(canvas.clientHeight * dpr));
    if (canvas.width !== w || canvas.height !== hgt) {
      canvas.width = w;
      canvas.height = hgt;
    }
    const ctx = canvas.getContext('2d');
    const r = this.record;
    const theme = this.theme;
    if (!ctx) return;
    ctx.clearRect(0, 0, w, hgt);
    if (!r || !theme || !r.ys) {
      setPoints(this.box, 0);
      return;
    }
    ctx.save();
    ctx.scale(dpr, dpr);
    const cw = canvas.clientWidth;
    const ch = canvas.clientHeight;
    const pw = Math.max(1, Math.floor(cw - MARGIN.left - MARGIN.right));
    const ph = Math.max(1, Math.floor(ch - MARGIN.top - MARGIN.bottom));
    const x0 = r.xs[0];
    const x1 = r.xs[r.xs.length - 1];
    const y0 = r.ys[0];
    const y1 = r.ys[r.ys.length - 1];
    const X = (x: number) => MARGIN.left + ((x - x0) / (x1 - x0)) * pw;
    const Y = (y: number) => MARGIN.top + (1 - (y - y0) / (y1 - y0)) * ph;

    // Contours: shaded bands (darker = lower) with a line where the band changes.
    const key = `${r.step}|${r.xs[0]}|${r.ys[0]}|${pw}|${ph}|${dpr}|${theme.blue}|${theme.foreground}`;
    if (this.cache?.key !== key) this.cache = { key, image: contourImage(ctx, r, Math.round(pw * dpr), Math.round(ph * dpr), theme) };
    ctx.restore();
    ctx.putImageData(this.cache.image, Math.round(MARGIN.left * dpr), Math.round(MARGIN.top * dpr));
    ctx.save();
    ctx.scale(dpr, dpr);
    drawAxes(ctx, theme, { x0, x1, y0, y1 }, { left: MARGIN.left, top: MARGIN.top, w: pw, h: ph });

    // Clip paths to the plot: a diverging variant must not scribble over the axes.
    ctx.beginPath();
    ctx.rect(MARGIN.left, MARGIN.top, pw, ph);
    ctx.clip();
    let drawn = 0;
    this.runs.forEach((run, i) => {
      const n = this.step === null ? run.pointX.length : Math.min(run.pointX.length, this.step + 1);
      if (n === 0) return;
      const color = seriesColor(theme, i);
      ctx.strokeStyle = color;
      ctx.lineWidth = theme.lineWidth;
      ctx.beginPath();
      let moved = false;
      for (let k = 0; k < n; k++) {
        const px = X(run.pointX[k]);
        const py = Y(run.pointY[k]);
        if (!Number.isFinite(px) || !Number.isFinite(py) || Math.abs(px) > 1e5 || Math.abs(py) > 1e5) {
          moved = false;
          continue;
        }
        if (moved) ctx.lineTo(px, py);
        else ctx.moveTo(px, py);
        moved = true;
        drawn++;
      }
      ctx.stroke();
      const cx = X(run.pointX[n - 1]);
      const cy = Y(run.pointY[n - 1]);
      if (Number.isFinite(cx) && Number.isFinite(cy)) {
        ctx.fillStyle = color;
        ctx.beginPath();
        ctx.arc(cx, cy, 4.5, 0, 2 * Math.PI);
        ctx.fill();
      }
    });
    // Start (shared by the variants) and the known minima.
    const first = this.runs.find((run) => run.pointX.length > 0);
    if (first) marker(ctx, X(first.pointX[0]), Y(first.pointY[0]), theme.green, 'diamond', theme);
    for (const [mx, my] of r.minima ?? []) marker(ctx, X(mx), Y(my), theme.foreground, 'star', theme);
    ctx.restore();

    const shown = this.step === null ? Number(this.slider.max) : this.step;
    this.stepOut.textContent = String(shown);
    setPoints(this.box, drawn);
  }
}

/** A colour swatch and a label; styles set through the CSSOM (the CSP forbids style attributes). */
function legendItem(text: string, color: string): HTMLElement {
  const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
  Object.assign(swatch.style, { display: 'inline-block', width: '14px', height: '3px', margin: '0 6px 3px 12px', background: color });
  return h('span', { class: 'legend-item' }, swatch, text);
}

function contourImage(ctx: CanvasRenderingContext2D, r: LandscapeRecord, w: number, h: number, theme: Theme): ImageData {
  const img = ctx.createImageData(Math.max(1, w), Math.max(1, h));
  const levels = contourLevels(r.values);
  const bands = bandImage(r, img.width, img.height, levels);
  const [br, bg, bb] = toRgba(theme.blue);
  const [lr, lg, lb] = toRgba(theme.foreground);
  const n = Math.max(1, levels.length);
  for (let p = 0; p < bands.length; p++) {
    const b = bands[p];
    const o = p * 4;
    if (b < 0) continue;
    const x = p % img.width;
    const edge = (x + 1 < img.width && bands[p + 1] !== b) || (p + img.width < bands.length && bands[p + img.width] !== b);
    if (edge) {
      img.data[o] = lr;
      img.data[o + 1] = lg;
      img.data[o + 2] = lb;
      img.data[o + 3] = 90;
    } else {
      img.data[o] = br;
      img.data[o + 1] = bg;
      img.data[o + 2] = bb;
      img.data[o + 3] = Math.round(150 * (1 - b / n)) + 10;
    }
  }
  return img;
}

function drawAxes(
  ctx: CanvasRenderingContext2D,
  theme: Theme,
  e: { x0: number; x1: number; y0: number; y1: number },
  p: { left: number; top: number; w: number; h: number },
): void {
  ctx.strokeStyle = theme.grid;
  ctx.strokeRect(p.left, p.top, p.w, p.h);
  ctx.fillStyle = theme.foreground;
  ctx.font = `${Math.max(10, theme.fontSize - 2)}px ${theme.fontFamily}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (let k = 0; k <= 4; k++) {
    const v = e.x0 + ((e.x1 - e.x0) * k) / 4;
    ctx.fillText(formatNumber(v, 3), p.left + (p.w * k) / 4, p.top + p.h + 4);
  }
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (let k = 0; k <= 4; k++) {
    const v = e.y0 + ((e.y1 - e.y0) * k) / 4;
    ctx.fillText(formatNumber(v, 3), p.left - 4, p.top + p.h - (p.h * k) / 4);
  }
}

function marker(ctx: CanvasRenderingContext2D, x: number, y: number, color: string, shape: 'diamond' | 'star', theme: Theme): void {
  if (!Number.isFinite(x) || !Number.isFinite(y)) return;
  ctx.fillStyle = color;
  ctx.strokeStyle = withAlpha(theme.background, 0.9);
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  if (shape === 'diamond') {
    ctx.moveTo(x, y - 7);
    ctx.lineTo(x + 7, y);
    ctx.lineTo(x, y + 7);
    ctx.lineTo(x - 7, y);
  } else {
    for (let k = 0; k < 10; k++) {
      const rad = k % 2 === 0 ? 8 : 3.5;
      const a = -Math.PI / 2 + (k * Math.PI) / 5;
      ctx[k === 0 ? 'moveTo' : 'lineTo'](x + rad * Math.cos(a), y + rad * Math.sin(a));
    }
  }
  ctx.closePath();
  ctx.fill();
  ctx.stroke();
}

/** The objective's grid: a network run's `line` / `plane` records are the loss-landscape view's. */
function objectiveGrid(runs: readonly RunData[]): LandscapeRecord | undefined {
  const r = lastProbe(runs, 'landscape');
  return r?.mode === 'objective' ? r : undefined;
}
