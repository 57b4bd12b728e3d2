/**
 * Newton's method (lecture 003): θ ← θ − α·H⁻¹∇L with the Hessian H from autodiff (exact on the
 * 2-D objectives; central differences of the exact gradient on networks, see train/hessian.ts), α the
 * learning rate (default 1: the full Newton step, which lands on the minimum of a quadratic in
 * one step) or chosen by a line search along the Newton direction. Where H is not positive
 * definite (saddles, non-convex regions) the step is damped: H + τ·I with the smallest τ of a
 * doubling sequence that makes it so (see `dampedNewtonDirection`), so it still goes downhill.
 * Forming H costs one extra backward pass per parameter and solving it O(n³): small problems only.
 */
import type { LineSearchName } from '../../shared/experiment';
import { SpecError } from '../errors';
import { moveBy, requireContext, searchAlong } from '../train/along';
import { hessian } from '../train/hessian';
import { dampedNewtonDirection } from '../train/linalg';
import { tf } from '../tf';
import type { Optimizer, StepContext, StepOutcome } from './types';

/** Above this many parameters a Newton step takes seconds (n backward passes + n³/3 flops). */
export const NEWTON_MAX_PARAMS = 400;

export function checkNewtonSize(paramCount: number): void {
  if (paramCount > NEWTON_MAX_PARAMS) {
    throw new SpecError(
      '/optimizer/name',
      `'newton' forms the full Hessian (n × n, one backward pass per parameter) and is limited to ` +
        `${NEWTON_MAX_PARAMS} parameters; this model has ${paramCount}. Use "cg" or "adam", or a smaller model`,
    );
  }
}

export class Newton implements Optimizer {
  constructor(private readonly search: LineSearchName | undefined) {}

  step(params: tf.Variable[], grads: tf.Tensor[], lr: number, ctx?: StepContext): StepOutcome {
    const c = requireContext(ctx, "Newton's method");
    const n = params.reduce((s, p) => s + p.size, 0);
    checkNewtonSize(n);
    const h = hessian(params, c.loss, c.twiceDifferentiable ? 'exact' : 'finiteDifference');
    const flat = tf.tidy(() => tf.concat(grads.map((g) => tf.reshape(g, [-1]))));
    const g = flat.dataSync();
    flat.dispose();
    const nd = dampedNewtonDirection(h, g, n);
    if (!nd) return { lr: 0 };
    const d = Float32Array.from(nd.direction);
    let off = 0;
    const dirs = params.map((p) => {
      const t = tf.tensor(d.subarray(off, off + p.size), p.shape);
      off += p.size;
      return t;
    });
    try {
      if (!this.search) {
        moveBy(params, dirs, lr);
        return { lr };
      }
      let slope = 0;
      for (let i = 0; i < n; i++) slope += g[i] * nd.direction[i];
      return { lr: searchAlong(params, dirs, slope, lr, c, this.search) };
    } finally {
      dirs.forEach((t) => t.dispose());
    }
  }

  dispose(): void {}
}
