import type { Experiment } from '../shared/experiment';
import type { Diagnosis, RunInfo, RunSummary, Severity } from '../shared/protocol';
import type { FixDraft } from './fixes';
import type { RunSeries } from './series';

/** What every detector may read: the experiment as validated, the run's set-up, and its series. */
export interface DetectorContext {
  experiment: Experiment;
  info: RunInfo;
  series: RunSeries;
  /** Set once the run has ended: detectors that judge a whole run (slow progress) wait for it. */
  summary?: RunSummary;
}

/** A detector's verdict; the monitor adds the code and the step it first held. */
export interface Finding {
  severity: Severity;
  message: string;
  path: string;
  evidence: Diagnosis['evidence'];
  /** Titles may be left out: the monitor derives them from the path, the value and the experiment. */
  fixes: FixDraft[];
  /** The step the problem began at, when the detector knows it better than "now" (e.g. from the data). */
  step?: number;
}

/**
 * One problem of the recap table, one instance per run (it may keep running state). `check` must
 * cost O(new records + window), not O(run): it is called every few steps while training goes on.
 * Returning undefined means "does not hold now"; once a finding has held the monitor keeps it (with
 * the step it first held) and refreshes its evidence while it still holds.
 */
export interface Detector {
  code: string;
  /** Codes whose presence makes this one redundant (e.g. instability once the run diverged). */
  supersededBy?: string[];
  check(ctx: DetectorContext): Finding | undefined;
}

/**
 * A detector's last verdict, kept while its inputs stay the same (`key`: e.g. how many histogram
 * records the series has seen). Detectors of low-cadence records (histograms, instrument probes,
 * epoch evaluations) are checked every few steps but can only change when such a record arrives;
 * handing back the same Finding object also lets the monitor skip rebuilding the diagnosis.
 */
export class Memo<T> {
  private key: number | undefined;
  private value: T | undefined;

  get(key: number, compute: () => T): T {
    if (this.key !== key) {
      this.value = compute();
      this.key = key;
    }
    return this.value as T;
  }
}

export function learningRate(ctx: DetectorContext): number {
  return ctx.experiment.optimizer.learningRate;
}

export function isMinibatch(ctx: DetectorContext): boolean {
  const bs = ctx.experiment.training.batchSize;
  return ctx.experiment.kind === 'network' && bs !== undefined && ctx.info.trainSize !== undefined && bs < ctx.info.trainSize;
}
