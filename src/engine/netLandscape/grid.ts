/**
 * The loss of a network around its trained weights, evaluated on grids: along the straight line
 * from the initial weights θ₀ to the final ones θ₁ (t = 0 is θ₀, t = 1 is θ₁; beyond [0, 1] the
 * line goes on), and on the plane θ₁ + a·d₁ + b·d₂ spanned by two filter-normalized random
 * directions (directions.ts). Each grid point assigns the weights to the problem's variables and
 * reads `problem.loss(0)` back: the caller builds the problem so that batch 0 is the subset of the
 * training split to evaluate on (job.ts). The variables are left at θ₁.
 */
import type { LandscapeRecord } from '../../shared/protocol';
import { streamFor } from '../random';
import { tf } from '../tf';
import type { Problem } from '../train/problem';
import { randomDirection } from './directions';

export interface NetGridOptions {
  /** Points on the line and its range of t (θ₀ + t(θ₁ − θ₀)). */
  linePoints: number;
  lineFrom: number;
  lineTo: number;
  /** Points per axis of the plane and its half-width: a, b ∈ [−span, span]. */
  planePoints: number;
  planeSpan: number;
}

/** 41 points on t ∈ [−0.5, 1.5] and a 25 × 25 plane over [−1, 1]² (Li et al. plot [−1, 1]). */
export const NET_GRID_DEFAULTS: NetGridOptions = { linePoints: 41, lineFrom: -0.5, lineTo: 1.5, planePoints: 25, planeSpan: 1 };

export interface NetGridHooks {
  /** Called after each grid point: `done` of `total` evaluations. */
  progress?: (done: number, total: number) => void;
  /** Polled between points: true ⇒ give up and return undefined. */
  shouldStop?: () => boolean;
  /** Seed of the random directions (the experiment's seed: the same slice every time). */
  seed: number;
  /** Step the weights are from (goes into the records). */
  step: number;
  /** Training rows the loss is averaged over (goes into the records). */
  rows?: number;
}

/** Give the event loop a turn (stop flag, messages) after this much uninterrupted work. */
const YIELD_MS = 20;

export async function netLandscape(
  problem: Problem,
  initial: readonly ArrayLike<number>[],
  final: readonly ArrayLike<number>[],
  hooks: NetGridHooks,
  options: Partial<NetGridOptions> = {},
): Promise<LandscapeRecord[] | undefined> {
  const o = { ...NET_GRID_DEFAULTS, ...options };
  const params = problem.params;
  if (initial.length !== params.length || final.length !== params.length) {
    throw new Error(`expected ${params.length} parameter arrays, got ${initial.length} initial and ${final.length} final`);
  }
  params.forEach((p, i) => {
    if (initial[i].length !== p.size || final[i].length !== p.size) throw new Error(`parameter ${i} has ${p.size} values, the saved weights ${initial[i].length} and ${final[i].length}`);
  });
  const shapes = params.map((p) => p.shape);
  const rng = streamFor(hooks.seed, 'landscape');
  const d1 = randomDirection(final, shapes, rng);
  const d2 = randomDirection(final, shapes, rng);
  const upload = (a: ArrayLike<number>, i: number) => tf.keep(tf.tensor(Float32Array.from(a), shapes[i]));
  const theta0 = initial.map(upload);
  const theta1 = final.map(upload);
  const along = theta1.map((t1, i) => tf.keep(tf.tidy(() => tf.sub(t1, theta0[i]))));
  const dir1 = d1.map(upload);
  const dir2 = d2.map(upload);
  const kept = [...theta0, ...theta1, ...along, ...dir1, ...dir2];

  const ts = axis(o.lineFrom, o.lineTo, o.linePoints);
  const as = axis(-o.planeSpan, o.planeSpan, o.planePoints);
  const total = ts.length + as.length * as.length;
  let done = 0;
  let since = performance.now();
  /** Loss with the variables at base + x·u (+ y·v); null when it is not finite. */
  const lossAt = (base: tf.Tensor[], u: tf.Tensor[], x: number, v?: tf.Tensor[], y = 0): number | null => {
    tf.tidy(() => params.forEach((p, i) => p.assign(v ? tf.add(tf.add(base[i], tf.mul(u[i], x)), tf.mul(v[i], y)) : tf.add(base[i], tf.mul(u[i], x)))));
    const l = tf.tidy(() => problem.loss(0));
    const value = l.dataSync()[0];
    l.dispose();
    return Number.isFinite(value) ? value : null;
  };
  const tick = async (): Promise<boolean> => {
    done++;
    hooks.progress?.(done, total);
    if (performance.now() - since > YIELD_MS) {
      await new Promise<void>((r) => setImmediate(r));
      since = performance.now();
    }
    return hooks.shouldStop?.() === true;
  };

  try {
    const line: (number | null)[] = [];
    for (const t of ts) {
      line.push(lossAt(theta0, along, t));
      if (await tick()) return undefined;
    }
    const plane: (number | null)[] = [];
    for (const b of as) {
      for (const a of as) {
        plane.push(lossAt(theta1, dir1, a, dir2, b));
        if (await tick()) return undefined;
      }
    }
    const extra = hooks.rows !== undefined ? { rows: hooks.rows } : {};
    return [
      { kind: 'landscape', step: hooks.step, mode: 'line', xs: ts, values: line, ...extra },
      { kind: 'landscape', step: hooks.step, mode: 'plane', xs: as, ys: as.slice(), values: plane, ...extra },
    ];
  } finally {
    tf.tidy(() => params.forEach((p, i) => p.assign(theta1[i])));
    for (const t of kept) t.dispose();
  }
}

/** n evenly spaced values from a to b, both included, rounded so that 0 and 1 come out exact. */
export function axis(a: number, b: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => Number((a + ((b - a) * i) / (n - 1)).toPrecision(12)));
}
