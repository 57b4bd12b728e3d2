/**
 * Random directions for a 2-D slice of a network's loss (Li et al. 2018, "Visualizing the Loss
 * Landscape of Neural Nets"). A raw Gaussian direction would move small layers relatively far and
 * large ones hardly at all, and a slice of a scale-invariant net would show nothing but the
 * weights' scale. Filter normalization fixes both: each unit's slice of the direction (for a dense
 * W stored [in, out], column j: the weights into unit j; in general the last axis) is scaled to
 * the norm of the same slice of the weights. One-dimensional parameters (biases) get a zero
 * direction, as the paper's experiments do (its code's `ignore='biasbn'`): the slice then moves
 * the weights only, and a coordinate of ±1 means "every unit's weights moved by their own norm".
 * Pure JS on flat row-major arrays, so it is the same on every backend.
 */
import type { Rng } from '../random';

/** Keeps the scale finite for a unit whose direction slice is all zeros. */
const TINY = 1e-10;

/**
 * Scales `d` in place, unit by unit, to the norms of `w` (same shape). Rank ≤ 1: `d` becomes zero.
 * A unit whose weights are all zero gets a zero direction (its norm is 0).
 */
export function filterNormalize(d: Float32Array, w: ArrayLike<number>, shape: readonly number[]): void {
  if (d.length !== w.length) throw new Error(`direction has ${d.length} values, weights ${w.length}`);
  if (shape.length <= 1) {
    d.fill(0);
    return;
  }
  const units = shape[shape.length - 1];
  const rows = units > 0 ? d.length / units : 0;
  for (let j = 0; j < units; j++) {
    let dd = 0;
    let ww = 0;
    for (let r = 0; r < rows; r++) {
      const k = r * units + j;
      dd += d[k] * d[k];
      ww += w[k] * w[k];
    }
    const s = Math.sqrt(ww) / (Math.sqrt(dd) + TINY);
    for (let r = 0; r < rows; r++) d[r * units + j] *= s;
  }
}

/** One filter-normalized Gaussian direction for parameters `weights` of the given shapes. */
export function randomDirection(weights: readonly ArrayLike<number>[], shapes: readonly (readonly number[])[], rng: Rng): Float32Array[] {
  return weights.map((w, i) => {
    const d = new Float32Array(w.length);
    for (let k = 0; k < d.length; k++) d[k] = rng.normal();
    filterNormalize(d, w, shapes[i]);
    return d;
  });
}

/** Norm of each unit's slice (last axis) of a row-major array: what `filterNormalize` matches. */
export function unitNorms(a: ArrayLike<number>, shape: readonly number[]): number[] {
  const units = shape.length <= 1 ? 1 : shape[shape.length - 1];
  const rows = a.length / units;
  const out = new Array<number>(units).fill(0);
  for (let r = 0; r < rows; r++) for (let j = 0; j < units; j++) out[j] += a[r * units + j] ** 2;
  return out.map(Math.sqrt);
}
