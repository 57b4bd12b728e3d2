/** Small robust statistics over plain number arrays; every function ignores nothing and allocates little. */

export function mean(xs: ArrayLike<number>, from = 0, to = xs.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += xs[i];
  return to > from ? s / (to - from) : NaN;
}

export function median(xs: ArrayLike<number>, from = 0, to = xs.length): number {
  const n = to - from;
  if (n <= 0) return NaN;
  if (n <= SMALL_MEDIAN) {
    // Detector windows (5–100 values, thousands of times a run): insertion sort in a reused buffer
    // instead of a fresh array and a comparator sort. Same order for finite values and ±Infinity;
    // a window with NaN takes the general path, whose order with NaN it keeps.
    const a = scratch;
    for (let i = 0; i < n; i++) {
      const v = xs[from + i];
      if (v !== v) return medianBySort(xs, from, to);
      let j = i;
      while (j > 0 && a[j - 1] > v) {
        a[j] = a[j - 1];
        j--;
      }
      a[j] = v;
    }
    return n % 2 ? a[(n - 1) >> 1] : 0.5 * (a[n / 2 - 1] + a[n / 2]);
  }
  return medianBySort(xs, from, to);
}

const SMALL_MEDIAN = 128;
const scratch = new Float64Array(SMALL_MEDIAN);

function medianBySort(xs: ArrayLike<number>, from: number, to: number): number {
  const n = to - from;
  const a = Array.prototype.slice.call(xs, from, to) as number[];
  a.sort((p, q) => p - q);
  return n % 2 ? a[(n - 1) >> 1] : 0.5 * (a[n / 2 - 1] + a[n / 2]);
}

/** Least-squares line through (i, xs[i]) for i in [from, to): slope per index and R², and the mean of the values (as `mean` computes it). */
export function linearFit(xs: ArrayLike<number>, from = 0, to = xs.length): { slope: number; intercept: number; r2: number; residualStd: number; mean: number } {
  const n = to - from;
  if (n < 2) return { slope: 0, intercept: n === 1 ? xs[from] : NaN, r2: 0, residualStd: 0, mean: n === 1 ? xs[from] : NaN };
  const mx = (n - 1) / 2;
  let my = 0;
  for (let i = from; i < to; i++) my += xs[i];
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = i - mx;
    const dy = xs[from + i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const ssRes = Math.max(0, syy - slope * sxy);
  return { slope, intercept, r2: syy > 0 ? 1 - ssRes / syy : 1, residualStd: Math.sqrt(ssRes / n), mean: my };
}

/** Fraction of consecutive differences whose sign flips: ≈0 for a monotone curve, ≈2/3 for white noise, 1 for a zig-zag. */
export function signSwitchRate(xs: ArrayLike<number>, from = 0, to = xs.length): number {
  let prev = 0;
  let switches = 0;
  let pairs = 0;
  for (let i = from + 1; i < to; i++) {
    const d = xs[i] - xs[i - 1];
    if (d === 0) continue;
    const s = d > 0 ? 1 : -1;
    if (prev !== 0) {
      pairs++;
      if (s !== prev) switches++;
    }
    prev = s;
  }
  return pairs > 0 ? switches / pairs : 0;
}

export function isFiniteNumber(x: number | undefined | null): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** Rounds for messages: 3 significant digits, exponent form for very small or large values. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(2);
  return String(Number(x.toPrecision(3)));
}

/** A learning rate suggestion rounded to one significant digit, as people write them. */
export function niceRate(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return x;
  const e = Math.floor(Math.log10(x));
  const m = Math.round(x / 10 ** e);
  return Number((m * 10 ** e).toPrecision(1));
}
