/**
 * Thinning of stored series. The live run keeps every record up to a cap; stored runs keep at
 * most a few thousand points per series, which is more than a chart can show anyway.
 */
import type { HistogramRecord, MetricsBatch, ProbeRecord } from '../shared/protocol';

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

/** Probe records kept per series (kind and layer) of a stored run. */
export const MAX_PROBES_PER_SERIES = 50;

/**
 * Probes are few (the engine takes each at a fixed number of steps per run: ~11 weight snapshots
 * per layer, ≤ 13 curvature estimates, one landscape grid per variant) and the panel reads the
 * latest of each kind (weight heat map, landscape, search table). The bound is for a worker that
 * sends more than that: each series (kind, and layer where it has one) is thinned like a curve,
 * keeping its first and last record, in the original order.
 */
export function decimateProbes(ps: readonly ProbeRecord[], maxPerSeries = MAX_PROBES_PER_SERIES): ProbeRecord[] {
  const series = new Map<string, ProbeRecord[]>();
  for (const p of ps) {
    const key = `${p.kind}:${'layer' in p ? p.layer : ''}`;
    const list = series.get(key);
    if (list) list.push(p);
    else series.set(key, [p]);
  }
  if ([...series.values()].every((l) => l.length <= maxPerSeries)) return ps.slice();
  const keep = new Set<ProbeRecord>();
  for (const list of series.values()) for (const p of decimate(list, maxPerSeries)) keep.add(p);
  return ps.filter((p) => keep.has(p));
}

export function decimateBatch(b: MetricsBatch, maxPoints: number, maxHistograms: number, maxProbesPerSeries = MAX_PROBES_PER_SERIES): MetricsBatch {
  return {
    steps: decimate(b.steps, maxPoints),
    epochs: decimate(b.epochs, maxPoints),
    histograms: decimateHistograms(b.histograms, maxHistograms),
    // Each probe matters (weight snapshots, landscape grids, search tables): all kinds are kept, each bounded.
    ...(b.probes ? { probes: decimateProbes(b.probes, maxProbesPerSeries) } : {}),
  };
}
