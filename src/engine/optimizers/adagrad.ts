/**
 * AdaGrad as PyTorch implements it (lr_decay 0, initial accumulator 0):
 *   G ← G + g²,  θ ← θ − α·g / (√G + ε).
 * PyTorch's default ε is 1e-10; the value used here is whatever the experiment says.
 */
import { tf } from '../tf';
import { ArraySlots } from './arrays';
import { Slots } from './state';
import type { Optimizer } from './types';

/** Math.fround, bound here rather than imported (arrays.ts says why). */
const f = Math.fround;

export class Adagrad implements Optimizer {
  private readonly sums = new Slots();
  private readonly sumArrays = new ArraySlots();

  constructor(private readonly eps: number) {}

  step(params: tf.Variable[], grads: tf.Tensor[], lr: number): void {
    const gs = this.sums.get(params);
    tf.tidy(() => {
      params.forEach((p, i) => {
        const g = grads[i];
        const G = tf.add(gs[i], tf.square(g));
        gs[i].assign(G);
        // torch's addcdiv order, (−α·g)/(√G + ε), so float32 rounding matches too.
        p.assign(tf.add(p, tf.div(tf.mul(-lr, g), tf.add(tf.sqrt(G), this.eps))));
      });
    });
  }

  stepArrays(params: Float32Array[], grads: Float32Array[], lr: number): void {
    const gs = this.sumArrays.get(params);
    const minusLr = f(-lr);
    const eps = f(this.eps);
    params.forEach((p, i) => {
      const g = grads[i];
      const G = gs[i];
      for (let j = 0; j < p.length; j++) {
        const Gj = f(G[j] + f(g[j] * g[j]));
        G[j] = Gj;
        p[j] = p[j] + f(f(minusLr * g[j]) / f(f(Math.sqrt(Gj)) + eps));
      }
    });
  }

  dispose(): void {
    this.sums.dispose();
  }
}
