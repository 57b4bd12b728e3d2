/**
 * TensorBoard-style exponential moving average with debiasing. DOM-free so mocha can test it.
 *
 * Debiasing divides by (1 − w^k) after k finite values, so the curve starts on the data rather
 * than being dragged towards the zero the accumulator starts from.
 */

/** Smooths `values` with weight `w` in [0, 1); non-finite values come out as NaN (a gap). */
export function emaSmooth(values: ArrayLike<number>, weight: number): number[] {
  const cache = new EmaCache();
  return cache.update(values, weight).slice();
}

/**
 * Keeps the smoothed series of a growing array, so that appending a batch costs only the new
 * points. Any change of weight (or a shorter input: a new run) recomputes from scratch.
 */
export class EmaCache {
  private out: number[] = [];
  private weight = -1;
  private acc = 0;
  private finiteCount = 0;
  private source: ArrayLike<number> | undefined;

  update(values: ArrayLike<number>, weight: number): readonly number[] {
    const w = clampWeight(weight);
    if (w !== this.weight || values !== this.source || values.length < this.out.length) {
      this.out = [];
      this.acc = 0;
      this.finiteCount = 0;
      this.weight = w;
      this.source = values;
    }
    for (let i = this.out.length; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) {
        this.out.push(NaN);
        continue;
      }
      this.acc = this.acc * w + (1 - w) * v;
      this.finiteCount++;
      const debias = w === 0 ? 1 : 1 - Math.pow(w, this.finiteCount);
      this.out.push(this.acc / debias);
    }
    return this.out;
  }
}

function clampWeight(w: number): number {
  if (!Number.isFinite(w) || w <= 0) return 0;
  return Math.min(w, 0.999);
}
