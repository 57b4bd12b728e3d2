/** Plain gradient descent: θ ← θ − α·g. */
import { arrayKernels } from '../fused/arrayKernels';
import { tf } from '../tf';
import { stepSumsJs, sumsAt } from './arrays';
import type { Optimizer } from './types';

/** Math.fround, bound here rather than imported (arrays.ts says why). */
const f = Math.fround;

export class Sgd implements Optimizer {
  step(params: tf.Variable[], grads: tf.Tensor[], lr: number): void {
    tf.tidy(() => {
      params.forEach((p, i) => p.assign(tf.sub(p, tf.mul(lr, grads[i]))));
    });
  }

  stepArrays(params: Float32Array[], grads: Float32Array[], lr: number): void {
    this.update(params, grads, lr);
  }

  stepArraysWithSums(params: Float32Array[], grads: Float32Array[], lr: number, sums: Float64Array): void {
    this.update(params, grads, lr, sums);
  }

  private update(params: Float32Array[], grads: Float32Array[], lr: number, sums?: Float64Array): void {
    const a = f(lr);
    const simd = arrayKernels();
    params.forEach((p, i) => {
      const g = grads[i];
      if (simd?.takes(p)) return simd.sgd(p, g, a, sums, sumsAt(i));
      const before = sums && p.slice();
      for (let j = 0; j < p.length; j++) p[j] = p[j] - f(a * g[j]);
      if (before) stepSumsJs(g, before, p, sums, sumsAt(i));
    });
  }

  dispose(): void {}
}
