/**
 * Curvature probe (Cockpit's Hessian max-eigenvalue instrument): power iteration on
 * Hessian-vector products for the largest eigenvalue (the
 * sharpness, compared with 2/α for gradient descent's stability) and then on H − λ_max·I for the
 * smallest (negative curvature: a saddle). The eigenvectors are kept between calls as warm starts,
 * so a few iterations per call track them as training moves on.
 *
 * Hv comes from central differences of the gradient, (∇L(θ+εv) − ∇L(θ−εv)) / 2ε, rather than
 * Pearlmutter's ∇(∇L·v): tfjs ops built with customGrad (logSoftmax among them) have no second
 * derivative. With ‖v‖ = 1 and ε = EPS·max(1, ‖θ‖) the float32 error is far below the 10 % that
 * separates the regimes we look at (sharpness vs 2/α, negative curvature vs none).
 *
 * Problems with ArrayGradients (networks on the native BLAS step or the small-net JS step) get the same iterations on plain
 * arrays (curvatureArrays.ts): ~33 gradients per call, each far cheaper there than through tfjs.
 */
import type { CurvatureRecord } from '../../shared/protocol';
import type { Rng } from '../random';
import { tf } from '../tf';
import type { Problem } from '../train/problem';
import { ArrayCurvature } from './curvatureArrays';

/** Power iterations per eigenvalue per call (warm-started, so later calls converge within a few). */
export const ITERATIONS = 8;
const EPS = 1e-3;

/** Where the products are taken: θ (clones sharing its data) and the difference step ε. */
interface Point {
  theta: tf.Tensor[];
  eps: number;
}

export class CurvatureProbe {
  private top: tf.Tensor[] | undefined;
  private bottom: tf.Tensor[] | undefined;
  private arrays: ArrayCurvature | undefined;

  constructor(private readonly problem: Problem, private readonly rng: Rng) {}

  /** Both extreme eigenvalues at the current parameters, on batch `batch` (the same batch every call). */
  measure(step: number, batch: number): CurvatureRecord {
    const fast = this.problem.arrayGradients;
    if (fast) {
      this.arrays ??= new ArrayCurvature(fast, this.random(), this.random(), ITERATIONS, EPS);
      return this.arrays.measure(step, batch);
    }
    const tensors = (parts: Float32Array[]) => parts.map((a, j) => tf.tensor(a, this.problem.params[j].shape));
    this.top ??= tensors(this.random());
    this.bottom ??= tensors(this.random());
    const { loss, gradNorm } = this.gradient(batch);
    // θ and the difference step, once per call: every product below starts from the same θ.
    const theta = this.problem.params.map((p) => p.clone());
    let dominant: { lambda: number; v: tf.Tensor[] };
    let shifted: { lambda: number; v: tf.Tensor[] };
    try {
      const normT = tf.tidy(() => tf.sqrt(tf.addN(theta.map((t) => tf.sum(tf.square(t))))));
      const norm = normT.dataSync()[0];
      normT.dispose();
      const at = { theta, eps: EPS * Math.max(1, norm) };
      // Power iteration finds the eigenvalue of largest magnitude, which may be the negative end;
      // shifting by it makes the other end dominant.
      dominant = this.power(batch, at, this.top, 0);
      this.top = dominant.v;
      shifted = this.power(batch, at, this.bottom, dominant.lambda);
      this.bottom = shifted.v;
    } finally {
      for (const t of theta) t.dispose();
    }
    const other = dominant.lambda + shifted.lambda;
    return { kind: 'curvature', step, lambdaMax: Math.max(dominant.lambda, other), lambdaMin: Math.min(dominant.lambda, other), gradNorm, loss };
  }

  dispose(): void {
    for (const t of [...(this.top ?? []), ...(this.bottom ?? [])]) t.dispose();
    this.top = this.bottom = undefined;
    this.arrays = undefined;
  }

  /** Power iteration on H − shift·I; returns its dominant eigenvalue (Rayleigh quotient) and vector. */
  private power(batch: number, at: Point, start: tf.Tensor[], shift: number): { lambda: number; v: tf.Tensor[] } {
    let v = start;
    let lambda = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const next = tf.tidy(() => {
        const hv = this.hvp(batch, at, v).map((h, j) => (shift === 0 ? h : tf.sub(h, tf.mul(v[j], shift))));
        const rq = tf.addN(hv.map((h, j) => tf.sum(tf.mul(h, v[j]))));
        const norm = tf.sqrt(tf.addN(hv.map((h) => tf.sum(tf.square(h)))));
        const unit = hv.map((h) => tf.div(h, tf.add(norm, 1e-30)));
        return { unit, stats: tf.stack([rq, norm]) };
      });
      const [rq, norm] = next.stats.dataSync();
      next.stats.dispose();
      lambda = rq;
      if (!(norm > 0) || !Number.isFinite(norm)) {
        for (const t of next.unit) t.dispose();
        break;
      }
      for (const t of v) t.dispose();
      v = next.unit;
    }
    return { lambda, v };
  }

  /** Hessian-vector product at θ by central differences of the gradient; θ is restored exactly. */
  private hvp(batch: number, { theta, eps }: Point, v: tf.Tensor[]): tf.Tensor[] {
    const params = this.problem.params;
    const gradAt = (sign: number): tf.Tensor[] => {
      params.forEach((p, j) => p.assign(tf.add(theta[j], tf.mul(v[j], sign * eps))));
      const { grads } = tf.variableGrads(() => this.problem.loss(batch), params);
      return params.map((p) => grads[p.name]);
    };
    const up = gradAt(1);
    const down = gradAt(-1);
    params.forEach((p, j) => p.assign(theta[j]));
    return up.map((g, j) => tf.div(tf.sub(g, down[j]), 2 * eps));
  }

  private gradient(batch: number): { loss: number; gradNorm: number } {
    const packed = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => this.problem.loss(batch), this.problem.params);
      const sq = this.problem.params.map((p) => tf.sum(tf.square(grads[p.name])));
      return tf.stack([value, tf.sqrt(tf.addN(sq))]);
    });
    const [loss, gradNorm] = packed.dataSync();
    packed.dispose();
    return { loss, gradNorm };
  }

  /** A random unit vector in params order (the first call's start, the same draws on either path). */
  private random(): Float32Array[] {
    // Plain loops and Rng.fillNormal (Float32Array.from with a mapping function, map() and a call
    // per draw took ~20 ms on the MNIST MLP's 109k parameters, now ~7); the same numbers: normals
    // rounded to float32, their float64 norm, each scaled and rounded again.
    const parts = this.problem.params.map((p) => new Float32Array(p.size));
    let sq = 0;
    for (const a of parts) {
      this.rng.fillNormal(a);
      for (let i = 0; i < a.length; i++) sq += a[i] * a[i];
    }
    const s = 1 / Math.sqrt(sq);
    for (const a of parts) for (let i = 0; i < a.length; i++) a[i] *= s;
    return parts;
  }
}
