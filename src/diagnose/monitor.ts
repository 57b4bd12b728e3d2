import type { Experiment } from '../shared/experiment';
import type { Diagnosis, MetricsBatch, RunInfo, RunSummary } from '../shared/protocol';
import type { Detector, DetectorContext, Finding } from './detector';
import { FixFinisher } from './fixes';
import { createDetectors } from './registry';
import type { ObjectiveValue } from './detectors/curvature';
import { RunSeries } from './series';

/**
 * Runs every detector online over one run. Feed it each metrics batch as it is emitted; it reports
 * whether the list of diagnoses changed, so callers emit a `diagnostics` event only then. Cost per
 * batch is O(batch + Σ detector windows), independent of the run's length.
 */
export class DiagnosisMonitor {
  readonly series: RunSeries;
  private readonly detectors: Detector[];
  private readonly found = new Map<string, Diagnosis>();
  private readonly lastFinding = new Map<string, Finding>();
  private readonly ctx: DetectorContext;
  private readonly fixes: FixFinisher;
  /** One slice of a batch at a time, in arrays reused across slices (the series copies what it keeps). */
  private readonly slice: Required<MetricsBatch> = { steps: [], epochs: [], histograms: [], probes: [] };

  /** Detectors run after every this many step records: at most MAX_CHECKS checks per run. */
  private readonly checkEvery: number;
  static readonly MAX_CHECKS = 5000;

  constructor(experiment: Experiment, info: RunInfo, objective?: ObjectiveValue) {
    // A completed run records steps 0..totalSteps: the series reserves slow-progress windows for it.
    this.series = new RunSeries(info.totalSteps + 1);
    this.detectors = createDetectors(objective);
    this.ctx = { experiment, info, series: this.series };
    this.fixes = new FixFinisher(experiment);
    this.checkEvery = Math.max(1, Math.ceil(info.totalSteps / DiagnosisMonitor.MAX_CHECKS));
  }

  /**
   * Appends a batch and re-checks; true when the diagnoses changed. A batch holds whatever arrived
   * in one flush interval (hundreds of steps on a fast run), so it is replayed in slices of
   * `checkEvery` records: a transient condition (passing a saddle) is seen even between flushes.
   */
  ingest(batch: MetricsBatch): boolean {
    let changed = false;
    let e = 0;
    let h = 0;
    let p = 0;
    const { steps, epochs, histograms } = batch;
    const probes = batch.probes ?? [];
    for (let i = 0; i < steps.length || e < epochs.length || h < histograms.length || p < probes.length; ) {
      const j = Math.min(steps.length, i + this.checkEvery);
      const upTo = j < steps.length ? steps[j - 1].step : Infinity;
      const e0 = e;
      const h0 = h;
      const p0 = p;
      while (e < epochs.length && epochs[e].step <= upTo) e++;
      while (h < histograms.length && histograms[h].step <= upTo) h++;
      while (p < probes.length && probes[p].step <= upTo) p++;
      const part = this.slice;
      fill(part.steps, steps, i, j);
      fill(part.epochs, epochs, e0, e);
      fill(part.histograms, histograms, h0, h);
      fill(part.probes, probes, p0, p);
      this.series.append(part);
      changed = this.evaluate() || changed;
      i = j;
    }
    return changed;
  }

  /** Final check once the run ended (whole-run detectors such as slow progress decide here). */
  finish(summary: RunSummary): boolean {
    this.ctx.summary = summary;
    return this.evaluate();
  }

  /** Current diagnoses, most severe first, then by the step they first held. */
  list(): Diagnosis[] {
    const rank = { error: 0, warning: 1, info: 2 } as const;
    return [...this.found.values()]
      .filter((d) => !this.superseded(d.code))
      .sort((a, b) => rank[a.severity] - rank[b.severity] || a.step - b.step);
  }

  private superseded(code: string): boolean {
    const det = this.detectors.find((d) => d.code === code);
    return !!det?.supersededBy?.some((c) => this.found.has(c));
  }

  private evaluate(): boolean {
    const s = this.series;
    if (s.length === 0) return false;
    const step = s.step[s.length - 1];
    let changed = false;
    for (const det of this.detectors) {
      const f = det.check(this.ctx);
      if (!f) continue;
      const prev = this.found.get(det.code);
      // The same finding object as last time (a detector that memoizes): nothing to refresh.
      if (prev && this.lastFinding.get(det.code) === f) continue;
      this.lastFinding.set(det.code, f);
      const { step: began, fixes, ...rest } = f;
      const d: Diagnosis = { code: det.code, step: prev?.step ?? began ?? step, ...rest, fixes: this.fixes.finish(fixes) };
      if (!prev || prev.message !== d.message || prev.severity !== d.severity) changed = true;
      this.found.set(det.code, d);
    }
    return changed;
  }
}

/** to ← from[lo, hi), in place. */
function fill<T>(to: T[], from: readonly T[], lo: number, hi: number): void {
  to.length = 0;
  for (let k = lo; k < hi; k++) to.push(from[k]);
}
