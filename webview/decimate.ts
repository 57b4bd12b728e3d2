/**
 * Reduces long series to a bounded number of points for drawing while keeping what the eye needs:
 * the first and last points and every bucket's extremes (min/max bucketing, so spikes survive).
 * The store keeps the full data; only the drawn copy is reduced. DOM-free.
 */

/**
 * Indices (ascending) of at most `maxPoints` samples of `ys` (x assumed to grow with the index).
 * Non-finite values are kept as gap markers: a bucket that holds one keeps its first one.
 */
export function decimateIndices(ys: ArrayLike<number>, maxPoints: number): number[] {
  const n = ys.length;
  const max = Math.max(4, Math.floor(maxPoints));
  if (n <= max) return range(n);

  // First and last are fixed; each interior bucket contributes its min and max, plus its first
  // gap when the series has any (a diverged run must still show where the curve stops).
  let hasGap = false;
  for (let i = 0; i < n && !hasGap; i++) hasGap = !Number.isFinite(ys[i]);
  const buckets = Math.floor((max - 2) / (hasGap ? 3 : 2));
  const interior = n - 2;
  const out: number[] = [0];
  for (let b = 0; b < buckets; b++) {
    const start = 1 + Math.floor((b * interior) / buckets);
    const end = 1 + Math.floor(((b + 1) * interior) / buckets);
    if (end <= start) continue;
    let minI = -1;
    let maxI = -1;
    let gapI = -1;
    for (let i = start; i < end; i++) {
      const v = ys[i];
      if (!Number.isFinite(v)) {
        if (gapI < 0) gapI = i;
        continue;
      }
      if (minI < 0 || v < ys[minI]) minI = i;
      if (maxI < 0 || v > ys[maxI]) maxI = i;
    }
    const picked = new Set([minI, maxI, gapI].filter((i) => i >= 0));
    out.push(...[...picked].sort((a, b2) => a - b2));
  }
  out.push(n - 1);
  return out;
}

/** Evenly strided indices (always with the first and last) for 2-D paths, where min/max buckets mean nothing. */
export function strideIndices(n: number, maxPoints: number): number[] {
  const max = Math.max(2, Math.floor(maxPoints));
  if (n <= max) return range(n);
  const out: number[] = [];
  for (let k = 0; k < max; k++) out.push(Math.round((k * (n - 1)) / (max - 1)));
  return [...new Set(out)];
}

function range(n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
