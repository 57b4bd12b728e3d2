/**
 * Plain-JS twins of the native kernels (kernels.ts): the reference the addon is tested against,
 * and a stand-in that lets the engine's BLAS code paths run in tests on machines without the addon.
 * sgemm accumulates in float64 (so it is a reference, not a model of BLAS rounding).
 */
import { stepSumsJs, sumSquaresJs } from '../fused/heapStats';
import { adamLoop } from '../optimizers/adam';
import type { NativeKernels, NativeUpdates } from './kernels';

const f = Math.fround;

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

/**
 * The optimizer updates as the JS loops of optimizers/{sgd,momentum,adam}.ts make them, and their
 * sums in float64 (the addon's float32 block sums are tested against these within their bound).
 * Not part of referenceKernels: there the engine keeps its WASM kernels, whose sums it was tested with.
 */
export const referenceUpdates: NativeUpdates = {
  isa: () => 'JS reference',
  sgdUpdate(p, g, a, sums, at = 0) {
    const s = new Sums();
    for (let j = 0; j < p.length; j++) s.add(g[j], p[j], (p[j] = p[j] - f(a * g[j])));
    s.store(sums, at);
  },
  momentumUpdate(p, g, v, mu, a, nesterov, sums, at = 0) {
    const s = new Sums();
    for (let j = 0; j < p.length; j++) {
      const vj = f(f(mu * v[j]) + g[j]);
      v[j] = vj;
      const direction = nesterov ? f(g[j] + f(mu * vj)) : vj;
      s.add(g[j], p[j], (p[j] = p[j] - f(a * direction)));
    }
    s.store(sums, at);
  },
  adamUpdate(p, g, m, v, vMax, b1, c1, b2, c2, minusStep, bc2Sqrt, eps, sums, at = 0) {
    const before = p.slice();
    adamLoop(p, g, m, v, vMax, { b1, c1, b2, c2, minusStep, bc2Sqrt, eps });
    const s = new Sums();
    for (let j = 0; j < p.length; j++) s.add(g[j], before[j], p[j]);
    s.store(sums, at);
  },
};

/** Σg², Σ(θ' − θ)², Σθ² in float64 (θ' − θ as the float32 the kernels square). */
class Sums {
  private g = 0;
  private d = 0;
  private w = 0;

  /** `after` is a float32 already (read back from the array it was stored in). */
  add(g: number, before: number, after: number): void {
    const d = f(f(after) - before);
    this.g += f(g * g);
    this.d += f(d * d);
    this.w += f(before * before);
  }

  store(sums: Float64Array | undefined, at: number): void {
    if (!sums) return;
    sums[at] = this.g;
    sums[at + 1] = this.d;
    sums[at + 2] = this.w;
  }
}
