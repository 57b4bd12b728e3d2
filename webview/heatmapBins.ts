/**
 * Turns a layer's histogram snapshots (each over its own [min, max]) into heat-map columns over
 * one common value range, so that colours in a row mean the same value at every step.
 * Counts are spread over the common bins in proportion to overlap (values are assumed uniform
 * inside a source bin), which conserves every column's total. DOM-free.
 */
import type { Histogram } from '../src/shared/protocol';

export interface HeatColumn {
  step: number;
  /** Counts per common bin, bottom (lo) to top (hi). */
  counts: Float64Array;
}

export interface HeatMap {
  lo: number;
  hi: number;
  bins: number;
  columns: HeatColumn[];
  /** Largest count of any cell (0 when empty): the top of the colour scale. */
  maxCount: number;
}

/** Common finite range of the histograms; widened around a single value so bins have width. */
export function commonRange(hists: readonly Histogram[]): { lo: number; hi: number } | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const h of hists) {
    if (!Number.isFinite(h.min) || !Number.isFinite(h.max) || total(h.counts) === 0) continue;
    lo = Math.min(lo, h.min);
    hi = Math.max(hi, h.max);
  }
  if (lo > hi) return undefined;
  if (hi - lo < 1e-12) {
    const pad = Math.max(0.5, Math.abs(lo) * 0.05);
    return { lo: lo - pad, hi: hi + pad };
  }
  return { lo, hi };
}

/** Redistributes one histogram onto `bins` equal bins over [lo, hi]. */
export function rebin(h: Histogram, lo: number, hi: number, bins: number): Float64Array {
  const out = new Float64Array(bins);
  const n = h.counts.length;
  if (n === 0 || !(hi > lo) || !Number.isFinite(h.min) || !Number.isFinite(h.max)) return out;
  const scale = bins / (hi - lo);
  const binOf = (v: number): number => Math.min(bins - 1, Math.max(0, Math.floor((v - lo) * scale)));
  const srcWidth = (h.max - h.min) / n;
  for (let i = 0; i < n; i++) {
    const c = h.counts[i];
    if (!(c > 0)) continue;
    const a = h.min + i * srcWidth;
    const b = a + srcWidth;
    if (srcWidth <= 0) {
      out[binOf(a)] += c;
      continue;
    }
    // Walk the target bins the source bin overlaps. The edge bins reach to ±∞, so mass outside
    // [lo, hi] lands at the edge instead of being lost.
    const first = binOf(a);
    const last = binOf(b);
    if (first === last) {
      out[first] += c;
      continue;
    }
    let assigned = 0;
    for (let t = first; t <= last; t++) {
      const tLo = t === 0 ? -Infinity : lo + t / scale;
      const tHi = t === bins - 1 ? Infinity : lo + (t + 1) / scale;
      const overlap = Math.max(0, Math.min(b, tHi) - Math.max(a, tLo));
      const share = t === last ? c - assigned : (c * overlap) / srcWidth;
      out[t] += share;
      assigned += share;
    }
  }
  return out;
}

/** Builds the heat map of snapshots ordered by step. */
export function buildHeatMap(
  snapshots: readonly { step: number; hist: Histogram }[],
  bins: number,
): HeatMap | undefined {
  const range = commonRange(snapshots.map((s) => s.hist));
  if (!range) return undefined;
  let maxCount = 0;
  const columns = snapshots.map((s) => {
    const counts = rebin(s.hist, range.lo, range.hi, bins);
    for (const c of counts) if (c > maxCount) maxCount = c;
    return { step: s.step, counts };
  });
  return { lo: range.lo, hi: range.hi, bins, columns, maxCount };
}

export function total(counts: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < counts.length; i++) s += counts[i];
  return s;
}
