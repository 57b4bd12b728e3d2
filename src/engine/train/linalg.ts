/** Small dense linear algebra in float64 for Newton's method (n up to a few hundred). */

/** Lower-triangular Cholesky factor of the row-major n×n matrix A + shift·I, or undefined if not positive definite. */
export function cholesky(a: Float64Array, n: number, shift = 0): Float64Array | undefined {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j] + shift;
    for (let k = 0; k < j; k++) d -= l[j * n + k] * l[j * n + k];
    if (!(d > 0) || !Number.isFinite(d)) return undefined;
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

/** Solves L·Lᵀ·x = b. */
export function choleskySolve(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * y[k];
    y[i] = s / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}

export interface NewtonDirection {
  /** d solving (H + shift·I)·d = −g. */
  direction: Float64Array;
  /** 0 when H itself was positive definite. */
  shift: number;
}

/** Shifts tried before giving up (each doubles the previous: 2^60 × the first is beyond any sane H). */
const MAX_SHIFTS = 60;

/**
 * The Newton direction, damped when H is not positive definite: Cholesky with added multiple of
 * the identity (Nocedal & Wright, Algorithm 3.3). The first shift is −min(Hᵢᵢ) + β (or 0 when
 * the diagonal is positive), doubled until the factorization succeeds, β = 1e-3·max(1, max|Hᵢᵢ|).
 * Far from a minimum this is Levenberg's compromise: a large shift makes d ≈ −g/shift (gradient
 * descent), a small one keeps the Newton step.
 */
export function dampedNewtonDirection(h: Float64Array, g: ArrayLike<number>, n: number): NewtonDirection | undefined {
  let minDiag = Infinity;
  let maxDiag = 0;
  for (let i = 0; i < n; i++) {
    minDiag = Math.min(minDiag, h[i * n + i]);
    maxDiag = Math.max(maxDiag, Math.abs(h[i * n + i]));
  }
  const beta = 1e-3 * Math.max(1, maxDiag);
  let shift = minDiag > 0 ? 0 : -minDiag + beta;
  const negG = Float64Array.from(g, (x) => -x);
  for (let i = 0; i < MAX_SHIFTS; i++) {
    const l = cholesky(h, n, shift);
    if (l) return { direction: choleskySolve(l, n, negG), shift };
    shift = Math.max(2 * shift, beta);
  }
  return undefined;
}
