/** Plain gradient descent: θ ← θ − α·g. */
import { arrayKernels, SIMD_MIN_LENGTH } from '../fused/arrayKernels';
import { tf } from '../tf';
import { f } from './arrays';
import type { Optimizer } from './types';

export class Sgd implements Optimizer {
  step(params: tf.Variable[], grads: tf.Tensor[], lr: number): void {
    tf.tidy(() => {
      params.forEach((p, i) => p.assign(tf.sub(p, tf.mul(lr, grads[i]))));
    });
  }

  stepArrays(params: Float32Array[], grads: Float32Array[], lr: number): void {
    const a = f(lr);
    const simd = arrayKernels();
    params.forEach((p, i) => {
      const g = grads[i];
      if (simd && p.length >= SIMD_MIN_LENGTH) return simd.sgd(p, g, a);
      for (let j = 0; j < p.length; j++) p[j] = p[j] - f(a * g[j]);
    });
  }

  dispose(): void {}
}
