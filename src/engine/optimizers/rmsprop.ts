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
import { ArraySlots } from './arrays';
import { Slots } from './state';
import type { Optimizer } from './types';

/** Math.fround, bound here rather than imported (arrays.ts says why). */
const f = Math.fround;

export class RmsProp implements Optimizer {
  private readonly squares = new Slots();
  private readonly means = new Slots();
  private readonly buffers = new Slots();
  private readonly arrays = { squares: new ArraySlots(), means: new ArraySlots(), buffers: new ArraySlots() };

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

  stepArrays(params: Float32Array[], grads: Float32Array[], lr: number): void {
    const ss = this.arrays.squares.get(params);
    const ms = this.centered ? this.arrays.means.get(params) : undefined;
    const bs = this.momentum > 0 ? this.arrays.buffers.get(params) : undefined;
    const rho = f(this.rho);
    const c = f(1 - this.rho);
    const eps = f(this.eps);
    const mu = f(this.momentum);
    const a = f(lr);
    const minusLr = f(-lr);
    params.forEach((p, i) => {
      const g = grads[i];
      const s = ss[i];
      for (let j = 0; j < p.length; j++) {
        const gj = g[j];
        const sj = f(f(rho * s[j]) + f(f(c * gj) * gj));
        s[j] = sj;
        let variance = sj;
        if (ms) {
          const mj = f(f(rho * ms[i][j]) + f(c * gj));
          ms[i][j] = mj;
          variance = f(sj - f(mj * mj));
        }
        const r = f(f(Math.sqrt(variance)) + eps);
        if (bs) {
          const bj = f(f(mu * bs[i][j]) + f(gj / r));
          bs[i][j] = bj;
          p[j] = p[j] - f(a * bj);
        } else {
          p[j] = p[j] + f(f(minusLr * gj) / r);
        }
      }
    });
  }

  dispose(): void {
    this.squares.dispose();
    this.means.dispose();
    this.buffers.dispose();
  }
}
