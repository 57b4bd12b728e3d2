import type { FixDraft } from '../fixes';
import type { Detector, DetectorContext, Finding } from '../detector';
import { learningRate } from '../detector';
import { fmt, niceRate } from '../stats';

/**
 * `slow-progress`: a slow, linear training curve (recap: "increase α; momentum").
 *
 * Judged on the whole run, once it completed (a curve's shape needs its end). With the loss split in
 * quarters (medians of short windows at the quarter points, so minibatch noise does not decide):
 * the last quarter still gains at least LINEAR × what the first quarter gained (a healthy curve
 * decelerates sharply: most of the gain comes first), the run gained less than MOST of its starting
 * loss, and the gradient is still at least ALIVE × its starting size (it has not converged). With
 * the lecture's f(x) = x² from 10: α = 0.005 over 30 steps is flagged, α = 0.05 and 0.2 are not.
 */
const LINEAR = 0.5;
const MOST = 0.9;
const ALIVE = 0.05;
const MIN_STEPS = 20;

export class SlowProgressDetector implements Detector {
  readonly code = 'slow-progress';
  readonly supersededBy = ['divergence', 'instability', 'plateau', 'oscillation'];

  check(ctx: DetectorContext): Finding | undefined {
    if (ctx.summary?.reason !== 'completed') return undefined;
    const s = ctx.series;
    // Whole-run windows: the series keeps them exactly for a completed run (see series.ts).
    const n = s.total;
    if (n < MIN_STEPS) return undefined;
    const h = Math.max(1, Math.floor(n / 40));
    const at = (i: number) => s.median('loss', Math.max(0, i - h), Math.min(n, i + h + 1));
    const q = [0, Math.floor(n / 4), Math.floor((3 * n) / 4), n - 1].map(at);
    const firstGain = q[0] - q[1];
    const lastGain = q[2] - q[3];
    const gained = (q[0] - q[3]) / Math.abs(q[0]);
    const g0 = s.median('gradNorm', 0, Math.min(n, 2 * h + 1));
    const gEnd = s.median('gradNorm', Math.max(0, n - 2 * h - 1), n);
    if (!(firstGain > 0 && lastGain >= LINEAR * firstGain && gained < MOST && gEnd >= ALIVE * g0)) return undefined;
    const lr = learningRate(ctx);
    const fixes: FixDraft[] = [{ path: '/optimizer/learningRate', value: niceRate(lr * 3), why: 'Progress per step is proportional to α while the curve is this straight.' }];
    if (ctx.experiment.optimizer.name === 'sgd') fixes.push({ path: '/optimizer/name', value: 'momentum', why: 'Momentum accumulates the consistent gradient and speeds up along it.' });
    return {
      severity: 'warning',
      message: `Slow progress: the loss fell only ${fmt(gained * 100)} % in ${s.step[s.length - 1]} steps, as fast at the end as at the start (a linear curve), and the gradient is still ${fmt(gEnd / g0)}× its initial size. Increase the learning rate${ctx.experiment.optimizer.name === 'sgd' ? ' or add momentum' : ''}.`,
      path: '/optimizer/learningRate',
      evidence: { relativeDecrease: gained, firstQuarterGain: firstGain, lastQuarterGain: lastGain, gradientRatio: gEnd / g0, learningRate: lr, steps: s.step[s.length - 1] },
      fixes,
    };
  }
}
