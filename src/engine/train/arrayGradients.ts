/**
 * The network problem's ArrayGradients (problem.ts) on the dense nets the fused steps use: each on
 * a net of its own, made on first use, so the training step's buffers and θ stay untouched, and on
 * the same rows `loss(step)` uses.
 */
import type { BlasCentralDifferences, BlasDenseNet } from '../fused/blasNet';
import type { FusedDenseNet } from '../fused/denseNet';
import type { ArrayGradients } from './problem';

/** The rows of step `step`'s batch: x, targets, row count. */
export type BatchRows = (step: number) => [Float32Array, Float32Array, number];

/** On the BLAS net, with cheaper Hessian-vector products by central differences. */
export function blasArrayGradients(
  theta: () => Float32Array[],
  rows: BatchRows,
  net: () => BlasDenseNet,
  differences: () => BlasCentralDifferences,
): ArrayGradients {
  let gradients: BlasDenseNet | undefined;
  let products: BlasCentralDifferences | undefined;
  return {
    theta,
    gradientAt: (at, step, grads) => {
      gradients ??= net();
      const [x, y, n] = rows(step);
      return gradients.lossAndGradsInto(at, x, y, n, grads);
    },
    centralDifferences: (at, step) => {
      const d = (products ??= differences());
      const [x, y, n] = rows(step);
      d.prepare(at, x, y, n);
      return (v, eps, out) => d.product(v, eps, out);
    },
  };
}

/**
 * On the small-net JS net. The tiny 2-16-16-1 net at batch 32: a gradient here is ~0.05 ms,
 * through tfjs ~1 ms of per-kernel overhead, and the curvature probe takes ~33 a call (~1.5 ms warm
 * here against 30–50 ms), so a cheaper `centralDifferences` would not be worth its code.
 */
export function fusedArrayGradients(theta: () => Float32Array[], rows: BatchRows, net: () => FusedDenseNet): ArrayGradients {
  let gradients: FusedDenseNet | undefined;
  return {
    theta,
    gradientAt: (at, step, grads) => {
      const g = (gradients ??= net());
      const [x, y, n] = rows(step);
      const loss = g.lossAndGrads(at, x, y, n);
      g.grads.forEach((gi, i) => grads[i].set(gi));
      return loss;
    },
  };
}
