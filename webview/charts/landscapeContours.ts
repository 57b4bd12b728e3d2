/**
 * DOM-free parts of the landscape view: log-spaced contour levels over a grid of loss values and
 * the level band of any (x, y) by bilinear interpolation. Log spacing is what makes a ravine or
 * Rosenbrock's valley visible: with linear levels everything near the minimum is one band.
 */
import type { LandscapeRecord } from '../../src/shared/protocol';

export const LEVELS = 18;

/** Levels v₀ + exp(linspace(log(δ), log(range))) above the grid's minimum v₀, lowest first. */
export function contourLevels(values: readonly (number | null)[], n = LEVELS): number[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!Number.isFinite(lo) || hi <= lo) return [];
  const range = hi - lo;
  const first = range * 1e-4;
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push(lo + first * Math.pow(range / first, k / (n - 1)));
  return out;
}

/** Number of levels at or below v (0: below the first level). */
export function band(v: number, levels: readonly number[]): number {
  let a = 0;
  let b = levels.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if (levels[m] <= v) a = m + 1;
    else b = m;
  }
  return a;
}

/** f at (x, y) from the grid by bilinear interpolation; NaN outside it or next to a missing value. */
export function sample(r: LandscapeRecord, x: number, y: number): number {
  const xs = r.xs;
  const ys = r.ys ?? [];
  const nx = xs.length;
  const ny = ys.length;
  if (nx < 2 || ny < 2) return NaN;
  const fx = ((x - xs[0]) / (xs[nx - 1] - xs[0])) * (nx - 1);
  const fy = ((y - ys[0]) / (ys[ny - 1] - ys[0])) * (ny - 1);
  if (!(fx >= 0 && fx <= nx - 1 && fy >= 0 && fy <= ny - 1)) return NaN;
  const i = Math.min(nx - 2, Math.floor(fx));
  const j = Math.min(ny - 2, Math.floor(fy));
  const tx = fx - i;
  const ty = fy - j;
  const at = (a: number, b: number) => r.values[b * nx + a] ?? NaN;
  const v00 = at(i, j);
  const v10 = at(i + 1, j);
  const v01 = at(i, j + 1);
  const v11 = at(i + 1, j + 1);
  return (1 - ty) * ((1 - tx) * v00 + tx * v10) + ty * ((1 - tx) * v01 + tx * v11);
}

/**
 * Band index per pixel of a w×h image (row 0 at the top = the largest y), −1 where unknown.
 * The view shades bands and draws a contour line wherever neighbouring pixels differ.
 */
export function bandImage(r: LandscapeRecord, w: number, h: number, levels: readonly number[]): Int16Array {
  const out = new Int16Array(w * h);
  const ys = r.ys ?? [];
  const x0 = r.xs[0];
  const x1 = r.xs[r.xs.length - 1];
  const y0 = ys[0];
  const y1 = ys[ys.length - 1];
  for (let py = 0; py < h; py++) {
    const y = y1 - ((py + 0.5) / h) * (y1 - y0);
    for (let px = 0; px < w; px++) {
      const v = sample(r, x0 + ((px + 0.5) / w) * (x1 - x0), y);
      out[py * w + px] = Number.isFinite(v) ? band(v, levels) : -1;
    }
  }
  return out;
}
