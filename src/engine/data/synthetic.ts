/**
 * Synthetic datasets, generated with the seeded PRNG so a seed always gives the same data.
 * `noise` is documented per dataset below; every generator returns exactly `samples` rows.
 */
import type { SyntheticData } from '../../shared/experiment';
import type { Rng } from '../random';
import type { RawData } from './dataset';

export function generateSynthetic(spec: SyntheticData, rng: Rng): RawData {
  const n = Math.max(1, Math.floor(spec.samples));
  switch (spec.synthetic) {
    case 'spiral':
      return spiral(n, Math.max(2, spec.classes || 3), spec.noise, rng);
    case 'circles':
      return circles(n, spec.noise, rng);
    case 'xor':
      return xor(n, spec.noise, rng);
    case 'blobs':
      return blobs(n, Math.max(2, spec.classes || 3), spec.noise, rng);
    case 'linear':
      return linear(n, spec.noise, rng);
    case 'ravine':
      return ravine(n, spec.noise, rng);
  }
}

function classNames(k: number): string[] {
  return Array.from({ length: k }, (_, i) => String(i));
}

/** Which class row i belongs to when n rows are shared as evenly as possible among k classes. */
function classOf(i: number, n: number, k: number): number {
  return Math.min(k - 1, Math.floor((i * k) / n));
}

/**
 * CS231n's K-arm spiral: radius grows linearly 0→1 along each arm, angle spans 4 radians per arm;
 * `noise` is the standard deviation of the angle jitter (CS231n uses 0.2).
 */
function spiral(n: number, k: number, noise: number, rng: Rng): RawData {
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) counts[classOf(i, n, k)]++;
  const seen = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) {
    const c = classOf(i, n, k);
    const m = counts[c];
    const frac = m > 1 ? seen[c] / (m - 1) : 0;
    seen[c]++;
    const r = frac;
    const t = c * 4 + frac * 4 + rng.normal() * noise;
    x[2 * i] = r * Math.sin(t);
    x[2 * i + 1] = r * Math.cos(t);
    y[i] = c;
  }
  return { x, y, n, nFeatures: 2, featureNames: ['x1', 'x2'], classes: classNames(k) };
}

/** Two concentric rings (radius 0.5 = class 0, 1.0 = class 1); `noise` is Gaussian std per coordinate. */
function circles(n: number, noise: number, rng: Rng): RawData {
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    const r = c === 0 ? 0.5 : 1.0;
    const a = rng.uniform(0, 2 * Math.PI);
    x[2 * i] = r * Math.cos(a) + rng.normal() * noise;
    x[2 * i + 1] = r * Math.sin(a) + rng.normal() * noise;
    y[i] = c;
  }
  return { x, y, n, nFeatures: 2, featureNames: ['x1', 'x2'], classes: classNames(2) };
}

/**
 * Four Gaussian clusters at (±1, ±1); class = sign(x1) ≠ sign(x2). Cluster std is 0.2 + noise so
 * that noise 0 still gives clouds, not four points.
 */
function xor(n: number, noise: number, rng: Rng): RawData {
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  const sd = 0.2 + noise;
  for (let i = 0; i < n; i++) {
    const q = i % 4;
    const cx = q & 1 ? 1 : -1;
    const cy = q & 2 ? 1 : -1;
    x[2 * i] = cx + rng.normal() * sd;
    x[2 * i + 1] = cy + rng.normal() * sd;
    y[i] = cx === cy ? 0 : 1;
  }
  return { x, y, n, nFeatures: 2, featureNames: ['x1', 'x2'], classes: classNames(2) };
}

/** k Gaussian blobs with centres evenly spaced on a circle of radius 3; std 0.5 + noise. */
function blobs(n: number, k: number, noise: number, rng: Rng): RawData {
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  const sd = 0.5 + noise;
  for (let i = 0; i < n; i++) {
    const c = i % k;
    const a = (2 * Math.PI * c) / k;
    x[2 * i] = 3 * Math.cos(a) + rng.normal() * sd;
    x[2 * i + 1] = 3 * Math.sin(a) + rng.normal() * sd;
    y[i] = c;
  }
  return { x, y, n, nFeatures: 2, featureNames: ['x1', 'x2'], classes: classNames(k) };
}

/**
 * One-feature regression y = 1.5·x − 0.5 + noise·N(0,1), x ~ U(−2, 2): with its two parameters
 * (w, b) the loss surface is a 2-D bowl that can be drawn.
 */
function linear(n: number, noise: number, rng: Rng): RawData {
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng.uniform(-2, 2);
    y[i] = 1.5 * x[i] - 0.5 + rng.normal() * noise;
  }
  return { x, y, n, nFeatures: 1, featureNames: ['x'], classes: undefined };
}

/** Coefficients of the ravine's true linear model (targets come out ≈ 2.8–5.1). */
export const RAVINE_TRUTH = { bias: 2.5, w1: -0.004, w2: 900 };

/**
 * The lecture 001 ravine table: x1 ≈ U(100, 340) and x2 ≈ U(0.0018, 0.0033) (rows like 114.8,
 * 0.00323 → 5.1), target linear in both plus noise·N(0,1). Both features matter, but their scales
 * differ by 10⁵, so the loss surface is a ravine: unnormalized gradient descent needs a tiny α
 * for w1 and then w2 and the bias barely move.
 */
function ravine(n: number, noise: number, rng: Rng): RawData {
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x1 = rng.uniform(100, 340);
    const x2 = rng.uniform(0.0018, 0.0033);
    x[2 * i] = x1;
    x[2 * i + 1] = x2;
    y[i] = RAVINE_TRUTH.bias + RAVINE_TRUTH.w1 * x1 + RAVINE_TRUTH.w2 * x2 + rng.normal() * noise;
  }
  return { x, y, n, nFeatures: 2, featureNames: ['x1', 'x2'], classes: undefined };
}
