/** Plain-JS statistics over values read back from the probe batch. */
import type { Activation } from '../../shared/experiment';
import type { Histogram } from '../../shared/protocol';

export const HISTOGRAM_BINS = 30;

/** Equal-width histogram over [min, max] of the finite values (non-finite ones are skipped). */
export function histogram(values: ArrayLike<number>, bins = HISTOGRAM_BINS): Histogram {
  let min = Infinity;
  let max = -Infinity;
  let finite = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    // v − v is NaN for NaN and ±Infinity: Number.isFinite without the call.
    if (v - v !== 0) continue;
    finite++;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const counts = new Array<number>(bins).fill(0);
  if (finite === 0) return { min: 0, max: 0, counts };
  if (max === min) {
    // A constant layer (e.g. every ReLU dead): one bar centred on the value.
    counts[Math.floor(bins / 2)] = finite;
    return { min: min - 0.5, max: max + 0.5, counts };
  }
  const width = (max - min) / bins;
  const last = bins - 1;
  const tally = new Int32Array(bins);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) continue;
    const k = Math.floor((v - min) / width);
    tally[k < last ? k : last]++;
  }
  for (let k = 0; k < bins; k++) counts[k] = tally[k];
  return { min, max, counts };
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
