/**
 * RMSprop as torch.optim.RMSprop computes it (no weight decay):
 *   s ← ρ·s + (1−ρ)·g²
 *   centered: ḡ ← ρ·ḡ + (1−ρ)·g,  r = √(s − ḡ²) + ε;  otherwise r = √s + ε
 *   momentum μ > 0: b ← μ·b + g/r,  θ ← θ − α·b;  otherwise θ ← θ − α·g/r
 * PyTorch calls ρ `alpha` (default 0.99), defaults ε to 1e-8 and momentum to 0.
 * ε is added outside the square root, as PyTorch does. One lecture slide (001) writes
 * α/√(s + ε), with ε inside: the two differ only while s is of the order of ε.
 * Operations come in torch's float32 order (addcmul (c·a)·b, addcdiv (c·a)/b).
 */
import { tf } from '../tf';
import { Slots } from './state';
import type { Optimizer } from './types';

export class RmsProp implements Optimizer {
  private readonly squares = new Slots();
  private readonly means = new Slots();
  private readonly buffers = new Slots();

  constructor(
    private readonly rho: number,
    private readonly eps: number,
    private readonly centered = false,
    private readonly momentum = 0,
  ) {}

  step(params: tf.Variable[], grads: tf.Tensor[], lr: number): void {
    const ss = this.squares.get(params);
    const ms = this.centered ? this.means.get(params) : undefined;
    const bs = this.momentum > 0 ? this.buffers.get(params) : undefined;
    tf.tidy(() => {
      params.forEach((p, i) => {
        const g = grads[i];
        const s = tf.add(tf.mul(this.rho, ss[i]), tf.mul(tf.mul(1 - this.rho, g), g));
        ss[i].assign(s);
        let variance: tf.Tensor = s;
        if (ms) {
          const m = tf.add(tf.mul(this.rho, ms[i]), tf.mul(1 - this.rho, g));
          ms[i].assign(m);
          variance = tf.sub(s, tf.square(m));
        }
        const r = tf.add(tf.sqrt(variance), this.eps);
        if (bs) {
          const b = tf.add(tf.mul(this.momentum, bs[i]), tf.div(g, r));
          bs[i].assign(b);
          p.assign(tf.sub(p, tf.mul(lr, b)));
        } else {
          p.assign(tf.add(p, tf.div(tf.mul(-lr, g), r)));
        }
      });
    });
  }

  dispose(): void {
    this.squares.dispose();
    this.means.dispose();
    this.buffers.dispose();
  }
}
