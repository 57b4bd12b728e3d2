/**
 * Iterate averaging around any optimizer (lecture 001's remedy for a fluctuating loss): the
 * parameters still follow the optimizer, and averaged parameters θ̄ are kept beside them, as
 * torch.optim.swa_utils.AveragedModel does:
 *   first update: θ̄ ← θ₁;  then  polyak: θ̄ ← θ̄ + (θ_k − θ̄)/k   (the mean of θ₁…θ_k)
 *                                 ema:    θ̄ ← d·θ̄ + (1−d)·θ_k
 * Before the first update θ̄ is θ₀. The loss at θ̄ is measured on the same batch as the step's
 * loss (StepRecord.avgLoss), which costs one extra forward pass per step.
 */
import type { AveragingSpec } from '../../shared/experiment';
import { tf } from '../tf';
import { Slots } from './state';
import type { Optimizer, StepContext, StepOutcome } from './types';

export class Averaged implements Optimizer {
  private readonly avg = new Slots();
  private count = 0;

  constructor(
    private readonly inner: Optimizer,
    private readonly spec: AveragingSpec,
  ) {}

  step(params: tf.Variable[], grads: tf.Tensor[], lr: number, ctx?: StepContext): StepOutcome | void {
    const out = this.inner.step(params, grads, lr, ctx);
    const avgs = this.avg.get(params);
    const k = ++this.count;
    const spec = this.spec;
    tf.tidy(() => {
      params.forEach((p, i) => {
        if (k === 1) avgs[i].assign(p);
        else if (spec.kind === 'polyak') avgs[i].assign(tf.add(avgs[i], tf.div(tf.sub(p, avgs[i]), k)));
        else avgs[i].assign(tf.add(tf.mul(spec.decay, avgs[i]), tf.mul(1 - spec.decay, p)));
      });
    });
    return out;
  }

  lossAtAverage(params: tf.Variable[], ctx: StepContext): tf.Scalar {
    if (this.count === 0) return tf.clone(ctx.value);
    const avgs = this.avg.get(params);
    // clone() shares the data and assign() swaps it: `saved` keeps θ while θ̄ is in place.
    const saved = params.map((p) => p.clone());
    params.forEach((p, i) => p.assign(avgs[i]));
    try {
      return ctx.loss();
    } finally {
      params.forEach((p, i) => p.assign(saved[i]));
    }
  }

  dispose(): void {
    this.avg.dispose();
    this.inner.dispose();
  }
}
