/**
 * Normalized gradient descent (lecture 004): d = −∇L/‖∇L‖ with ‖·‖ the global L2 norm over all
 * parameters, θ ← θ + α·d, so every step has length exactly α whatever the gradient's size.
 * With `lineSearch` the length is chosen along d instead (then it is plain steepest descent with
 * a line search: the normalization only rescales α).
 * A zero gradient gives no step (0/max(0, tiny) = 0) rather than NaN.
 */
import { tf } from '../tf';
import type { Optimizer } from './types';

const TINY = 1e-30;

export class NormalizedGd implements Optimizer {
  step(params: tf.Variable[], grads: tf.Tensor[], lr: number): void {
    tf.tidy(() => {
      const norm = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
      const scale = tf.div(lr, tf.maximum(norm, TINY));
      params.forEach((p, i) => p.assign(tf.sub(p, tf.mul(scale, grads[i]))));
    });
  }

  dispose(): void {}
}
