/**
 * Moving the parameters along a direction d, by a fixed step α or by a line search on
 * φ(α) = L(θ + α·d). Each trial assigns θ + α·d to the variables and reads the loss back (one
 * GPU→CPU transfer per trial: the price of a line search, paid only by the methods that ask).
 */
import type { LineSearchName } from '../../shared/experiment';
import type { StepContext } from '../optimizers/types';
import { tf } from '../tf';
import { lineSearch } from './lineSearch';

/** θ ← θ + α·d. */
export function moveBy(params: tf.Variable[], dirs: tf.Tensor[], alpha: number): void {
  tf.tidy(() => params.forEach((p, i) => p.assign(tf.add(p, tf.mul(alpha, dirs[i])))));
}

/**
 * Line search along d from θ, leaving θ + α*·d in the variables. `slope` is φ'(0) = ∇Lᵀd.
 * Returns α* (0 when no trial improved on θ: the parameters are then unchanged).
 */
export function searchAlong(
  params: tf.Variable[],
  dirs: tf.Tensor[],
  slope: number,
  alpha0: number,
  ctx: StepContext,
  search: LineSearchName,
): number {
  // clone() shares the data and assign() swaps a variable's data, so `base` stays θ throughout.
  const base = params.map((p) => tf.keep(p.clone()));
  try {
    const place = (alpha: number) =>
      tf.tidy(() => params.forEach((p, i) => p.assign(alpha === 0 ? base[i] : tf.add(base[i], tf.mul(alpha, dirs[i])))));
    const phi = (alpha: number): number => {
      place(alpha);
      const l = tf.tidy(() => ctx.loss());
      const v = l.dataSync()[0];
      l.dispose();
      return v;
    };
    const phi0 = ctx.value.dataSync()[0];
    const r = lineSearch(search, phi, phi0, slope, alpha0);
    place(r.value < phi0 ? r.alpha : 0);
    return r.value < phi0 ? r.alpha : 0;
  } finally {
    base.forEach((b) => b.dispose());
  }
}

/** What methods that need the loss say when called without it (a programming error). */
export function requireContext(ctx: StepContext | undefined, who: string): StepContext {
  if (!ctx) throw new Error(`${who} evaluates the loss during its step: call step() with a StepContext`);
  return ctx;
}
