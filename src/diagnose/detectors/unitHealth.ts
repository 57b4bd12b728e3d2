import type { Experiment, NetworkExperiment } from '../../shared/experiment';
import type { HistogramRecord, SuggestedFix } from '../../shared/protocol';
import type { Detector, DetectorContext, Finding } from '../detector';
import { learningRate } from '../detector';
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
 */
const LAYER_FRACTION = 0.5;
const SEVERE = 0.9;
const PERSIST = 3;

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

  check(ctx: DetectorContext): Finding | undefined {
    const e = net(ctx.experiment);
    if (!e) return undefined;
    const layers = persistentLayers(ctx, (h) => h.deadFraction);
    if (layers.length === 0) return undefined;
    const worst = layers.reduce((a, b) => (b.fraction > a.fraction ? b : a));
    const lr = learningRate(ctx);
    const bias = e.model.init.bias;
    const fixes: SuggestedFix[] = [];
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

  check(ctx: DetectorContext): Finding | undefined {
    const e = net(ctx.experiment);
    if (!e) return undefined;
    const layers = persistentLayers(ctx, (h) => h.saturatedFraction);
    if (layers.length === 0) return undefined;
    const worst = layers.reduce((a, b) => (b.fraction > a.fraction ? b : a));
    const init = e.model.init;
    const fixes: SuggestedFix[] = [];
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
