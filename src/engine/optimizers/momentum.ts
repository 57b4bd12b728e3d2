/**
 * Heavy-ball momentum in PyTorch's form (SGD with momentum μ, dampening 0):
 *   v ← μ·v + g,  θ ← θ − α·v.
 * The lecture writes p ← μ·p − α·g, θ ← θ + p. With a constant α the two are the same
 * trajectory: p = −α·v at every step (they differ only when α changes mid-run).
 * PyTorch's first step sets v = g, which equals μ·0 + g, so zero-initialised v matches it.
 */
import { tf } from '../tf';
import { Slots } from './state';
import type { Optimizer } from './types';

export class Momentum implements Optimizer {
  private readonly velocity = new Slots();

  constructor(private readonly mu: number) {}

  step(params: tf.Variable[], grads: tf.Tensor[], lr: number): void {
    const vs = this.velocity.get(params);
    tf.tidy(() => {
      params.forEach((p, i) => {
        const v = tf.add(tf.mul(this.mu, vs[i]), grads[i]);
        vs[i].assign(v);
        p.assign(tf.sub(p, tf.mul(lr, v)));
      });
    });
  }

  dispose(): void {
    this.velocity.dispose();
  }
}
