/**
 * RMSprop as PyTorch implements it (no momentum, not centered):
 *   s ← ρ·s + (1−ρ)·g²,  θ ← θ − α·g / (√s + ε).
 * PyTorch calls ρ `alpha` (default 0.99) and defaults ε to 1e-8; the experiment's values are used.
 */
import { tf } from '../tf';
import { Slots } from './state';
import type { Optimizer } from './types';

export class RmsProp implements Optimizer {
  private readonly squares = new Slots();

  constructor(
    private readonly rho: number,
    private readonly eps: number,
  ) {}

  step(params: tf.Variable[], grads: tf.Tensor[], lr: number): void {
    const ss = this.squares.get(params);
    tf.tidy(() => {
      params.forEach((p, i) => {
        const g = grads[i];
        const s = tf.add(tf.mul(this.rho, ss[i]), tf.mul(1 - this.rho, tf.square(g)));
        ss[i].assign(s);
        p.assign(tf.sub(p, tf.mul(lr, tf.div(g, tf.add(tf.sqrt(s), this.eps)))));
      });
    });
  }

  dispose(): void {
    this.squares.dispose();
  }
}
