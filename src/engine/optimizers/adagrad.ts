/**
 * AdaGrad as PyTorch implements it (lr_decay 0, initial accumulator 0):
 *   G ← G + g²,  θ ← θ − α·g / (√G + ε).
 * PyTorch's default ε is 1e-10; the value used here is whatever the experiment says.
 */
import { tf } from '../tf';
import { Slots } from './state';
import type { Optimizer } from './types';

export class Adagrad implements Optimizer {
  private readonly sums = new Slots();

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

  dispose(): void {
    this.sums.dispose();
  }
}
