import type { Experiment, NetworkExperiment } from '../../shared/experiment';
import type { HistogramRecord } from '../../shared/protocol';
import type { FixDraft } from '../fixes';
import type { Detector, DetectorContext, Finding } from '../detector';
import { learningRate, Memo } from '../detector';
import { fmt, niceRate } from '../stats';

/**
 * `dead-units` and `saturated-units` from the activation histograms (recap: "activation
 * histograms → initial scale of W; ReLU").
 *
 * SageMaker Debugger's dead_relu rule flags a layer when more than 50 % of its ReLUs are inactive
 * (active on < 1 % of inputs); our engine reports a ReLU unit dead when it is inactive on the whole
 * probe batch, and a sigmoid/tanh unit saturated when it sits in a flat region on ≥ 99 % of it.
 * A layer is flagged when the fraction exceeds LAYER_FRACTION in each of the last PERSIST histogram
 * snapshots (one bad snapshot during a transient is not a diagnosis); error above SEVERE.
 * Saturation also counts per activation: the per-unit 99 % rule misses a layer whose units are each
 * unsaturated on a few inputs (those near zero) yet flat on most. So a sigmoid/tanh layer is also
 * saturated when at least TAIL_FRACTION of all its activations on the probe batch lie in the flat
 * tails (tanh |a| ≥ 0.9, sigmoid a ≤ 0.05 or ≥ 0.95: derivative under 20 % of its peak), read
 * from the activation histogram's bins that lie wholly inside the tails (a lower bound).
 */
const LAYER_FRACTION = 0.5;
const SEVERE = 0.9;
const PERSIST = 3;
const TAIL_FRACTION = 0.6;

function persistentLayers(ctx: DetectorContext, pick: (h: HistogramRecord) => number): { layer: number; fraction: number; step: number }[] {
  const out: { layer: number; fraction: number; step: number }[] = [];
  ctx.series.histograms.forEach((list, layer) => {
    if (!list || list.length < PERSIST) return;
    const last = list.slice(-PERSIST);
    if (last.every((h) => pick(h) > LAYER_FRACTION)) out.push({ layer, fraction: pick(last[last.length - 1]), step: last[last.length - 1].step });
  });
  return out;
}

function net(e: Experiment): NetworkExperiment | undefined {
  return e.kind === 'network' ? e : undefined;
}

export class DeadUnitsDetector implements Detector {
  readonly code = 'dead-units';
  // Units killed or saturated on the way to a blow-up are a symptom; the divergence (and its fix) is the problem.
  readonly supersededBy = ['divergence'];
  private readonly memo = new Memo<Finding | undefined>();

  check(ctx: DetectorContext): Finding | undefined {
    return this.memo.get(ctx.series.histogramCount, () => this.judge(ctx));
  }

  private judge(ctx: DetectorContext): Finding | undefined {
    const e = net(ctx.experiment);
    if (!e) return undefined;
    const layers = persistentLayers(ctx, (h) => h.deadFraction);
    if (layers.length === 0) return undefined;
    const worst = layers.reduce((a, b) => (b.fraction > a.fraction ? b : a));
    const lr = learningRate(ctx);
    const bias = e.model.init.bias;
    const fixes: FixDraft[] = [];
    let path: string;
    let cause: string;
    if (bias < 0) {
      path = '/model/init/bias';
      cause = `the initial bias ${bias} pushes pre-activations below zero`;
      fixes.push({ path, value: 0, why: 'With a zero bias about half of each ReLU layer starts active.' });
    } else {
      path = '/optimizer/learningRate';
      cause = `large updates (learning rate ${fmt(lr)}) pushed units into the negative region`;
      fixes.push({ path, value: niceRate(lr / 3), why: 'Smaller steps do not knock ReLUs permanently off.' });
    }
    fixes.push({ path: `/model/layers/${worst.layer}/activation`, value: 'leakyRelu', why: 'Leaky ReLU keeps a small gradient for negative inputs, so units can recover.' });
    return {
      severity: worst.fraction > SEVERE ? 'error' : 'warning',
      message: `Dead units: ${layers.map((l) => `${fmt(l.fraction * 100)} % of layer ${l.layer + 1}`).join(', ')} never activate on the probe batch; ${cause}. Dead ReLUs get exactly zero gradient and never recover.`,
      path,
      evidence: { layers: layers.map((l) => l.layer + 1), fractions: layers.map((l) => l.fraction), step: worst.step, initBias: bias, learningRate: lr },
      fixes,
    };
  }
}

export class SaturatedUnitsDetector implements Detector {
  readonly code = 'saturated-units';
  readonly supersededBy = ['divergence'];
  private readonly memo = new Memo<Finding | undefined>();

  check(ctx: DetectorContext): Finding | undefined {
    return this.memo.get(ctx.series.histogramCount, () => this.judge(ctx));
  }

  private judge(ctx: DetectorContext): Finding | undefined {
    const e = net(ctx.experiment);
    if (!e) return undefined;
    const acts = e.model.layers.map((l) => l.activation);
    const layers = persistentLayers(ctx, (h) => Math.max(h.saturatedFraction, tailShare(h, acts[h.layer]) > TAIL_FRACTION ? tailShare(h, acts[h.layer]) : 0));
    if (layers.length === 0) return undefined;
    const worst = layers.reduce((a, b) => (b.fraction > a.fraction ? b : a));
    const init = e.model.init;
    const fixes: FixDraft[] = [];
    if (init.scale > 1 || init.scheme === 'constant' || init.scheme === 'normal' || init.scheme === 'uniform') {
      fixes.push({ path: '/model/init', value: { scheme: 'glorot', scale: 1, bias: init.bias }, why: 'Glorot scaling keeps pre-activations in the responsive range of sigmoid/tanh.' });
    } else {
      fixes.push({ path: '/model/init/scale', value: Number((init.scale / 4).toPrecision(2)), why: 'Smaller initial weights keep pre-activations out of the flat tails.' });
    }
    fixes.push({ path: `/model/layers/${worst.layer}/activation`, value: 'relu', why: 'ReLU does not saturate for positive inputs.' });
    return {
      severity: worst.fraction > SEVERE ? 'error' : 'warning',
      message: `Saturated units: ${layers.map((l) => `${fmt(l.fraction * 100)} % of layer ${l.layer + 1}`).join(', ')} sit in the flat region of their activation, where the derivative is ≈ 0 and learning stalls. Reduce the initial weight scale or use ReLU.`,
      path: '/model/init/scale',
      evidence: { layers: layers.map((l) => l.layer + 1), fractions: layers.map((l) => l.fraction), step: worst.step, initScale: init.scale, initScheme: init.scheme },
      fixes,
    };
  }
}

/** Share of a layer's activations in the flat tails of sigmoid/tanh, from the histogram bins wholly inside them. */
export function tailShare(h: HistogramRecord, activation: string | undefined): number {
  const [lo, hi] = activation === 'tanh' ? [-0.9, 0.9] : activation === 'sigmoid' ? [0.05, 0.95] : [NaN, NaN];
  if (Number.isNaN(lo)) return 0;
  const { min, max, counts } = h.act;
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0 || !(max > min)) return max <= lo || min >= hi ? 1 : 0;
  const w = (max - min) / counts.length;
  let tail = 0;
  counts.forEach((c, i) => {
    const a = min + i * w;
    if (a + w <= lo + 1e-9 || a >= hi - 1e-9) tail += c;
  });
  return tail / total;
}
