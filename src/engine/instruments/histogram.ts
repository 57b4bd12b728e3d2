/** Plain-JS statistics over values read back from the probe batch. */
import type { Activation } from '../../shared/experiment';
import type { Histogram } from '../../shared/protocol';

export const HISTOGRAM_BINS = 30;

/** Equal-width histogram over [min, max] of the finite values (non-finite ones are skipped). */
export function histogram(values: ArrayLike<number>, bins = HISTOGRAM_BINS): Histogram {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const counts = new Array<number>(bins).fill(0);
  if (min === Infinity) return { min: 0, max: 0, counts };
  if (max === min) {
    // A constant layer (e.g. every ReLU dead): one bar centred on the value.
    const n = countFinite(values);
    counts[Math.floor(bins / 2)] = n;
    return { min: min - 0.5, max: max + 0.5, counts };
  }
  const width = (max - min) / bins;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.floor((v - min) / width))]++;
  }
  return { min, max, counts };
}

function countFinite(values: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) n++;
  return n;
}

/** Fraction of rows on which a unit must be saturated to count as saturated. */
export const SATURATION_ROWS = 0.99;

/**
 * Dead: a ReLU/leakyReLU unit whose pre-activation is ≤ 0 on every probe row (it passes no
 * gradient through its positive part for this data). Saturated: a sigmoid unit with activation
 * < 0.01 or > 0.99, or a tanh unit with |activation| > 0.99, on ≥ 99 % of the probe rows.
 * Values are row-major [rows, units].
 */
export function unitHealth(
  pre: ArrayLike<number>,
  act: ArrayLike<number>,
  rows: number,
  units: number,
  activation: Activation,
): { deadFraction: number; saturatedFraction: number } {
  if (rows === 0 || units === 0) return { deadFraction: 0, saturatedFraction: 0 };
  let dead = 0;
  let saturated = 0;
  for (let u = 0; u < units; u++) {
    if (activation === 'relu' || activation === 'leakyRelu') {
      let alive = false;
      for (let r = 0; r < rows && !alive; r++) if (pre[r * units + u] > 0) alive = true;
      if (!alive) dead++;
    } else if (activation === 'sigmoid' || activation === 'tanh') {
      let n = 0;
      for (let r = 0; r < rows; r++) {
        const a = act[r * units + u];
        if (activation === 'sigmoid' ? a < 0.01 || a > 0.99 : Math.abs(a) > 0.99) n++;
      }
      if (n >= SATURATION_ROWS * rows) saturated++;
    }
  }
  return { deadFraction: dead / units, saturatedFraction: saturated / units };
}
