import type { Detector, DetectorContext, Finding } from '../detector';
import type { EpochRecord } from '../../shared/protocol';
import type { FixDraft } from '../fixes';
import { isMinibatch, learningRate, Memo } from '../detector';
import { fmt, linearFit, signSwitchRate } from '../stats';

/**
 * `fluctuation`: minibatch noise dominates a flat trend (recap: "decay α; iterate averaging").
 *
 * Minibatch runs only. Holds when, over the last EPOCHS epoch evaluations on the full training set,
 * the loss no longer falls (net relative decrease < STALL, or it goes up and down: sign-switch rate
 * ≥ 0.5) while the per-step loss is noisy: residual std around its linear trend over the last
 * WINDOW steps ≥ NOISE × its mean. A healthy run still falls from epoch to epoch and is not flagged;
 * nor is a run whose loss already reached DONE × its start (nothing left to gain from decay).
 */
const EPOCHS = 6;
const STALL = 0.02;
const WINDOW = 100;
const NOISE = 0.15;
const DONE = 0.01;

export class FluctuationDetector implements Detector {
  readonly code = 'fluctuation';
  // A stall caused by saturated or dead units is theirs to explain: decaying α would not fix it.
  readonly supersededBy = ['divergence', 'instability', 'saturated-units', 'dead-units', 'plateau'];
  /** The epoch half of the test, which changes only with a new evaluation. */
  private readonly stall = new Memo<{ netDecrease: number; bounce: number } | undefined>();
  private fixes: FixDraft[] | undefined;

  check(ctx: DetectorContext): Finding | undefined {
    if (!isMinibatch(ctx)) return undefined;
    const s = ctx.series;
    const n = s.length;
    const ep = s.epochs;
    if (n < WINDOW || ep.length < EPOCHS) return undefined;
    const stalled = this.stall.get(ep.length, () => stalledEpochs(ep));
    if (!stalled) return undefined;
    const { netDecrease, bounce } = stalled;
    const fit = linearFit(s.loss, n - WINDOW, n);
    const level = Math.abs(fit.mean);
    const noise = fit.residualStd / Math.max(level, 1e-12);
    if (!(noise >= NOISE)) return undefined;
    const lr = learningRate(ctx);
    const bs = ctx.experiment.training.batchSize;
    return {
      severity: 'warning',
      message: `Fluctuation: the minibatch loss jumps by ±${fmt(noise * 100)} % around its trend while the full training loss has stopped improving over the last ${EPOCHS} epochs (net change ${fmt(-netDecrease * 100)} %). Decay the learning rate or average the iterates.`,
      path: '/optimizer/learningRate',
      evidence: { noiseToLevel: noise, epochsWindow: EPOCHS, netDecrease, epochSignSwitchRate: bounce, batchSize: bs ?? null, learningRate: lr },
      // The same for the whole run: kept, so the monitor need not finish them again at every check.
      fixes: (this.fixes ??= [
        { path: '/optimizer/schedule', value: { name: 'inverseTime', decay: 0.5 }, why: 'α₀/(1+d·epoch) keeps early progress and shrinks the noise later (lecture 002).' },
        { path: '/training/batchSize', value: Math.min((bs ?? 32) * 4, ctx.info.trainSize ?? (bs ?? 32) * 4), why: 'A larger batch averages the gradient noise away.' },
      ]),
    };
  }
}

/** Whether the last EPOCHS evaluations stopped improving (net change and bounce), or undefined. */
function stalledEpochs(ep: readonly EpochRecord[]): { netDecrease: number; bounce: number } | undefined {
  const epochLoss = ep.slice(-EPOCHS).map((e) => e.trainLoss);
  const start = ep[0].trainLoss;
  const end = epochLoss[epochLoss.length - 1];
  if (!(end > DONE * start)) return undefined;
  const netDecrease = (epochLoss[0] - end) / Math.abs(epochLoss[0]);
  const bounce = signSwitchRate(epochLoss);
  if (!(netDecrease < STALL || bounce >= 0.5)) return undefined;
  return { netDecrease, bounce };
}
