/**
 * Adam exactly as torch.optim.Adam computes it (amsgrad off, no weight decay):
 *   m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,  t ← t + 1
 *   θ ← θ − (α / (1−β1^t)) · m / (√v / √(1−β2^t) + ε)
 * i.e. m̂ = m/(1−β1^t), v̂ = v/(1−β2^t), θ ← θ − α·m̂/(√v̂ + ε), with ε added after the bias
 * correction of √v as torch does. The scalar corrections are computed in JS (float64).
 */
import { tf } from '../tf';
import { Slots } from './state';
import type { Optimizer } from './types';

export class Adam implements Optimizer {
  private readonly m = new Slots();
  private readonly v = new Slots();
  private t = 0;

  constructor(
    private readonly beta1: number,
    private readonly beta2: number,
    private readonly eps: number,
  ) {}

  step(params: tf.Variable[], grads: tf.Tensor[], lr: number): void {
    const ms = this.m.get(params);
    const vs = this.v.get(params);
    this.t++;
    const stepSize = lr / (1 - this.beta1 ** this.t);
    const bc2Sqrt = Math.sqrt(1 - this.beta2 ** this.t);
    tf.tidy(() => {
      params.forEach((p, i) => {
        const g = grads[i];
        const m = tf.add(tf.mul(this.beta1, ms[i]), tf.mul(1 - this.beta1, g));
        const v = tf.add(tf.mul(this.beta2, vs[i]), tf.mul(1 - this.beta2, tf.square(g)));
        ms[i].assign(m);
        vs[i].assign(v);
        const denom = tf.add(tf.div(tf.sqrt(v), bc2Sqrt), this.eps);
        p.assign(tf.sub(p, tf.mul(stepSize, tf.div(m, denom))));
      });
    });
  }

  dispose(): void {
    this.m.dispose();
    this.v.dispose();
  }
}
