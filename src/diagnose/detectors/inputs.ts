import type { DataStats } from '../../shared/protocol';
import type { Detector, DetectorContext, Finding } from '../detector';
import { fmt } from '../stats';

/**
 * `unnormalized-inputs`: features far from zero mean / unit variance, or on scales that differ by
 * more than SCALE_RATIO (recap table; lecture 8's ravine tables: 114.8 vs 0.00323, or 1003.2 vs
 * 1005.1). Holds from step 0 when `data.normalize` is off and any of: max std / min std >
 * SCALE_RATIO; some |mean| > OFFSET × its std and > 1 (inputs that sit far from zero); the typical
 * std outside [1/SPREAD, SPREAD]. Constant features (std 0) are ignored.
 */
const SCALE_RATIO = 100;
const OFFSET = 10;
const SPREAD = 100;

export interface FeatureScales {
  ratio: number;
  worstOffset: number;
  maxStd: number;
  minStd: number;
}

/**
 * Scale summary of the features. With many features (pixels) the 10th and 90th percentiles of the
 * standard deviations stand in for min and max, so a few nearly constant border pixels do not make
 * [0, 1] images look unnormalized; with a handful of features they are the min and max.
 */
export function featureScales(ctx: DetectorContext): FeatureScales | undefined {
  const st = ctx.info.dataStats;
  if (!st || st.std.length === 0) return undefined;
  // A run's data statistics never change, and three detectors ask on every check (784 features: a sort each time).
  if (scalesOf.has(st)) return scalesOf.get(st);
  const f = computeScales(st);
  scalesOf.set(st, f);
  return f;
}

const scalesOf = new WeakMap<DataStats, FeatureScales | undefined>();

function computeScales(st: DataStats): FeatureScales | undefined {
  const stds = st.std.filter((sd) => sd > 0).sort((a, b) => a - b);
  if (stds.length === 0) return undefined;
  const q = (p: number) => stds[Math.round(p * (stds.length - 1))];
  const minStd = q(0.1);
  const maxStd = q(0.9);
  let worstOffset = 0;
  st.std.forEach((sd, i) => {
    if (sd > 0 && Math.abs(st.mean[i]) > 1) worstOffset = Math.max(worstOffset, Math.abs(st.mean[i]) / sd);
  });
  return { ratio: maxStd / minStd, worstOffset, maxStd, minStd };
}

export class UnnormalizedInputsDetector implements Detector {
  readonly code = 'unnormalized-inputs';
  /** The verdict depends only on the run's data statistics: computed once, not at every check. */
  private memo: { stats: DataStats | undefined; finding: Finding | undefined } | undefined;

  check(ctx: DetectorContext): Finding | undefined {
    if (this.memo?.stats !== ctx.info.dataStats || !this.memo) this.memo = { stats: ctx.info.dataStats, finding: this.judge(ctx) };
    return this.memo.finding;
  }

  private judge(ctx: DetectorContext): Finding | undefined {
    const e = ctx.experiment;
    if (e.kind !== 'network' || e.data.normalize) return undefined;
    const f = featureScales(ctx);
    const st = ctx.info.dataStats;
    if (!f || !st) return undefined;
    const reasons: string[] = [];
    if (f.ratio > SCALE_RATIO) reasons.push(`feature scales differ by ${fmt(f.ratio)}×`);
    if (f.worstOffset > OFFSET) reasons.push(`a feature's mean is ${fmt(f.worstOffset)} standard deviations from zero`);
    if (f.maxStd > SPREAD || f.minStd < 1 / SPREAD) reasons.push(`standard deviations range from ${fmt(f.minStd)} to ${fmt(f.maxStd)}`);
    if (reasons.length === 0) return undefined;
    const shown = st.featureNames.slice(0, 8).map((name, i) => `${name}: mean ${fmt(st.mean[i])}, std ${fmt(st.std[i])}`).join('; ');
    return {
      severity: 'warning',
      message: `Unnormalized inputs: ${reasons.join('; ')} (${shown}). Gradient descent then crawls along a narrow ravine; standardize the inputs.`,
      path: '/data/normalize',
      evidence: { scaleRatio: f.ratio, worstMeanOverStd: f.worstOffset, mean: st.mean.slice(0, 32), std: st.std.slice(0, 32) },
      fixes: [{ path: '/data/normalize', value: true, why: 'x̃ = (x − μ)/σ puts every feature on the same scale (lecture 8, ravines).' }],
      step: 0,
    };
  }
}
