/**
 * `weights`: the weight matrix W of one dense layer as a heat map (the lecture's "visualize W":
 * units that are copies of each other show as identical columns). Rows are inputs, columns are
 * units; the colour scale diverges around 0 (negative blue, positive orange/red, 0 = background,
 * so it reads on every theme), symmetric in |w| up to the layer's largest |w| over all snapshots,
 * so growth over training stays visible. A slider picks the snapshot; at its right end it follows
 * the latest one.
 */
import type { WeightsRecord } from '../../src/shared/protocol';
import { formatNumber } from '../format';
import type { RunData } from '../store';
import { toRgba, type Theme } from '../theme';
import { section, select, setOptions } from '../ui/controls';
import { h, setText, uid } from '../ui/dom';
import type { UiState } from '../vscode';
import type { RenderCtx } from './context';
import { layerName } from './layerCharts';
import { cellColor, layerSnapshots } from '../weightsScale';
import { setPoints } from './setup';
import { prepareCanvas } from './hiDpiCanvas';

const MARGIN = { left: 44, right: 64, top: 8, bottom: 24 };

export class WeightsView {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly box: HTMLDivElement;
  private readonly layerSel: ReturnType<typeof select>;
  private readonly slider: HTMLInputElement;
  private readonly sliderOut: HTMLOutputElement;
  private readonly caption = h('p', { class: 'weights-stats', 'aria-live': 'polite' });
  private readonly observer: ResizeObserver;
  private shown: { snap: WeightsRecord; maxAbs: number; theme: Theme } | undefined;

  constructor(private readonly setUi: (p: Partial<UiState>) => void) {
    this.layerSel = select('Layer', (v) => setUi({ weightsLayer: Number(v), weightsSnapshot: -1 }));
    const id = uid('weights-step');
    this.slider = h('input', { type: 'range', id, min: '0', max: '0', step: '1', 'aria-label': 'Snapshot (right end: latest)' });
    this.sliderOut = h('output', { for: id, class: 'wide-output' });
    this.slider.addEventListener('input', () => {
      const max = Number(this.slider.max);
      const v = Number(this.slider.value);
      this.setUi({ weightsSnapshot: v >= max ? -1 : v });
    });
    const stepControl = h('span', { class: 'control' }, h('label', { for: id }, 'Snapshot'), this.slider, this.sliderOut);
    this.canvas = h('canvas', { role: 'img', 'aria-label': 'Weight matrix of the selected layer' });
    this.box = h('div', { class: 'chart-box heatmap weights-box', 'data-chart': 'weights', 'data-points': '0' }, this.canvas);
    this.element = section('Weights W', [this.layerSel.root, stepControl], this.box, this.caption);
    this.element.classList.add('wide');
    this.observer = new ResizeObserver(() => this.draw());
    this.observer.observe(this.canvas);
  }

  render(run: RunData, ctx: RenderCtx): void {
    const { ui, theme } = ctx;
    const layers = [...new Set(run.weights.map((w) => w.layer))].sort((a, b) => a - b);
    const layer = layers.includes(ui.weightsLayer) ? ui.weightsLayer : (layers[0] ?? 0);
    setOptions(this.layerSel.input, layers.map((l) => ({ value: String(l), label: layerName(run, l) })), String(layer));
    this.layerSel.input.disabled = layers.length === 0;
    const { snaps, maxAbs } = layerSnapshots(run.weights, layer);
    const last = Math.max(0, snaps.length - 1);
    const index = ui.weightsSnapshot < 0 || ui.weightsSnapshot > last ? last : ui.weightsSnapshot;
    this.slider.max = String(last);
    this.slider.value = String(index);
    this.slider.disabled = snaps.length < 2;
    const snap = snaps[index];
    setText(this.sliderOut, snap ? `step ${snap.step}${index === last ? ' (latest)' : ''}` : '–');
    this.shown = snap ? { snap, maxAbs, theme } : undefined;
    setPoints(this.box, snap ? snap.values.length : 0);
    this.fitHeight(snap);
    setText(
      this.caption,
      snap
        ? `${layerName(run, layer)}: W is ${snap.fanIn} inputs × ${snap.units} units${snap.rows < snap.fanIn || snap.cols < snap.units ? `, shown as ${snap.rows} × ${snap.cols} block averages` : ''}; colour ±${formatNumber(maxAbs, 3)} (largest |w| of this layer). Identical columns are units that are copies of each other.`
        : run.isObjective
          ? ''
          : 'No weight snapshots yet (taken about ten times per run for networks with hidden layers).',
    );
    this.draw();
  }

  /** A 2-input layer is a thin strip, a 64×64 one a square: the box follows the matrix's shape. */
  private fitHeight(snap: WeightsRecord | undefined): void {
    const areaW = this.box.clientWidth - MARGIN.left - MARGIN.right;
    if (!snap || areaW <= 0) return;
    const cell = Math.min(areaW / snap.cols, 28);
    const px = `${Math.round(Math.min(380, Math.max(90, cell * snap.rows + MARGIN.top + MARGIN.bottom)))}px`;
    if (this.box.style.height !== px) this.box.style.height = px;
  }

  clear(): void {
    this.shown = undefined;
    setPoints(this.box, 0);
    setText(this.caption, '');
    this.draw();
  }

  private draw(): void {
    const surface = prepareCanvas(this.canvas);
    if (!surface) return;
    const { ctx, width: cssW, height: cssH } = surface;
    const shown = this.shown;
    if (!shown) return;
    const { snap, maxAbs, theme } = shown;
    // Square-ish cells: the matrix keeps its aspect ratio inside the available area.
    const areaW = cssW - MARGIN.left - MARGIN.right;
    const areaH = cssH - MARGIN.top - MARGIN.bottom;
    if (areaW <= 0 || areaH <= 0) return;
    const cell = Math.min(areaW / snap.cols, areaH / snap.rows);
    const plot = { x: MARGIN.left, y: MARGIN.top, w: cell * snap.cols, h: cell * snap.rows };
    const neg = toRgba(theme.blue);
    const pos = toRgba(theme.kind === 'light' ? theme.red : theme.orange);
    const bad = toRgba(theme.muted);
    const img = document.createElement('canvas');
    img.width = snap.cols;
    img.height = snap.rows;
    const ictx = img.getContext('2d');
    if (!ictx) return;
    const data = ictx.createImageData(snap.cols, snap.rows);
    snap.values.forEach((v, k) => data.data.set(cellColor(v, maxAbs, neg, pos, bad), k * 4));
    ictx.putImageData(data, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(img, plot.x, plot.y, plot.w, plot.h);
    ctx.strokeStyle = theme.grid;
    ctx.lineWidth = 1;
    ctx.strokeRect(plot.x + 0.5, plot.y + 0.5, plot.w - 1, plot.h - 1);

    ctx.font = `${theme.fontSize}px ${theme.fontFamily}`;
    ctx.fillStyle = theme.foreground;
    ctx.textBaseline = 'top';
    ctx.textAlign = 'left';
    ctx.fillText(`units 1–${snap.units} →`, plot.x, plot.y + plot.h + 4);
    ctx.save();
    ctx.translate(plot.x - 8, plot.y);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'bottom';
    ctx.fillText(`← inputs 1–${snap.fanIn}`, 0, 0);
    ctx.restore();
    this.legend(ctx, plot.x + plot.w + 12, plot.y, Math.min(plot.h, 160), maxAbs, neg, pos, theme);
  }

  /** Vertical colour bar: +max at the top, 0 (background) in the middle, −max at the bottom. */
  private legend(ctx: CanvasRenderingContext2D, x: number, y: number, height: number, maxAbs: number, neg: number[], pos: number[], theme: Theme): void {
    const steps = 32;
    for (let i = 0; i < steps; i++) {
      const v = maxAbs * (1 - (2 * (i + 0.5)) / steps);
      const [r, g, b, a] = cellColor(v, maxAbs, neg, pos, neg);
      ctx.fillStyle = `rgba(${r}, ${g}, ${b}, ${(a / 255).toFixed(3)})`;
      ctx.fillRect(x, y + (i * height) / steps, 10, height / steps + 0.5);
    }
    ctx.strokeStyle = theme.grid;
    ctx.strokeRect(x + 0.5, y + 0.5, 10, height - 1);
    ctx.fillStyle = theme.foreground;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.fillText(`+${formatNumber(maxAbs, 2)}`, x + 14, y + 6);
    ctx.fillText('0', x + 14, y + height / 2);
    ctx.fillText(`−${formatNumber(maxAbs, 2)}`, x + 14, y + height - 6);
  }
}
