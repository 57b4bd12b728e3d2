import type { Detector, DetectorContext, Finding } from '../detector';
import { isMinibatch, learningRate, Memo } from '../detector';
import { fmt, median, niceRate, signSwitchRate } from '../stats';

/**
 * `instability`: the cost increases over a window (recap table: "cost increases → decrease α").
 *
 * The loss is smoothed by an EMA over SPAN steps (minibatch noise alone must not trigger it). It
 * holds when the smoothed loss has risen to RISE × its lowest value, by more than FLOOR of the
 * starting loss (so jitter at a near-zero loss is ignored), and kept rising for at least SPAN steps
 * since that low point. Loss-not-decreasing rules (SageMaker, AUTOTRAINER) compare windows the same
 * way; we use a ratio rather than a fixed delta because losses differ in scale by orders of magnitude.
 * The rise must also exceed NOISE_SIGMAS × the EMA's own noise (estimated from the median absolute
 * step-to-step difference of the raw loss over the last NOISE_WINDOW steps): the running minimum of
 * a noisy EMA sits a few σ below its mean, and minibatch noise alone must never read as a rising cost.
 * Superseded by `divergence`: a blown-up run is more than unstable.
 * Minibatch runs are judged on the end-of-epoch losses over the whole training set instead: with
 * batches of 1 or 2 the per-step loss is heavy-tailed (mostly ≈ 0, sometimes large) and no noise
 * model of it holds, while the full-set loss is deterministic. There the loss must stand at RISE ×
 * its lowest evaluation (and FLOOR of the first) in each of the last EPOCH_CONFIRM evaluations, and
 * climb rather than bounce since the low (sign-switch rate of the changes < BOUNCE): a loss that
 * jumps up and down around a level is `fluctuation`, whose fix (decay α) differs.
 */
const RISE = 1.3;
const FLOOR = 0.02;
const SPAN = 10;
const NOISE_SIGMAS = 6;
const NOISE_WINDOW = 100;
const EPOCH_CONFIRM = 3;
const BOUNCE = 0.5;

export class InstabilityDetector implements Detector {
  readonly code = 'instability';
  readonly supersededBy = ['divergence'];
  private seen = 0;
  private ema = NaN;
  private first = NaN;
  private low = Infinity;
  private lowStep = 0;
  /** The minibatch verdict reads only the epoch evaluations. */
  private readonly epochVerdict = new Memo<Finding | undefined>();

  check(ctx: DetectorContext): Finding | undefined {
    if (isMinibatch(ctx)) return this.epochVerdict.get(ctx.series.epochs.length, () => this.epochs(ctx));
    const s = ctx.series;
    const a = 2 / (SPAN + 1);
    // `seen` counts records of the whole run; the series keeps every record not yet seen.
    for (; this.seen < s.total; this.seen++) {
      const x = s.loss[this.seen - s.offset];
      if (!Number.isFinite(x)) return undefined;
      this.ema = Number.isNaN(this.ema) ? x : this.ema + a * (x - this.ema);
      if (this.seen === 0) this.first = x;
      if (this.seen >= SPAN && this.ema < this.low) {
        this.low = this.ema;
        this.lowStep = s.step[this.seen - s.offset];
      }
    }
    const now = s.step[s.length - 1];
    if (!(this.low < Infinity) || now - this.lowStep < SPAN) return undefined;
    const rise = this.ema - this.low;
    if (!(this.ema > RISE * this.low && rise > FLOOR * Math.abs(this.first))) return undefined;
    if (!(rise > NOISE_SIGMAS * this.emaNoise(s.loss, a))) return undefined;
    const lr = learningRate(ctx);
    return {
      severity: 'warning',
      message: `The loss is increasing: smoothed loss rose from ${fmt(this.low)} (step ${this.lowStep}) to ${fmt(this.ema)} (step ${now}). The learning rate ${fmt(lr)} is too large for this region; decrease it.`,
      path: '/optimizer/learningRate',
      evidence: { lowLoss: this.low, lowStep: this.lowStep, currentLoss: this.ema, windowSteps: now - this.lowStep, increase: this.ema / this.low, learningRate: lr },
      fixes: [{ path: '/optimizer/learningRate', value: niceRate(lr / 3), why: 'A smaller step keeps updates from climbing out of the valley.' }],
    };
  }

  /** σ of the EMA from raw-loss noise: σ_raw ≈ median|Δ| / (0.6745·√2), σ_ema = σ_raw·√(a/(2−a)). */
  private emaNoise(loss: number[], a: number): number {
    const n = loss.length;
    const from = Math.max(1, n - NOISE_WINDOW);
    const d: number[] = [];
    for (let i = from; i < n; i++) d.push(Math.abs(loss[i] - loss[i - 1]));
    const sigma = median(d) / (0.6745 * Math.SQRT2);
    return sigma * Math.sqrt(a / (2 - a));
  }

  private epochs(ctx: DetectorContext): Finding | undefined {
    const ep = ctx.series.epochs;
    if (ep.length < EPOCH_CONFIRM + 1) return undefined;
    let low = 0;
    for (let i = 1; i < ep.length - EPOCH_CONFIRM; i++) if (ep[i].trainLoss < ep[low].trainLoss) low = i;
    const lowLoss = ep[low].trainLoss;
    const first = ep[0].trainLoss;
    const recent = ep.slice(-EPOCH_CONFIRM);
    if (!recent.every((e) => Number.isFinite(e.trainLoss) && e.trainLoss > RISE * lowLoss && e.trainLoss - lowLoss > FLOOR * Math.abs(first))) return undefined;
    if (!(signSwitchRate(ep.map((e) => e.trainLoss), low) < BOUNCE)) return undefined;
    const now = recent[recent.length - 1];
    const lr = learningRate(ctx);
    return {
      severity: 'warning',
      message: `The loss is increasing: the training-set loss rose from ${fmt(lowLoss)} (epoch ${ep[low].epoch + 1}) to ${fmt(now.trainLoss)} (epoch ${now.epoch + 1}). The learning rate ${fmt(lr)} is too large for this region; decrease it.`,
      path: '/optimizer/learningRate',
      evidence: { lowLoss, lowStep: ep[low].step, currentLoss: now.trainLoss, windowSteps: now.step - ep[low].step, increase: now.trainLoss / lowLoss, learningRate: lr, source: 'end-of-epoch training loss' },
      fixes: [{ path: '/optimizer/learningRate', value: niceRate(lr / 3), why: 'A smaller step keeps updates from climbing out of the valley.' }],
      step: recent[0].step,
    };
  }
}
