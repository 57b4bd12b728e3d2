/**
 * Plain-JS twins of the native kernels (kernels.ts): the reference the addon is tested against,
 * and a stand-in that lets the engine's BLAS code paths run in tests on machines without the addon.
 * sgemm accumulates in float64 (so it is a reference, not a model of BLAS rounding).
 */
import { stepSumsJs, sumSquaresJs } from '../fused/heapStats';
import type { NativeKernels } from './kernels';

export const referenceKernels: NativeKernels = {
  library: 'JS reference',
  sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          const av = transA ? a[p * lda + i] : a[i * lda + p];
          const bv = transB ? b[j * ldb + p] : b[p * ldb + j];
          s += av * bv;
        }
        const o = i * ldc + j;
        c[o] = beta === 0 ? alpha * s : alpha * s + beta * c[o];
      }
    }
  },
  sumSquares: sumSquaresJs,
  diffSquares(after, before, out) {
    // stepSumsJs's lanes for Σ(after − before)² and Σ before² (its Σg² on `before` goes unused).
    const sums = { grad: 0, diff: 0, before: 0 };
    stepSumsJs(before, after, before, sums);
    out[0] = sums.diff;
    out[1] = sums.before;
  },
};
