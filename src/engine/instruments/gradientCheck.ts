/**
 * Gradient check: centered finite differences (L(θ+h·eᵢ) − L(θ−h·eᵢ)) / 2h against the gradient the
 * optimizer is given, on a few sampled coordinates (recap: "incorrect gradients → finite
 * differences"). With autodiff the two agree up to float32 rounding; a hand-written gradient with a
 * bug does not. Costs 2 loss evaluations per coordinate, so the loop calls it a few times per run.
 *
 * Problems that train on array gradients (the native BLAS step, the small-net JS step) are checked
 * on those, the gradient their optimizer is actually given, against differences of the same net's
 * loss: a tfjs gradient would check other code than the one that trains.
 */
import type { GradientCheckRecord } from '../../shared/protocol';
import type { Rng } from '../random';
import { tf } from '../tf';
import type { ArrayGradients, Problem } from '../train/problem';

/** Coordinates checked per call. */
export const CHECKED = 24;
/** Components below this fraction of the largest one are compared against that floor instead (float32 noise). */
const FLOOR = 1e-2;

/** θ and the gradient there (flat, in params order), and the loss with one coordinate moved by `delta`, θ left as it was. */
interface Subject {
  sizes: number[];
  theta: Float32Array;
  analytic: Float32Array;
  lossMoved(flat: number, delta: number): number;
}

export function gradientCheck(problem: Problem, step: number, rng: Rng, names: (param: number, index: number) => string): GradientCheckRecord {
  const s = problem.arrayGradients ? arraySubject(problem.arrayGradients, step) : tfjsSubject(problem, step);
  const { sizes, analytic } = s;
  const total = analytic.length;
  let gMax = 0;
  for (const g of analytic) gMax = Math.max(gMax, Math.abs(g));
  // Half the coordinates where the gradient is largest (a bug shows where the gradient is big),
  // half at random (a bug in a part of the gradient that happens to be small).
  const order = Array.from(analytic.keys()).sort((a, b) => Math.abs(analytic[b]) - Math.abs(analytic[a]));
  const picks = new Set(order.slice(0, Math.min(total, CHECKED / 2)));
  for (let tries = 0; picks.size < Math.min(total, CHECKED) && tries < 4 * CHECKED; tries++) picks.add(rng.int(total));
  let worst = { err: 0, flat: 0, a: 0, n: 0 };
  for (const flat of picks) {
    // float32: h ≈ cube root of machine epsilon balances truncation against rounding.
    const h = 5e-3 * Math.max(1, Math.abs(s.theta[flat]));
    const n = (s.lossMoved(flat, h) - s.lossMoved(flat, -h)) / (2 * h);
    const a = analytic[flat];
    const err = Math.abs(a - n) / Math.max(Math.abs(a), Math.abs(n), FLOOR * gMax, 1e-7);
    if (err > worst.err || worst.err === 0) worst = { err, flat, a, n };
  }
  const [pi, idx] = locate(sizes, worst.flat);
  return { kind: 'gradientCheck', step, maxRelError: worst.err, parameter: names(pi, idx), analytic: worst.a, numeric: worst.n, checked: picks.size };
}

/** On tfjs: the Variables moved and restored exactly; batch `step` as the loop used it. */
function tfjsSubject(problem: Problem, step: number): Subject {
  const params = problem.params;
  const flat = (ts: tf.Tensor[]) => tf.tidy(() => tf.concat(ts.map((t) => tf.reshape(t, [-1]))));
  const grads = tf.tidy(() => {
    const { grads: g } = tf.variableGrads(() => problem.loss(step), params);
    return flat(params.map((p) => g[p.name]));
  });
  const analytic = grads.dataSync() as Float32Array;
  grads.dispose();
  const values = flat(params);
  const theta = values.dataSync() as Float32Array;
  values.dispose();
  const sizes = params.map((p) => p.size);
  return {
    sizes,
    theta,
    analytic,
    lossMoved: (i, delta) => {
      const [pi, index] = locate(sizes, i);
      const v = params[pi];
      const original = v.clone();
      try {
        tf.tidy(() => {
          const d = tf.buffer([v.size], 'float32');
          d.set(delta, index);
          v.assign(tf.add(original, tf.reshape(d.toTensor(), v.shape)));
        });
        const l = tf.tidy(() => problem.loss(step));
        const val = l.dataSync()[0];
        l.dispose();
        return val;
      } finally {
        v.assign(original);
        original.dispose();
      }
    },
  };
}

/** On the problem's array gradients: a copy of θ moved coordinate by coordinate; the problem's own θ is not touched. */
function arraySubject(g: ArrayGradients, step: number): Subject {
  const theta = g.theta();
  const grads = theta.map((t) => new Float32Array(t.length));
  g.gradientAt(theta, step, grads);
  const sizes = theta.map((t) => t.length);
  const joined = (parts: Float32Array[]) => {
    const out = new Float32Array(sizes.reduce((a, b) => a + b, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  };
  return {
    sizes,
    theta: joined(theta),
    analytic: joined(grads),
    lossMoved: (i, delta) => {
      const [pi, idx] = locate(sizes, i);
      const t = theta[pi];
      const x = t[idx];
      t[idx] = x + delta;
      try {
        return g.gradientAt(theta, step, grads);
      } finally {
        t[idx] = x;
      }
    },
  };
}

/** Which parameter, and which of its entries, flat index `flat` is. */
function locate(sizes: readonly number[], flat: number): [number, number] {
  let pi = 0;
  let idx = flat;
  while (idx >= sizes[pi]) idx -= sizes[pi++];
  return [pi, idx];
}
