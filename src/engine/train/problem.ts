/**
 * What the training loop needs from "the thing being optimized": a network on a dataset, or a
 * 2-D objective whose parameters are the point. The loop itself (run.ts, step.ts) is shared.
 */
import type { BinaryMetrics, HistogramRecord, StepRecord } from '../../shared/protocol';
import type { Optimizer } from '../optimizers';
import type { tf } from '../tf';
import type { StepInput } from './step';

export interface Evaluation {
  trainLoss: number;
  trainAccuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
  /** Classifiers: see EpochRecord.confusion / EpochRecord.binary. */
  confusion?: number[][];
  binary?: BinaryMetrics;
}

/**
 * Loss gradients on plain arrays, without tfjs and without moving the problem's own θ, for
 * instruments that evaluate many of them (the curvature probe: ~33 per call). Networks on the
 * native BLAS step have them (a gradient is a few sgemm calls: ~0.3 ms on the MNIST-shaped MLP at
 * batch 64 against ~3 ms for tfjs' on WASM), and so do small nets on the JS step (~0.05 ms on
 * 2-16-16-1 against ~2 ms through tfjs' ~100 kernels).
 */
export interface ArrayGradients {
  /** θ_t: a fresh copy of each parameter, in `params` order. */
  theta(): Float32Array[];
  /**
   * Mean loss at `theta` on the minibatch of `step` (the one `loss(step)` uses), its gradient
   * written to `grads` (both in `params` order and sizes).
   */
  gradientAt(theta: readonly Float32Array[], step: number, grads: readonly Float32Array[]): number;
  /**
   * Hessian-vector products at `theta` on the minibatch of `step` by central differences of the
   * gradient, (∇L(θ+εv) − ∇L(θ−εv)) / 2ε written to `out`, for less than two gradientAt calls
   * cost; the function holds until the next call (`theta` must not change meanwhile).
   */
  centralDifferences?(theta: readonly Float32Array[], step: number): (v: readonly Float32Array[], eps: number, out: readonly Float32Array[]) => void;
}

export interface Problem {
  readonly params: tf.Variable[];
  /** Per layer, indices into `params` (per-layer norms); empty for objectives. */
  readonly layerGroups: number[][];
  readonly layerLabels: string[];
  readonly paramCount: number;
  /** Updates the run will do unless stopped early. */
  readonly totalSteps: number;
  /** Steps per epoch (1 for objectives and full-batch runs). */
  readonly stepsPerEpoch: number;
  /** True for objectives: records carry the point. */
  readonly tracksPoint: boolean;
  /** Mean loss at the current parameters on the (mini)batch of `step`. Call inside a tidy. */
  loss(step: number): tf.Scalar;
  /** Full training and validation evaluation (networks); undefined for objectives. */
  evaluate?(): Evaluation;
  /** Activation histograms at the current parameters (networks with hidden layers). */
  histograms?(step: number): HistogramRecord[];
  /** How to name coordinate `index` of `params[param]` in messages (custom modules: "W1[3,0]"); undefined: the MLP's names. */
  paramLabel?(param: number, index: number): string;
  /**
   * A whole step (gradients, update, statistics) without tfjs, for problems that have one (small
   * dense nets, engine/fused/): the record, or undefined when this optimizer needs the general path.
   */
  fusedStep?(optimizer: Optimizer, s: StepInput): StepRecord | undefined;
  /** Array gradients where the problem has a faster way than tfjs to compute them (see ArrayGradients). */
  readonly arrayGradients?: ArrayGradients;
  dispose(): void;
}
