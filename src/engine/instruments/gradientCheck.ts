/**
 * Gradient check: centered finite differences (L(θ+h·eᵢ) − L(θ−h·eᵢ)) / 2h against the gradient the
 * optimizer is given, on a few sampled coordinates (recap: "incorrect gradients → finite
 * differences"). With autodiff the two agree up to float32 rounding; a hand-written gradient with a
 * bug does not. Costs 2 loss evaluations per coordinate, so the loop calls it a few times per run.
 */
import type { GradientCheckRecord } from '../../shared/protocol';
import type { Rng } from '../random';
import { tf } from '../tf';
import type { Problem } from '../train/problem';

/** Coordinates checked per call. */
export const CHECKED = 24;
/** Components below this fraction of the largest one are compared against that floor instead (float32 noise). */
const FLOOR = 1e-2;

export function gradientCheck(problem: Problem, step: number, rng: Rng, names: (param: number, index: number) => string): GradientCheckRecord {
  const params = problem.params;
  // The same batch for every evaluation: batch `step` as the loop used it.
  const grads = tf.tidy(() => {
    const { grads: g } = tf.variableGrads(() => problem.loss(step), params);
    return tf.concat(params.map((p) => tf.reshape(g[p.name], [-1])));
  });
  const analytic = grads.dataSync() as Float32Array;
  grads.dispose();
  const sizes = params.map((p) => p.size);
  const total = sizes.reduce((a, b) => a + b, 0);
  let gMax = 0;
  for (const g of analytic) gMax = Math.max(gMax, Math.abs(g));
  // Half the coordinates where the gradient is largest (a bug shows where the gradient is big),
  // half at random (a bug in a part of the gradient that happens to be small).
  const order = Array.from(analytic.keys()).sort((a, b) => Math.abs(analytic[b]) - Math.abs(analytic[a]));
  const picks = new Set(order.slice(0, Math.min(total, CHECKED / 2)));
  for (let tries = 0; picks.size < Math.min(total, CHECKED) && tries < 4 * CHECKED; tries++) picks.add(rng.int(total));
  let worst = { err: 0, flat: 0, a: 0, n: 0 };
  for (const flat of picks) {
    let pi = 0;
    let idx = flat;
    while (idx >= sizes[pi]) idx -= sizes[pi++];
    const n = centered(problem, step, params[pi], idx);
    const a = analytic[flat];
    const err = Math.abs(a - n) / Math.max(Math.abs(a), Math.abs(n), FLOOR * gMax, 1e-7);
    if (err > worst.err || worst.err === 0) worst = { err, flat, a, n };
  }
  let pi = 0;
  let idx = worst.flat;
  while (idx >= sizes[pi]) idx -= sizes[pi++];
  return { kind: 'gradientCheck', step, maxRelError: worst.err, parameter: names(pi, idx), analytic: worst.a, numeric: worst.n, checked: picks.size };
}

/** (L(θ + h·e) − L(θ − h·e)) / 2h for one coordinate; the variable is restored exactly afterwards. */
function centered(problem: Problem, step: number, v: tf.Variable, index: number): number {
  const original = v.clone();
  const x = (original.dataSync() as Float32Array)[index];
  // float32: h ≈ cube root of machine epsilon balances truncation against rounding.
  const h = 5e-3 * Math.max(1, Math.abs(x));
  const at = (delta: number): number => {
    tf.tidy(() => {
      const d = tf.buffer([v.size], 'float32');
      d.set(delta, index);
      v.assign(tf.add(original, tf.reshape(d.toTensor(), v.shape)));
    });
    const l = tf.tidy(() => problem.loss(step));
    const val = l.dataSync()[0];
    l.dispose();
    return val;
  };
  const up = at(h);
  const down = at(-h);
  v.assign(original);
  original.dispose();
  return (up - down) / (2 * h);
}
