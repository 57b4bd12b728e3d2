/**
 * The curvature probe's power iterations (curvature.ts) on plain arrays, for problems with
 * ArrayGradients (networks on the native BLAS step or the small-net JS step): the same start vectors, central differences,
 * Rayleigh quotients and warm starts as the tfjs version, with the problem's own array gradients
 * instead of tfjs (MNIST-shaped MLP at batch 256: ~1.1 ms against ~7 ms on WASM, and
 * a call takes ~33). Where the problem has `centralDifferences` each product costs about one
 * gradient instead of two (~1.5 ms at batch 256). Nothing here touches the tfjs Variables, so the
 * BLAS step keeps its θ and the small-net step's Variables stay as trained. Sums are in float64 (the tfjs version's in float32): the same numbers
 * to float32 rounding.
 *
 * Every vector is one contiguous array (the gradients see per-parameter views of it): V8 runs a
 * flat loop over 109k floats in ~0.06 ms, the same loop split over six arrays in ~0.14 ms. Per
 * iteration the vector work is two passes: the normalization of the last iterate (fused with
 * building θ ± εv from it when the gradients are taken here), and the product's shift with the
 * Rayleigh quotient and the norm.
 */
import type { CurvatureRecord } from '../../shared/protocol';
import type { ArrayGradients } from '../train/problem';

/** A flat vector and its per-parameter views. */
interface Flat {
  all: Float32Array;
  parts: Float32Array[];
}

/** Hv along v into `out` at the call's θ. */
type Products = (v: readonly Float32Array[], eps: number, out: readonly Float32Array[]) => void;

export class ArrayCurvature {
  /** Warm starts between calls (unit vectors). */
  private top: Flat;
  private bottom: Flat;
  /** The next iterate is written here, then it swaps with the current one. */
  private spare: Flat;
  private readonly theta: Flat;
  /** Hv − shift·v of the current iterate (h), and the first gradient of a call. */
  private readonly up: Flat;
  /** θ ± εv and the gradient at θ − εv, when the products are two gradients taken here. */
  private points: { plus: Flat; minus: Flat; down: Flat } | undefined;
  private readonly sums = new Float64Array(2);
  private readonly flat: (from?: Float32Array[]) => Flat;

  /** `top`, `bottom`: the start vectors (unit norm), in params order. */
  constructor(
    private readonly g: ArrayGradients,
    top: Float32Array[],
    bottom: Float32Array[],
    private readonly iterations: number,
    private readonly relativeEps: number,
  ) {
    const sizes = top.map((t) => t.length);
    const total = sizes.reduce((a, b) => a + b, 0);
    this.flat = (from) => {
      const all = new Float32Array(total);
      const parts: Float32Array[] = [];
      let o = 0;
      for (const n of sizes) {
        parts.push(all.subarray(o, o + n));
        o += n;
      }
      from?.forEach((a, j) => parts[j].set(a));
      return { all, parts };
    };
    this.top = this.flat(top);
    this.bottom = this.flat(bottom);
    this.spare = this.flat();
    this.theta = this.flat();
    this.up = this.flat();
  }

  /** As CurvatureProbe.measure. */
  measure(step: number, batch: number): CurvatureRecord {
    this.g.theta().forEach((a, j) => this.theta.parts[j].set(a));
    const loss = this.g.gradientAt(this.theta.parts, batch, this.up.parts);
    const gradNorm = Math.sqrt(sumSquares(this.up.all));
    const eps = this.relativeEps * Math.max(1, Math.sqrt(sumSquares(this.theta.all)));
    const products = this.g.centralDifferences?.(this.theta.parts, batch);
    // Power iteration finds the eigenvalue of largest magnitude, which may be the negative end;
    // shifting by it makes the other end dominant.
    const dominant = this.power(batch, eps, this.top, 0, products);
    this.top = dominant.v;
    const shifted = this.power(batch, eps, this.bottom, dominant.lambda, products);
    this.bottom = shifted.v;
    const other = dominant.lambda + shifted.lambda;
    return { kind: 'curvature', step, lambdaMax: Math.max(dominant.lambda, other), lambdaMin: Math.min(dominant.lambda, other), gradNorm, loss };
  }

  /**
   * Power iteration on H − shift·I from `start`: its dominant eigenvalue (Rayleigh quotient) and
   * unit vector. Iterate i + 1 is h/(‖h‖ + 1e-30) for iterate i's h = (H − shift·I)v.
   */
  private power(batch: number, eps: number, start: Flat, shift: number, products: Products | undefined): { lambda: number; v: Flat } {
    let v = start;
    let lambda = 0;
    // The last h's 1/(‖h‖ + 1e-30) while it waits to become the next v (0: v is current).
    let scale = 0;
    const h = this.up.all;
    const sums = this.sums;
    for (let i = 0; i < this.iterations; i++) {
      if (products) {
        if (scale !== 0) v = this.advance(v, (next) => scale32(h, scale, next));
        products(v.parts, eps, this.up.parts);
        shifted(h, v.all, shift, sums);
      } else {
        const p = (this.points ??= { plus: this.flat(), minus: this.flat(), down: this.flat() });
        if (scale === 0) pointsAt(v.all, this.theta.all, eps, p.plus.all, p.minus.all);
        else v = this.advance(v, (next) => scaledPointsAt(h, scale, next, this.theta.all, eps, p.plus.all, p.minus.all));
        this.g.gradientAt(p.plus.parts, batch, this.up.parts);
        this.g.gradientAt(p.minus.parts, batch, p.down.parts);
        difference(h, p.down.all, v.all, 1 / (2 * eps), shift, sums);
      }
      const norm = Math.sqrt(sums[1]);
      lambda = sums[0];
      scale = 0;
      if (!(norm > 0) || !Number.isFinite(norm)) break;
      scale = 1 / (norm + 1e-30);
    }
    if (scale !== 0) v = this.advance(v, (next) => scale32(h, scale, next));
    return { lambda, v };
  }

  /** The next iterate, written by `write` into the spare vector, which then takes `v`'s place. */
  private advance(v: Flat, write: (next: Float32Array) => void): Flat {
    const next = this.spare;
    write(next.all);
    this.spare = v;
    return next;
  }
}

/** θ ± εv. */
function pointsAt(v: Float32Array, theta: Float32Array, eps: number, plus: Float32Array, minus: Float32Array): void {
  for (let k = 0; k < v.length; k++) {
    const x = v[k];
    plus[k] = theta[k] + eps * x;
    minus[k] = theta[k] - eps * x;
  }
}

/** v = h·scale (in float32), then θ ± εv. */
function scaledPointsAt(h: Float32Array, scale: number, v: Float32Array, theta: Float32Array, eps: number, plus: Float32Array, minus: Float32Array): void {
  for (let k = 0; k < v.length; k++) {
    const x = Math.fround(h[k] * scale);
    v[k] = x;
    plus[k] = theta[k] + eps * x;
    minus[k] = theta[k] - eps * x;
  }
}

function scale32(h: Float32Array, scale: number, v: Float32Array): void {
  for (let k = 0; k < v.length; k++) v[k] = h[k] * scale;
}

/** h ← h − shift·v, with vᵀh into out[0] and ‖h‖² into out[1]. */
function shifted(h: Float32Array, v: Float32Array, shift: number, out: Float64Array): void {
  let rq = 0;
  let sq = 0;
  for (let k = 0; k < h.length; k++) {
    const x = Math.fround(h[k] - shift * v[k]);
    h[k] = x;
    rq += x * v[k];
    sq += x * x;
  }
  out[0] = rq;
  out[1] = sq;
}

/** h ← (h − d)·inv − shift·v (the central difference of the gradients h and d, shifted), with vᵀh and ‖h‖² as `shifted`. */
function difference(h: Float32Array, d: Float32Array, v: Float32Array, inv: number, shift: number, out: Float64Array): void {
  let rq = 0;
  let sq = 0;
  for (let k = 0; k < h.length; k++) {
    const x = Math.fround((h[k] - d[k]) * inv - shift * v[k]);
    h[k] = x;
    rq += x * v[k];
    sq += x * x;
  }
  out[0] = rq;
  out[1] = sq;
}

function sumSquares(a: Float32Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * a[k];
  return s;
}
