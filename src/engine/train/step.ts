/**
 * One training step: loss and gradients at θ_t, gradient norms, the update, update/weight
 * ratios, (iterate averaging) the loss at θ̄_t, and (objectives) the point θ_t.
 *
 * Where the statistics are computed depends on where tensors live:
 * - `js` (the WASM and CPU backends: tensor memory is process memory): the gradients, θ_t (kept
 *   alive by a tensor that shares its data) and θ_t+1 are read in place and summed in one pass per
 *   parameter, as WASM SIMD over the backend's heap or in JS (fused/heapStats.ts), in float64.
 *   ~75 extra tfjs kernels per step (squares, sums, differences) would cost up to half the step on
 *   the MNIST MLP (bench/).
 * - `tensor` (native and GPU-like backends, where a read-back is a device transfer): the norms
 *   are tfjs ops, stacked into one tensor and read back with a single `dataSync`.
 * Both give the same numbers within float32 rounding (test/unit/engine/step.test.ts).
 * Problems with a fused step of their own (`Problem.fusedStep`, small dense nets) skip tfjs.
 * Line searches and Newton read the loss back during their update.
 */
import type { StepRecord } from '../../shared/protocol';
import type { Optimizer, StepContext, StepOutcome } from '../optimizers';
import { shareData, stepSums, sumSquaresJs, tensorSumSquares, type StepSums } from '../fused/heapStats';
import { hostFloats } from '../fused/hostMemory';
import { tf } from '../tf';
import type { Problem } from './problem';

/** Keeps ‖Δθ‖/‖θ‖ finite for an all-zero layer (it is then huge, which is the truth). */
const TINY = 1e-12;

/** Backends whose tensors are plain process memory: a read-back is a memcpy, not a transfer. */
const HOST_MEMORY_BACKENDS = new Set(['cpu', 'wasm']);

export type StatsMode = 'js' | 'tensor';

export interface StepInput {
  step: number;
  epoch: number;
  lr: number;
  /** False for the final measurement after the last update. */
  update: boolean;
}

/** `stats` forces where the norms are computed (tests); by default it follows the backend. */
export function trainStep(problem: Problem, optimizer: Optimizer, s: StepInput, stats?: StatsMode): StepRecord {
  const fast = problem.fusedStep?.(optimizer, s);
  if (fast) return fast;
  const mode = stats ?? (HOST_MEMORY_BACKENDS.has(tf.getBackend()) ? 'js' : 'tensor');
  return mode === 'js' ? stepWithJsStats(problem, optimizer, s) : stepWithTensorStats(problem, optimizer, s);
}

function stepWithJsStats(problem: Problem, optimizer: Optimizer, s: StepInput): StepRecord {
  const params = problem.params;
  const taken: { lr?: number } = {};
  const gradSq: number[] = [];
  const beforeSq: number[] = [];
  const diffSq: number[] = [];
  let point: [number, number] | undefined;
  const scalars = tf.tidy(() => {
    const { value, grads: gs } = tf.variableGrads(() => problem.loss(s.step), params);
    const g = params.map((p) => gs[p.name]);
    const ctx: StepContext = { loss: () => problem.loss(s.step), value, twiceDifferentiable: problem.tracksPoint };
    const avgLoss = optimizer.lossAtAverage ? [optimizer.lossAtAverage(params, ctx)] : [];
    if (problem.tracksPoint) {
      const v = hostFloats(params[0]);
      point = [v[0], v[1]];
    }
    if (s.update) {
      // A tensor sharing θ_t's data (a clone without the kernel) and assign() swapping the variable's
      // keep θ_t readable in place after the update: no copy of θ is kept between steps.
      const before = params.map(shareData);
      const outcome: StepOutcome | void = optimizer.step(params, g, s.lr, ctx);
      if (outcome) taken.lr = outcome.lr;
      const sums: StepSums = { grad: 0, diff: 0, before: 0 };
      params.forEach((p, i) => {
        stepSums(g[i], p, before[i], sums);
        gradSq.push(sums.grad);
        diffSq.push(sums.diff);
        beforeSq.push(sums.before);
      });
    } else {
      for (const t of g) gradSq.push(tensorSumSquares(t));
    }
    return avgLoss.length ? tf.stack([value, ...avgLoss]) : value;
  });
  const v = scalars.dataSync();
  scalars.dispose();
  const rec: StepRecord = {
    step: s.step,
    epoch: s.epoch,
    loss: v[0],
    lr: taken.lr ?? s.lr,
    gradNorm: norm32(sum(gradSq)),
    layerGradNorms: problem.layerGroups.map((idx) => norm32(sum(idx.map((i) => gradSq[i])))),
    updateRatios: s.update
      ? problem.layerGroups.map((idx) => {
          const d = sum(idx.map((i) => diffSq[i]));
          const w = sum(idx.map((i) => beforeSq[i]));
          return Math.fround(norm32(d) / (Math.sqrt(w) + TINY));
        })
      : [],
  };
  if (optimizer.lossAtAverage) rec.avgLoss = v[1];
  if (point) rec.point = point;
  return rec;
}

function stepWithTensorStats(problem: Problem, optimizer: Optimizer, s: StepInput): StepRecord {
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

/**
 * √(sum of squares) as the float32 tensor path reports it: infinite once the float32 sum
 * overflows, so a gradient blowing up is called "infinite" on every backend alike.
 */
export function norm32(sumOfSquares: number): number {
  return Math.fround(sumOfSquares) === Infinity ? Infinity : Math.fround(Math.sqrt(sumOfSquares));
}

function sum(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

/** Σ a² in float64 (the fused small-net step's gradient norms). */
export const sumSquares = sumSquaresJs;
