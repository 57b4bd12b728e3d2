import type { Experiment } from '../shared/experiment';
import type { Diagnosis, MetricsBatch, RunInfo, RunSummary, StepRecord, SuggestedFix } from '../shared/protocol';
import type { Detector, DetectorContext, Finding } from './detector';
import { type FixDraft, FixFinisher } from './fixes';
import { createDetectors } from './registry';
import type { ObjectiveValue } from './detectors/curvature';
import { RunSeries } from './series';

/**
 * How often a large net's checks run: within a share of the run's training-step time, as the
 * engine's instruments (src/engine/instruments/schedule.ts), which decides what a large net is and
 * hands the budget in; the detectors stay free of tfjs and of the engine.
 */
export interface CheckPacing {
  /** The checks' time against a share of the step time (the engine's TimeBudget of CHECK_SHARE). */
  budget: { affordable(stepMs: number): boolean; spend(ms: number): void };
  /** Training-step time of the run so far, in ms. */
  stepMs: () => number;
  /** The clock the checks are timed with. */
  now?: () => number;
}

/**
 * Runs every detector online over one run. Feed it each metrics batch as it is emitted; it reports
 * whether the list of diagnoses changed, so callers emit a `diagnostics` event only then. Cost per
 * batch is O(batch + Σ detector windows), independent of the run's length.
 *
 * Check points: every `checkEvery`-th step record of the run (however it was batched) and each
 * record that brings an epoch evaluation, histograms or a probe (docs/collection-frequency.md).
 * Without `pacing` (small nets, tests, replays) the detectors run at every check point. With it,
 * such a check runs only when the checks' total time stays within CHECK_SHARE
 * of the step time so far (the first check always does), or when the last check is FLOOR_RECORDS
 * step records or FLOOR_MS of step time old, which bounds how late a condition is seen; `finish`
 * always checks. A skipped check is not made up: its records are in the series for the next one.
 */
export class DiagnosisMonitor {
  readonly series: RunSeries;
  private readonly detectors: Detector[];
  private readonly found = new Map<string, Diagnosis>();
  private readonly lastFinding = new Map<string, Finding>();
  private readonly lastFixes = new Map<string, { drafts: readonly FixDraft[]; fixes: SuggestedFix[] }>();
  private readonly ctx: DetectorContext;
  private readonly fixes: FixFinisher;
  /**
   * One slice of a batch at a time: its step records are a range of the batch's (RunSeries.append
   * takes the range), the others are copied into arrays reused across slices.
   */
  private readonly slice: Required<MetricsBatch> = { steps: [], epochs: [], histograms: [], probes: [] };

  /** A check point every this many step records: at most MAX_CHECKS per run (besides the low-cadence records'). */
  private readonly checkEvery: number;
  static readonly MAX_CHECKS = 1000;
  /** Share of the step time a large net's checks may take. */
  static readonly CHECK_SHARE = 0.005;
  /** A large net is checked at least once per this many step records (well within RunSeries.TAIL)... */
  static readonly FLOOR_RECORDS = 1000;
  /** ...and once per this much training-step time. */
  static readonly FLOOR_MS = 1000;
  private passes = 0;
  /** Step records appended and step time when the detectors last ran (pacing only). */
  private checkedRecords = 0;
  private checkedStepMs = 0;

  constructor(experiment: Experiment, info: RunInfo, objective?: ObjectiveValue, private readonly pacing?: CheckPacing) {
    // A completed run records steps 0..totalSteps: the series reserves slow-progress windows for it.
    this.series = new RunSeries(info.totalSteps + 1);
    this.detectors = createDetectors(objective);
    this.ctx = { experiment, info, series: this.series };
    this.fixes = new FixFinisher(experiment);
    // At most half the series' tail apart, so the records since the last check are all kept (series.ts).
    this.checkEvery = Math.min(RunSeries.TAIL / 2, Math.max(1, Math.ceil(info.totalSteps / DiagnosisMonitor.MAX_CHECKS)));
  }

  /**
   * Appends a batch and re-checks; true when the diagnoses changed. A batch holds whatever arrived
   * in one flush interval (hundreds of steps on a fast run), so it is replayed in slices of up to
   * `checkEvery` records: a transient condition (passing a saddle) is seen even between flushes.
   */
  ingest(batch: MetricsBatch): boolean {
    let changed = false;
    let e = 0;
    let h = 0;
    let p = 0;
    const { steps, epochs, histograms } = batch;
    const probes = batch.probes ?? [];
    const every = this.checkEvery;
    for (let i = 0; i < steps.length || e < epochs.length || h < histograms.length || p < probes.length; ) {
      // Slices end where the run's record count reaches a multiple of `every`, so the checks fall
      // on the same records however the run was batched, and at the record that brings an epoch
      // evaluation, histograms or a probe, so the detectors reading those judge each as it arrives.
      let j = Math.min(steps.length, i + every - (this.series.total % every));
      const next = Math.min(e < epochs.length ? epochs[e].step : Infinity, h < histograms.length ? histograms[h].step : Infinity, p < probes.length ? probes[p].step : Infinity);
      for (let k = i; next < Infinity && k < j - 1; k++) {
        if (steps[k].step < next) continue;
        j = k + 1;
        break;
      }
      const upTo = j < steps.length ? steps[j - 1].step : Infinity;
      const e0 = e;
      const h0 = h;
      const p0 = p;
      while (e < epochs.length && epochs[e].step <= upTo) e++;
      while (h < histograms.length && histograms[h].step <= upTo) h++;
      while (p < probes.length && probes[p].step <= upTo) p++;
      const part = this.slice;
      part.steps = steps;
      fill(part.epochs, epochs, e0, e);
      fill(part.histograms, histograms, h0, h);
      fill(part.probes, probes, p0, p);
      this.series.append(part, i, j);
      // A slice cut short by the batch's end waits for the next batch (or `finish`).
      const due = this.series.total % every === 0 || e > e0 || h > h0 || p > p0;
      if (due && this.due()) changed = this.timedEvaluate() || changed;
      i = j;
    }
    this.slice.steps = NO_STEPS;
    return changed;
  }

  /** Final check once the run ended (whole-run detectors such as slow progress decide here). */
  finish(summary: RunSummary): boolean {
    this.ctx.summary = summary;
    return this.evaluate();
  }

  /** Whether the detectors run after the slice just appended (see the class comment). */
  private due(): boolean {
    const p = this.pacing;
    if (!p) return true;
    const stepMs = p.stepMs();
    return (
      this.series.total - this.checkedRecords >= DiagnosisMonitor.FLOOR_RECORDS ||
      stepMs - this.checkedStepMs >= DiagnosisMonitor.FLOOR_MS ||
      p.budget.affordable(stepMs)
    );
  }

  private timedEvaluate(): boolean {
    const p = this.pacing;
    if (!p) return this.evaluate();
    const now = p.now ?? (() => performance.now());
    const t = now();
    const changed = this.evaluate();
    p.budget.spend(now() - t);
    this.checkedRecords = this.series.total;
    this.checkedStepMs = p.stepMs();
    return changed;
  }

  /** Detector passes so far (the final one included). */
  get checks(): number {
    return this.passes;
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
    this.passes++;
    let changed = false;
    for (const det of this.detectors) {
      const f = det.check(this.ctx);
      if (!f) continue;
      const prev = this.found.get(det.code);
      // The same finding object as last time (a detector that memoizes): nothing to refresh.
      if (prev && this.lastFinding.get(det.code) === f) continue;
      this.lastFinding.set(det.code, f);
      const { step: began, fixes, ...rest } = f;
      const d: Diagnosis = { code: det.code, step: prev?.step ?? began ?? step, ...rest, fixes: this.finished(det.code, fixes) };
      if (!prev || prev.message !== d.message || prev.severity !== d.severity) changed = true;
      this.found.set(det.code, d);
    }
    return changed;
  }

  /** The finished fixes of a detector's drafts; the same as last time for the same drafts array (a detector that keeps them). */
  private finished(code: string, drafts: readonly FixDraft[]): SuggestedFix[] {
    const last = this.lastFixes.get(code);
    if (last?.drafts === drafts) return last.fixes;
    const fixes = this.fixes.finish(drafts);
    this.lastFixes.set(code, { drafts, fixes });
    return fixes;
  }
}

const NO_STEPS: StepRecord[] = [];

/** to ← from[lo, hi), in place. */
function fill<T>(to: T[], from: readonly T[], lo: number, hi: number): void {
  to.length = 0;
  for (let k = lo; k < hi; k++) to.push(from[k]);
}
