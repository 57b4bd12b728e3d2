/** Plain gradient descent: θ ← θ − α·g. */
import { tf } from '../tf';
import type { Optimizer } from './types';

export class Sgd implements Optimizer {
  step(params: tf.Variable[], grads: tf.Tensor[], lr: number): void {
    tf.tidy(() => {
      params.forEach((p, i) => p.assign(tf.sub(p, tf.mul(lr, grads[i]))));
    });
  }

  dispose(): void {}
}
