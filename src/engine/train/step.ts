/**
 * One training step: loss and gradients at θ_t, gradient norms, the update, update/weight
 * ratios, (iterate averaging) the loss at θ̄_t, and (objectives) the point θ_t. Every scalar is
 * stacked into one tensor and read back with a single `dataSync`: one GPU→CPU transfer per step
 * for the plain optimizers. Line searches and Newton read the loss back during their update.
 */
import type { StepRecord } from '../../shared/protocol';
import type { Optimizer, StepContext, StepOutcome } from '../optimizers';
import { tf } from '../tf';
import type { Problem } from './problem';

/** Keeps ‖Δθ‖/‖θ‖ finite for an all-zero layer (it is then huge, which is the truth). */
const TINY = 1e-12;

export interface StepInput {
  step: number;
  epoch: number;
  lr: number;
  /** False for the final measurement after the last update. */
  update: boolean;
}

export function trainStep(problem: Problem, optimizer: Optimizer, s: StepInput): StepRecord {
  const params = problem.params;
  const groups = problem.layerGroups;
  // Set inside the tidy when the optimizer chose its own step size (line searches).
  const taken: { lr?: number } = {};
  const averaging = optimizer.lossAtAverage !== undefined;
  const packed = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => problem.loss(s.step), params);
    const g = params.map((p) => grads[p.name]);
    const ctx: StepContext = { loss: () => problem.loss(s.step), value, twiceDifferentiable: problem.tracksPoint };
    const avgLoss = optimizer.lossAtAverage ? [optimizer.lossAtAverage(params, ctx)] : [];
    const sq = g.map((t) => tf.sum(tf.square(t)));
    const globalNorm = tf.sqrt(tf.addN(sq));
    const layerNorms = groups.map((idx) => tf.sqrt(tf.addN(idx.map((i) => sq[i]))));
    const point = problem.tracksPoint ? [tf.reshape(params[0].clone(), [-1])] : [];
    let ratios: tf.Tensor[] = [];
    if (s.update) {
      // clone() shares the data, and assign() swaps the variable's data, so `before` stays θ_t.
      const before = params.map((p) => p.clone());
      const outcome: StepOutcome | void = optimizer.step(params, g, s.lr, ctx);
      if (outcome) taken.lr = outcome.lr;
      ratios = groups.map((idx) => {
        const dSq = tf.addN(idx.map((i) => tf.sum(tf.square(tf.sub(params[i], before[i])))));
        const wSq = tf.addN(idx.map((i) => tf.sum(tf.square(before[i]))));
        return tf.div(tf.sqrt(dSq), tf.add(tf.sqrt(wSq), TINY));
      });
    }
    const scalars = tf.stack([value, globalNorm, ...layerNorms, ...ratios, ...avgLoss]);
    return point.length ? tf.concat([scalars, ...point]) : scalars;
  });
  const v = packed.dataSync();
  packed.dispose();
  const nLayers = groups.length;
  const rec: StepRecord = {
    step: s.step,
    epoch: s.epoch,
    loss: v[0],
    lr: taken.lr ?? s.lr,
    gradNorm: v[1],
    layerGradNorms: Array.from(v.subarray(2, 2 + nLayers)),
    updateRatios: s.update ? Array.from(v.subarray(2 + nLayers, 2 + 2 * nLayers)) : [],
  };
  let off = 2 + (s.update ? 2 : 1) * nLayers;
  if (averaging) rec.avgLoss = v[off++];
  if (problem.tracksPoint) rec.point = [v[off], v[off + 1]];
  return rec;
}
