import type { Detector, DetectorContext, Finding } from '../detector';
import { learningRate } from '../detector';
import { fmt, niceRate } from '../stats';

/**
 * `divergence`: the loss or the gradient became NaN/Inf, or the loss grew explosively.
 *
 * Thresholds: any non-finite loss or gradient norm (SageMaker `exploding_tensor` checks for NaN/Inf
 * the same way); or a loss above EXPLOSION × the reference (median of the first 5 losses) while the
 * last RISING losses each grew. A run at the edge of stability (Cohen et al. 2021: sharpness ≈ 2/α,
 * loss bumpy but falling on average) never reaches 1000× its starting loss, so it is not flagged.
 * Fix: a learning rate 10× smaller, the lecture's "decrease α" for a much too large rate.
 */
const EXPLOSION = 1e3;
const RISING = 5;

export class DivergenceDetector implements Detector {
  readonly code = 'divergence';

  check(ctx: DetectorContext): Finding | undefined {
    const s = ctx.series;
    const n = s.length;
    if (n === 0) return undefined;
    const ref = s.initialLoss();
    let at = s.firstNonFinite;
    let what = '';
    if (at >= 0) {
      what = Number.isFinite(s.loss[at]) ? `the gradient became ${s.gradNorm[at]}` : `the loss became ${s.loss[at]}`;
    } else if (n > RISING && Number.isFinite(ref) && Math.abs(s.loss[n - 1]) > EXPLOSION * Math.max(Math.abs(ref), 1e-12)) {
      let rising = true;
      for (let i = n - RISING; i < n; i++) rising &&= s.loss[i] > s.loss[i - 1];
      if (!rising) return undefined;
      at = n - 1;
      what = `the loss grew from ${fmt(ref)} to ${fmt(s.loss[at])}`;
    } else {
      return undefined;
    }
    const lr = learningRate(ctx);
    const lastFinite = lastFiniteBefore(s.loss, at);
    return {
      severity: 'error',
      message: `Training diverged: ${what} at step ${s.step[at]} with learning rate ${fmt(lr)}. The steps overshoot; use a much smaller learning rate.`,
      path: '/optimizer/learningRate',
      evidence: { step: s.step[at], loss: Number.isFinite(s.loss[at]) ? s.loss[at] : String(s.loss[at]), initialLoss: ref, lastFiniteLoss: lastFinite, learningRate: lr },
      fixes: [{ path: '/optimizer/learningRate', value: niceRate(lr / 10), why: 'A 10× smaller step stops the overshoot that made the loss blow up.' }],
    };
  }
}

function lastFiniteBefore(xs: number[], i: number): number | null {
  for (let j = i - 1; j >= 0; j--) if (Number.isFinite(xs[j])) return xs[j];
  return null;
}
