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
  dispose(): void;
}
