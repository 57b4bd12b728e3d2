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
    const { minI, maxI, gapI } = bucketExtremes(ys, start, end);
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

/** Indices of the lowest and highest finite value in [start, end) and of its first non-finite one (−1: none). */
function bucketExtremes(ys: ArrayLike<number>, start: number, end: number): { minI: number; maxI: number; gapI: number } {
  let minI = -1;
  let maxI = -1;
  let gapI = -1;
  for (let i = start; i < end; i++) {
    const v = ys[i];
    if (!Number.isFinite(v)) {
      if (gapI < 0) gapI = i;
    } else {
      if (minI < 0 || v < ys[minI]) minI = i;
      if (maxI < 0 || v > ys[maxI]) maxI = i;
    }
  }
  return { minI, maxI, gapI };
}

function range(n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/**
 * Indices of about half of `ys` for bounding stored series: per bucket of four consecutive
 * records, the one with the lowest and the one with the highest value (in order; a bucket with a
 * non-finite value keeps its first one instead of its highest, so gaps survive), plus the first
 * and last record. Repeated halving keeps the series' extremes, unlike a plain stride.
 */
export function halveIndices(ys: ArrayLike<number>): number[] {
  const n = ys.length;
  if (n <= 4) return range(n);
  const out: number[] = [0];
  for (let start = 1; start < n - 1; start += 4) {
    const end = Math.min(n - 1, start + 4);
    const { minI, maxI, gapI } = bucketExtremes(ys, start, end);
    const a = minI >= 0 ? minI : gapI;
    const b = gapI >= 0 ? gapI : maxI;
    if (a === b || b < 0) out.push(a);
    else out.push(Math.min(a, b), Math.max(a, b));
  }
  out.push(n - 1);
  return out;
}

/**
 * `decimateIndices` restricted to the records whose x lies in `range` (x ascending), plus one
 * record on each side so the line runs to the chart's edges: a zoomed chart gets its full point
 * budget for what it shows. Without a range: the whole series.
 */
export function visibleIndices(xs: ArrayLike<number>, ys: ArrayLike<number>, maxPoints: number, range?: readonly [number, number]): number[] {
  if (!range) return decimateIndices(ys, maxPoints);
  const lo = Math.max(0, firstIndex(xs, (x) => x >= range[0]) - 1);
  const hi = Math.min(xs.length, firstIndex(xs, (x) => x > range[1]) + 1);
  if (hi <= lo) return [];
  const sub = Array.prototype.slice.call(ys, lo, hi) as number[];
  return decimateIndices(sub, maxPoints).map((i) => i + lo);
}

/** First index where `past` holds (it must hold from some index on: xs ascending); xs.length if none. */
function firstIndex(xs: ArrayLike<number>, past: (x: number) => boolean): number {
  let a = 0;
  let b = xs.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if (past(xs[m])) b = m;
    else a = m + 1;
  }
  return a;
}
