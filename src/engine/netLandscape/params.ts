/**
 * The weights a network run hands over for its loss landscape: θ₀ before the first update and θ at
 * the end, sent once as a `parameters` event so the landscape can be computed on demand after the
 * run (and its worker) ended. Capped: 200,000 parameters are 2 × 1.6 MB of numbers in the host's
 * memory; beyond that the run sends nothing and the landscape is not offered.
 */
import type { tf } from '../tf';

export const LANDSCAPE_MAX_PARAMS = 200_000;

export function snapshotParams(params: readonly tf.Variable[]): number[][] {
  return params.map((p) => Array.from(p.dataSync()));
}

export function shapesOf(params: readonly tf.Variable[]): number[][] {
  return params.map((p) => p.shape.slice());
}
