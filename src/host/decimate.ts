/**
 * Thinning of stored series. The live run keeps every record up to a cap; stored runs keep at
 * most a few thousand points per series, which is more than a chart can show anyway.
 */
import type { HistogramRecord, MetricsBatch } from '../shared/protocol';

/** Every k-th element, always keeping the first and the last. */
export function decimate<T>(xs: readonly T[], max: number): T[] {
  if (xs.length <= max) return xs.slice();
  if (max <= 1) return xs.slice(-1);
  const stride = Math.ceil((xs.length - 1) / (max - 1));
  const out: T[] = [];
  for (let i = 0; i < xs.length; i += stride) out.push(xs[i]);
  if (out[out.length - 1] !== xs[xs.length - 1]) {
    if (out.length >= max) out[out.length - 1] = xs[xs.length - 1];
    else out.push(xs[xs.length - 1]);
  }
  return out;
}

/** Histograms come in groups (one per layer at a step): thin by step so groups stay whole. */
export function decimateHistograms(hs: readonly HistogramRecord[], maxRecords: number): HistogramRecord[] {
  if (hs.length <= maxRecords) return hs.slice();
  const steps = [...new Set(hs.map((h) => h.step))];
  const perStep = Math.max(1, Math.ceil(hs.length / steps.length));
  const keep = new Set(decimate(steps, Math.max(1, Math.floor(maxRecords / perStep))));
  return hs.filter((h) => keep.has(h.step));
}

export function decimateBatch(b: MetricsBatch, maxPoints: number, maxHistograms: number): MetricsBatch {
  return {
    steps: decimate(b.steps, maxPoints),
    epochs: decimate(b.epochs, maxPoints),
    histograms: decimateHistograms(b.histograms, maxHistograms),
    // Probes are few and each one matters (restarts, landscape grids, search tables): keep them all.
    ...(b.probes ? { probes: b.probes } : {}),
  };
}
