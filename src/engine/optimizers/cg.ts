/**
 * Nonlinear conjugate gradient (lecture 004): d₁ = −g₁, d_{k+1} = −g_{k+1} + β_k·d_k, with
 *   Fletcher–Reeves  β = g_{k+1}ᵀg_{k+1} / g_kᵀg_k
 *   Polak–Ribière    β = g_{k+1}ᵀ(g_{k+1} − g_k) / g_kᵀg_k, reset β ← max(β, 0) (PR+)
 * and α from a line search along d (Brent by default: CG's conjugacy needs a near-exact one).
 * If d is not a descent direction (gᵀd ≥ 0, possible after an inexact search) it restarts from
 * −g. On a quadratic in n dimensions with exact searches it reaches the minimum in ≤ n steps.
 * PyTorch has no CG optimizer; the tests check the lecture's properties instead.
 */
import type { CgBeta, LineSearchName } from '../../shared/experiment';
import { requireContext, searchAlong } from '../train/along';
import { tf } from '../tf';
import { Slots } from './state';
import type { Optimizer, StepContext, StepOutcome } from './types';

export class ConjugateGradient implements Optimizer {
  private readonly prevGrad = new Slots();
  private readonly prevDir = new Slots();
  private started = false;

  constructor(
    private readonly beta: CgBeta,
    private readonly search: LineSearchName,
  ) {}

  step(params: tf.Variable[], grads: tf.Tensor[], lr: number, ctx?: StepContext): StepOutcome {
    const c = requireContext(ctx, 'conjugate gradient');
    const gPrev = this.prevGrad.get(params);
    const dPrev = this.prevDir.get(params);
    // One read-back for the four dot products β and the descent test need.
    const dots = tf.tidy(() => {
      const sum = (f: (i: number) => tf.Tensor) => tf.addN(grads.map((_, i) => tf.sum(f(i))));
      return tf.stack([
        sum((i) => tf.square(grads[i])),
        sum((i) => tf.mul(grads[i], gPrev[i])),
        sum((i) => tf.square(gPrev[i])),
        sum((i) => tf.mul(grads[i], dPrev[i])),
      ]);
    });
    const [gg, gp, pp, gd] = dots.dataSync();
    dots.dispose();
    if (!(gg > 0) || !Number.isFinite(gg)) return { lr: 0 };
    let beta = 0;
    if (this.started && pp > 0) {
      beta = this.beta === 'fletcherReeves' ? gg / pp : Math.max((gg - gp) / pp, 0);
    }
    let slope = -gg + beta * gd;
    if (!(slope < 0)) {
      beta = 0;
      slope = -gg;
    }
    const b = beta;
    const dirs = tf.tidy(() => grads.map((g, i) => (b === 0 ? tf.neg(g) : tf.add(tf.neg(g), tf.mul(b, dPrev[i])))));
    const alpha = searchAlong(params, dirs, slope, lr, c, this.search);
    tf.tidy(() => {
      grads.forEach((g, i) => gPrev[i].assign(g));
      dirs.forEach((d, i) => dPrev[i].assign(d));
    });
    dirs.forEach((d) => d.dispose());
    this.started = true;
    return { lr: alpha };
  }

  dispose(): void {
    this.prevGrad.dispose();
    this.prevDir.dispose();
  }
}
