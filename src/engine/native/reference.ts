/**
 * Plain-JS twins of the native kernels (kernels.ts): the reference the addon is tested against,
 * and a stand-in that lets the engine's BLAS code paths run in tests on machines without the addon.
 * sgemm accumulates in float64 (so it is a reference, not a model of BLAS rounding).
 */
import { sumSquaresJs } from '../fused/heapStats';
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
    // Four accumulators per sum combined (0 + 2) + (1 + 3), then the tail: as stepSumsJs.
    let d0 = 0, d1 = 0, d2 = 0, d3 = 0;
    let b0 = 0, b1 = 0, b2 = 0, b3 = 0;
    const n4 = before.length - (before.length % 4);
    for (let i = 0; i < n4; i += 4) {
      const e0 = after[i] - before[i];
      const e1 = after[i + 1] - before[i + 1];
      const e2 = after[i + 2] - before[i + 2];
      const e3 = after[i + 3] - before[i + 3];
      d0 += e0 * e0;
      d1 += e1 * e1;
      d2 += e2 * e2;
      d3 += e3 * e3;
      b0 += before[i] * before[i];
      b1 += before[i + 1] * before[i + 1];
      b2 += before[i + 2] * before[i + 2];
      b3 += before[i + 3] * before[i + 3];
    }
    let d = d0 + d2 + (d1 + d3);
    let w = b0 + b2 + (b1 + b3);
    for (let i = n4; i < before.length; i++) {
      const e = after[i] - before[i];
      d += e * e;
      w += before[i] * before[i];
    }
    out[0] = d;
    out[1] = w;
  },
};
