/**
 * The loss surface of a 2-D objective as a grid, computed once in plain JS (objectiveValue) and
 * sent as a `LandscapeRecord`: the webview draws log-spaced contours from it instead of knowing
 * the formulas. The extent covers the start, the known minima and any path points given, padded,
 * so the lectures' pictures (the zig-zag across a ravine, the curved Rosenbrock valley) fit.
 */
import type { ObjectiveSpec } from '../shared/experiment';
import type { LandscapeRecord } from '../shared/protocol';
import { OBJECTIVE_MINIMA, objectiveValue } from './objectives';

/** Grid points per axis: 80² values are ~60 kB of JSON, sent once per run. */
export const GRID = 80;
/** Fraction of the span added on each side. */
const PAD = 0.2;
/** Path points beyond this are divergence, not landscape worth drawing. */
const FAR = 1e3;

export interface Extent {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** Bounding box of the start, the minima and the finite, not-too-far path points, padded and never flat. */
export function extentFor(spec: ObjectiveSpec, points: readonly (readonly [number, number])[] = []): Extent {
  const all: (readonly [number, number])[] = [spec.start, ...OBJECTIVE_MINIMA[spec.function], ...points];
  if (OBJECTIVE_MINIMA[spec.function].length === 0) all.push([0, 0]);
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const [x, y] of all) {
    if (!Number.isFinite(x) || !Number.isFinite(y) || Math.abs(x) > FAR || Math.abs(y) > FAR) continue;
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  // Neither axis narrower than half the other: a ravine must still look like one, not like a line.
  const span = Math.max(x1 - x0, y1 - y0, 1);
  const sx = Math.max(x1 - x0, span / 2);
  const sy = Math.max(y1 - y0, span / 2);
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  return { x0: cx - sx * (0.5 + PAD), x1: cx + sx * (0.5 + PAD), y0: cy - sy * (0.5 + PAD), y1: cy + sy * (0.5 + PAD) };
}

export function contains(e: Extent, points: readonly (readonly [number, number])[]): boolean {
  return points.every(([x, y]) => !Number.isFinite(x) || !Number.isFinite(y) || Math.abs(x) > FAR || Math.abs(y) > FAR || (x >= e.x0 && x <= e.x1 && y >= e.y0 && y <= e.y1));
}

export function objectiveLandscape(spec: ObjectiveSpec, extent: Extent, step: number, n = GRID): LandscapeRecord {
  const xs = axis(extent.x0, extent.x1, n);
  const ys = axis(extent.y0, extent.y1, n);
  const values: (number | null)[] = new Array<number | null>(n * n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const v = objectiveValue(spec.function, xs[i], ys[j], spec.condition);
      values[j * n + i] = Number.isFinite(v) ? v : null;
    }
  }
  return { kind: 'landscape', step, mode: 'objective', xs, ys, values, minima: OBJECTIVE_MINIMA[spec.function].map(([x, y]) => [x, y]) };
}

function axis(a: number, b: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
}
