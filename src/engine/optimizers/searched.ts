/**
 * Steepest descent with a line search (lecture 004): d = −∇L (or −∇L/‖∇L‖ for normalizedGd),
 * α = argmin φ(α) by Brent's method, or the first Armijo step from α₀ = learningRate. With an
 * exact search consecutive directions are orthogonal: the zig-zag of the lecture's picture.
 */
import type { LineSearchName } from '../../shared/experiment';
import { requireContext, searchAlong } from '../train/along';
import { tf } from '../tf';
import type { Optimizer, StepContext, StepOutcome } from './types';

export class SearchedDescent implements Optimizer {
  constructor(
    private readonly search: LineSearchName,
    private readonly normalized: boolean,
  ) {}

  step(params: tf.Variable[], grads: tf.Tensor[], lr: number, ctx?: StepContext): StepOutcome {
    const c = requireContext(ctx, 'a line search');
    const sq = tf.tidy(() => tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
    const gg = sq.dataSync()[0];
    sq.dispose();
    if (!(gg > 0) || !Number.isFinite(gg)) return { lr: 0 };
    const norm = this.normalized ? Math.sqrt(gg) : 1;
    const dirs = grads.map((g) => tf.div(tf.neg(g), norm));
    try {
      return { lr: searchAlong(params, dirs, -gg / norm, lr, c, this.search) };
    } finally {
      dirs.forEach((d) => d.dispose());
    }
  }

  dispose(): void {}
}
