/**
 * Nesterov momentum as PyTorch implements it (SGD nesterov=True):
 *   v ← μ·v + g,  θ ← θ − α·(g + μ·v).
 * This "look-ahead in gradient space" form is the Sutskever et al. reformulation that needs only
 * the gradient at θ, not at θ + μ·p.
 */
import { tf } from '../tf';
import { Slots } from './state';
import type { Optimizer } from './types';

export class Nesterov implements Optimizer {
  private readonly velocity = new Slots();

  constructor(private readonly mu: number) {}

  step(params: tf.Variable[], grads: tf.Tensor[], lr: number): void {
    const vs = this.velocity.get(params);
    tf.tidy(() => {
      params.forEach((p, i) => {
        const v = tf.add(tf.mul(this.mu, vs[i]), grads[i]);
        vs[i].assign(v);
        p.assign(tf.sub(p, tf.mul(lr, tf.add(grads[i], tf.mul(this.mu, v)))));
      });
    });
  }

  dispose(): void {
    this.velocity.dispose();
  }
}
