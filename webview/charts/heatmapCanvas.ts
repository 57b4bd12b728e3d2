/**
 * Draws a `HeatMap` on a plain canvas (chart.js has no heat map): one image pixel per
 * (snapshot, bin), scaled up without smoothing, colour = log-scaled count as the accent colour's
 * opacity so it reads on light, dark and high-contrast backgrounds. Axes are labelled by hand.
 */
import { formatNumber } from '../format';
import type { HeatMap } from '../heatmapBins';
import { toRgba, withAlpha, type Theme } from '../theme';
import { prepareCanvas } from './hiDpiCanvas';

const MARGIN = { left: 52, right: 8, top: 8, bottom: 22 };

export class HeatmapCanvas {
  readonly canvas: HTMLCanvasElement;
  private map: HeatMap | undefined;
  private theme: Theme | undefined;
  private readonly observer: ResizeObserver;

  constructor(label: string) {
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', label);
    this.observer = new ResizeObserver(() => this.draw());
    this.observer.observe(this.canvas);
  }

  show(map: HeatMap | undefined, theme: Theme): void {
    this.map = map;
    this.theme = theme;
    this.draw();
  }

  clear(): void {
    this.map = undefined;
    this.draw();
  }

  private draw(): void {
    const theme = this.theme;
    if (!theme) return;
    const surface = prepareCanvas(this.canvas);
    if (!surface) return;
    const { ctx, width: cssW, height: cssH } = surface;
    const plot = { x: MARGIN.left, y: MARGIN.top, w: cssW - MARGIN.left - MARGIN.right, h: cssH - MARGIN.top - MARGIN.bottom };
    if (plot.w <= 0 || plot.h <= 0) return;

    ctx.font = `${theme.fontSize}px ${theme.fontFamily}`;
    ctx.fillStyle = theme.muted;
    const map = this.map;
    if (!map || map.columns.length === 0) {
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText('No activation histograms yet', plot.x + plot.w / 2, plot.y + plot.h / 2);
      return;
    }

    ctx.drawImage(this.image(map, theme), plot.x, plot.y, plot.w, plot.h);
    ctx.strokeStyle = theme.grid;
    ctx.lineWidth = 1;
    ctx.strokeRect(plot.x + 0.5, plot.y + 0.5, plot.w - 1, plot.h - 1);

    // Zero is where dead ReLUs pile up: mark it.
    if (map.lo < 0 && map.hi > 0) {
      const y0 = plot.y + plot.h * (map.hi / (map.hi - map.lo));
      ctx.strokeStyle = withAlpha(theme.foreground, 0.5);
      ctx.setLineDash([4, 4]);
      ctx.beginPath();
      ctx.moveTo(plot.x, y0);
      ctx.lineTo(plot.x + plot.w, y0);
      ctx.stroke();
      ctx.setLineDash([]);
      this.yLabel(ctx, '0', y0, theme);
    }
    this.yLabel(ctx, formatNumber(map.hi, 3), plot.y + 6, theme);
    this.yLabel(ctx, formatNumber(map.lo, 3), plot.y + plot.h - 6, theme);

    ctx.fillStyle = theme.foreground;
    ctx.textBaseline = 'top';
    const first = map.columns[0].step;
    const last = map.columns[map.columns.length - 1].step;
    ctx.textAlign = 'left';
    ctx.fillText(`step ${first}`, plot.x, plot.y + plot.h + 4);
    if (last !== first) {
      ctx.textAlign = 'right';
      ctx.fillText(`step ${last}`, plot.x + plot.w, plot.y + plot.h + 4);
    }
  }

  private yLabel(ctx: CanvasRenderingContext2D, text: string, y: number, theme: Theme): void {
    ctx.fillStyle = theme.foreground;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ctx.fillText(text, MARGIN.left - 6, y);
  }

  /** One pixel per cell; row 0 of the image is the top (highest values). */
  private image(map: HeatMap, theme: Theme): HTMLCanvasElement {
    const cols = map.columns.length;
    const img = document.createElement('canvas');
    img.width = cols;
    img.height = map.bins;
    const ictx = img.getContext('2d');
    if (!ictx) return img;
    const data = ictx.createImageData(cols, map.bins);
    const [r, g, b] = toRgba(theme.kind === 'light' ? theme.blue : theme.orange);
    const norm = Math.log1p(map.maxCount);
    map.columns.forEach((col, x) => {
      for (let bin = 0; bin < map.bins; bin++) {
        const c = col.counts[bin];
        if (!(c > 0) || norm === 0) continue;
        // Faint counts stay visible: the floor of 0.12 marks "some units are here".
        const a = 0.12 + 0.88 * (Math.log1p(c) / norm);
        const o = ((map.bins - 1 - bin) * cols + x) * 4;
        data.data[o] = r;
        data.data[o + 1] = g;
        data.data[o + 2] = b;
        data.data[o + 3] = Math.round(255 * Math.min(1, a));
      }
    });
    ictx.putImageData(data, 0, 0);
    return img;
  }

  dispose(): void {
    this.observer.disconnect();
  }
}
