import type { Detector, DetectorContext, Finding } from '../detector';
import { learningRate } from '../detector';
import { fmt, median } from '../stats';

/**
 * `plateau`: a flat region: tiny gradient, no progress, loss still high (lecture 8: saturated
 * units, 0-1 loss, logistic + least squares).
 *
 * Over the last WINDOW steps (at least MIN_STEPS into the run): the loss moved less than FLAT of
 * its level, stays above HIGH × the starting loss (it never got anywhere: a converged run is low),
 * and the gradient norm is below TINY × the largest seen (or absolutely below 1e-6) and below
 * TINY × the loss itself: a gradient that is only small next to a steep start (the ravine, where
 * one direction converged and the other crawls) is slow progress, not a flat region.
 */
const WINDOW = 30;
const MIN_STEPS = 50;
const FLAT = 0.005;
const HIGH = 0.5;
const TINY = 1e-2;

export class PlateauDetector implements Detector {
  readonly code = 'plateau';
  readonly supersededBy = ['divergence'];

  check(ctx: DetectorContext): Finding | undefined {
    const s = ctx.series;
    const n = s.length;
    const maxGrad = s.maxGradNorm;
    if (n < Math.max(WINDOW, MIN_STEPS)) return undefined;
    const a = median(s.loss, n - WINDOW, n - WINDOW + 5);
    const b = median(s.loss, n - 5, n);
    const start = s.initialLoss();
    const level = Math.max(Math.abs(b), 1e-12);
    if (!(Math.abs(a - b) < FLAT * level && b > HIGH * start)) return undefined;
    // Only now the longer window: most checks of a training run end at the line above.
    const g = median(s.gradNorm, n - WINDOW, n);
    if (!((g < TINY * maxGrad || g < 1e-6) && g < TINY * level)) return undefined;
    const lr = learningRate(ctx);
    const isNet = ctx.experiment.kind === 'network' && ctx.experiment.model.layers.length > 0;
    return {
      severity: 'warning',
      message: `Plateau: the loss has stayed at ${fmt(b)} (started at ${fmt(start)}) for ${WINDOW} steps with a gradient norm of ${fmt(g)}, ${fmt(g / Math.max(maxGrad, 1e-30))}× the largest seen. ${isNet ? 'Units may be saturated or dead; check the activation histograms.' : 'The optimizer is stuck on a flat region.'}`,
      path: isNet ? '/model/init' : '/optimizer/learningRate',
      evidence: { loss: b, initialLoss: start, gradNorm: g, maxGradNorm: maxGrad, windowSteps: WINDOW, learningRate: lr },
      fixes: isNet
        ? [{ path: '/model/init', value: { scheme: 'he', scale: 1, bias: 0 }, why: 'A fresh, well-scaled initialization starts the units in their responsive range.' }, { path: '/optimizer/name', value: 'adam', why: 'Adam rescales tiny gradients per parameter and moves off flat regions faster.' }]
        : [{ path: '/optimizer/name', value: 'adam', why: 'Adam rescales tiny gradients per coordinate and moves off flat regions faster.' }],
    };
  }
}
