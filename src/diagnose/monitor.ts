import type { Experiment } from '../shared/experiment';
import type { Diagnosis, MetricsBatch, RunInfo, RunSummary } from '../shared/protocol';
import type { Detector, DetectorContext } from './detector';
import { createDetectors } from './registry';
import type { ObjectiveValue } from './detectors/curvature';
import { RunSeries } from './series';

/**
 * Runs every detector online over one run. Feed it each metrics batch as it is emitted; it reports
 * whether the list of diagnoses changed, so callers emit a `diagnostics` event only then. Cost per
 * batch is O(batch + Σ detector windows), independent of the run's length.
 */
export class DiagnosisMonitor {
  readonly series = new RunSeries();
  private readonly detectors: Detector[];
  private readonly found = new Map<string, Diagnosis>();
  private readonly ctx: DetectorContext;

  constructor(experiment: Experiment, info: RunInfo, objective?: ObjectiveValue) {
    this.detectors = createDetectors(objective);
    this.ctx = { experiment, info, series: this.series };
  }

  /** Appends a batch and re-checks; true when the diagnoses changed. */
  ingest(batch: MetricsBatch): boolean {
    this.series.append(batch);
    return this.evaluate();
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
      const d: Diagnosis = { code: det.code, step: prev?.step ?? step, ...f };
      if (!prev || prev.message !== d.message || prev.severity !== d.severity) changed = true;
      this.found.set(det.code, d);
    }
    return changed;
  }
}
