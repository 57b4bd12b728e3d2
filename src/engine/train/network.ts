/**
 * An MLP on a dataset as a Problem. Minibatches are consecutive row ranges of the training split
 * (shuffled once at load time), uploaded from `subarray` views; while the data is small the batch
 * tensors are uploaded once and reused. Small nets train through the fused JS step
 * (engine/fused/), which reads the same rows straight from the arrays; bigger ones, when the
 * native BLAS kernels are loaded (engine/native/), through the BLAS step, which keeps θ in its
 * own arrays between steps: every reader of the Variables here goes through `params` or a method
 * of this problem, and both write θ back first (`sync`).
 */
import type { NetworkExperiment } from '../../shared/experiment';
import type { HistogramRecord, StepRecord } from '../../shared/protocol';
import type { Dataset } from '../data/dataset';
import { BlasCentralDifferences, BlasDenseNet } from '../fused/blasNet';
import { BlasStepper } from '../fused/blasStep';
import { FusedDenseNet, headKind } from '../fused/denseNet';
import { hostFloats } from '../fused/hostMemory';
import { FusedStepper } from '../fused/step';
import { nativeKernels } from '../native/kernels';
import { histogramRecords, PROBE_ROWS, probeHistograms } from '../instruments/probe';
import { Head } from '../model/loss';
import { Mlp } from '../model/mlp';
import type { Optimizer } from '../optimizers';
import { streamFor } from '../random';
import { tf } from '../tf';
import { classifierMetrics } from './classifierMetrics';
import { blasArrayGradients, fusedArrayGradients } from './arrayGradients';
import type { ArrayGradients, Evaluation, Problem } from './problem';
import type { StepInput } from './step';

/** Keep every batch on the backend when the training split is at most this many floats. */
const CACHE_FLOATS = 1 << 22;
/** Rows per forward pass when evaluating on the full data (bounds memory on big datasets). */
const EVAL_CHUNK = 8192;

interface Batch {
  x: tf.Tensor2D;
  y: tf.Tensor2D;
  /** x transposed, for the fused (WASM) first layer's weight gradient. */
  xT?: tf.Tensor2D;
}

/**
 * Which step trains the net: `auto` the fused JS step for small nets, the BLAS step for bigger ones
 * when native kernels are loaded, else tfjs; `never` tfjs only (tests compare); `always` the fused
 * JS step (bench/); `blas` the BLAS step whatever the size (tests; an error without native kernels).
 */
export type SmallNetPath = 'auto' | 'never' | 'always' | 'blas';

/** Which step a network problem takes (for optimizers with an array form; the others use tfjs). */
export type StepPath = 'js' | 'blas' | 'tfjs';

export interface NetworkProblem extends Problem {
  readonly stepPath: StepPath;
  /**
   * One update without the step statistics where the path allows it (the BLAS step; the fused JS
   * step computes them anyway): the loss, or undefined for the tfjs path. The bench's bare loop.
   */
  bareFusedStep(optimizer: Optimizer, s: StepInput): number | undefined;
}

/** `fused`: the WASM dense kernels (model/dense.ts). */
export function networkProblem(exp: NetworkExperiment, ds: Dataset, fused: boolean, smallNetPath: SmallNetPath = 'auto'): NetworkProblem {
  return new MlpProblem(exp, ds, fused, smallNetPath);
}

class MlpProblem implements NetworkProblem {
  readonly layerGroups: number[][];
  readonly layerLabels: string[];
  readonly paramCount: number;
  readonly totalSteps: number;
  readonly stepsPerEpoch: number;
  readonly tracksPoint = false;
  private readonly model: Mlp;
  private readonly head: Head;
  private readonly batchSize: number;
  private readonly yTrain: Float32Array;
  private readonly yVal: Float32Array;
  private readonly cache = new Map<number, Batch>();
  /** The probe rows for the tfjs path's histograms (the fused steps trace the arrays). */
  private readonly probe: tf.Tensor2D | undefined;
  private readonly small: FusedStepper | undefined;
  private readonly blas: BlasStepper | undefined;
  /** The model's Variables, [W1, b1, W2, b2, …]; read them through `params`. */
  private readonly variables: tf.Variable[];
  /** Batches carry xᵀ (the fused WASM dense layers, model/dense.ts). */
  private readonly transposed: boolean;
  /** On the BLAS and the fused JS step: gradients on the same kernels, for the instruments. */
  readonly arrayGradients?: ArrayGradients;

  constructor(
    exp: NetworkExperiment,
    private readonly ds: Dataset,
    fused: boolean,
    smallNetPath: SmallNetPath,
  ) {
    this.transposed = fused;
    this.head = new Head(exp.model.output, exp.model.loss, ds);
    this.model = new Mlp(exp.model, ds.nFeatures, this.head.units, streamFor(exp.seed, 'init'), fused);
    this.variables = this.model.params;
    this.layerGroups = this.model.layerParamIndices;
    this.layerLabels = this.model.layers.map((l) => l.label);
    this.paramCount = this.model.paramCount;
    this.yTrain = this.head.encodeTargets(ds.yTrain);
    this.yVal = this.head.encodeTargets(ds.yVal);
    const bs = exp.training.batchSize;
    this.batchSize = Math.max(1, Math.min(bs && bs > 0 ? Math.floor(bs) : ds.nTrain, ds.nTrain));
    this.stepsPerEpoch = Math.ceil(ds.nTrain / this.batchSize);
    this.totalSteps = totalSteps(exp, this.stepsPerEpoch);
    const head = headKind(exp.model.output, exp.model.loss);
    const shape = this.model.layers.map((l) => ({ nIn: l.W.shape[0], nOut: l.units, activation: l.activation }));
    const small = head !== undefined && (smallNetPath === 'always' || (smallNetPath === 'auto' && FusedStepper.worthIt(shape, this.batchSize)));
    const kernels = nativeKernels();
    if (smallNetPath === 'blas' && !kernels) throw new Error('the BLAS step needs native kernels (useNativeKernels)');
    if (head && small) {
      this.small = new FusedStepper(shape, head, this.batchSize, this.variables, this.layerGroups);
      const theta = () => this.variables.map((v) => hostFloats(v).slice());
      this.arrayGradients = fusedArrayGradients(theta, (step) => this.batchArrays(step), () => new FusedDenseNet(shape, head, this.batchSize));
    } else if (head && kernels && (smallNetPath === 'blas' || smallNetPath === 'auto')) {
      this.blas = new BlasStepper(shape, head, this.batchSize, this.variables, this.layerGroups, kernels);
      // θ through `params`: the step writes its θ to the Variables first, and whatever an instrument assigned since is seen.
      const theta = () => this.params.map((v) => hostFloats(v).slice());
      this.arrayGradients = blasArrayGradients(
        theta,
        (step) => this.batchArrays(step),
        () => BlasDenseNet.standalone(shape, head, this.batchSize, kernels),
        () => new BlasCentralDifferences(shape, head, this.batchSize, kernels),
      );
    }
    // Uploaded up front (not lazily) so the tensor count is flat from the first step on. The fused
    // small-net step reads the arrays; its batches are tiny to upload when tfjs needs one (an
    // optimizer without an array form, the instruments).
    if (!this.small && ds.xTrain.length + this.yTrain.length <= CACHE_FLOATS) {
      for (let i = 0; i < this.stepsPerEpoch; i++) this.cache.set(i, this.batch(i));
    }
    // Only the tfjs path's histograms need the probe rows as a tensor; the others trace the arrays.
    const tfjsHistograms = this.model.layers.length > 1 && !this.small && !this.blas;
    this.probe = tfjsHistograms ? this.rows(ds.xTrain, 0, Math.min(PROBE_ROWS, ds.nTrain)) : undefined;
  }

  /** The Variables, holding θ_t (the BLAS step writes its θ to them first). */
  get params(): tf.Variable[] {
    this.blas?.sync();
    return this.variables;
  }

  get stepPath(): StepPath {
    return this.small ? 'js' : this.blas ? 'blas' : 'tfjs';
  }

  fusedStep(optimizer: Optimizer, s: StepInput): StepRecord | undefined {
    const stepper = this.small ?? this.blas;
    if (!stepper) return undefined;
    const [x, y, rows] = this.batchArrays(s.step);
    return stepper.step(optimizer, s, x, y, rows);
  }

  bareFusedStep(optimizer: Optimizer, s: StepInput): number | undefined {
    if (this.small) return this.fusedStep(optimizer, s)?.loss;
    if (!this.blas) return undefined;
    const [x, y, rows] = this.batchArrays(s.step);
    return this.blas.bareStep(optimizer, s, x, y, rows);
  }



  /** The step's minibatch as views of the training arrays: x, y and the row count. */
  private batchArrays(step: number): [Float32Array, Float32Array, number] {
    const lo = (step % this.stepsPerEpoch) * this.batchSize;
    const hi = Math.min(lo + this.batchSize, this.ds.nTrain);
    const f = this.ds.nFeatures;
    const u = this.head.units;
    return [this.ds.xTrain.subarray(lo * f, hi * f), this.yTrain.subarray(lo * u, hi * u), hi - lo];
  }

  loss(step: number): tf.Scalar {
    this.blas?.sync();
    const b = this.batch(step % this.stepsPerEpoch);
    return this.head.lossOf(this.model.forward(b.x, b.xT), b.y);
  }

  evaluate(): Evaluation {
    this.blas?.sync();
    const sums = tf.tidy(() => {
      const train = this.sumsOver(this.ds.xTrain, this.yTrain, this.ds.nTrain);
      const val = this.ds.nVal > 0 ? this.sumsOver(this.ds.xVal, this.yVal, this.ds.nVal) : [tf.scalar(0), tf.scalar(0)];
      return tf.stack([...train, ...val]);
    });
    const [tl, tc, vl, vc] = sums.dataSync();
    sums.dispose();
    const cls = this.head.classification;
    const e: Evaluation = { trainLoss: tl / this.ds.nTrain };
    if (cls) e.trainAccuracy = tc / this.ds.nTrain;
    if (this.ds.nVal > 0) {
      e.valLoss = vl / this.ds.nVal;
      if (cls) e.valAccuracy = vc / this.ds.nVal;
    }
    if (cls && this.ds.classes) {
      const useVal = this.ds.nVal > 0;
      const n = useVal ? this.ds.nVal : this.ds.nTrain;
      const probs = this.probabilities(useVal ? this.ds.xVal : this.ds.xTrain, n);
      Object.assign(e, classifierMetrics(probs, this.head.units, useVal ? this.ds.yVal : this.ds.yTrain, this.ds.classes.length));
    }
    return e;
  }

  /** Predicted class probabilities, row-major [n, units], in chunks. */
  private probabilities(x: Float32Array, n: number): Float32Array {
    const out = new Float32Array(n * this.head.units);
    for (let lo = 0; lo < n; lo += EVAL_CHUNK) {
      const hi = Math.min(n, lo + EVAL_CHUNK);
      const p = tf.tidy(() => this.head.activate(this.model.forward(this.rows(x, lo, hi))));
      out.set(p.dataSync(), lo * this.head.units);
      p.dispose();
    }
    return out;
  }

  histograms(step: number): HistogramRecord[] {
    if (this.probe) return probeHistograms(this.model, this.probe, step);
    const hidden = this.model.layers.slice(0, -1);
    const stepper = this.blas ?? this.small;
    if (!stepper || hidden.length === 0) return [];
    // probeHistograms' records from the step's own forward pass on the same probe rows, without
    // tfjs: θ read where the step keeps it (MNIST MLP on BLAS ~1 ms a call against ~2.7 ms on
    // WASM; the tiny 2-16-16-1 net in JS ~0.25 ms against ~0.6 ms, half of it the histograms).
    const rows = Math.min(PROBE_ROWS, this.ds.nTrain);
    return histogramRecords(hidden, stepper.trace(this.ds.xTrain.subarray(0, rows * this.ds.nFeatures), rows), rows, step);
  }

  dispose(): void {
    this.model.dispose();
    for (const b of this.cache.values()) {
      b.x.dispose();
      b.y.dispose();
      b.xT?.dispose();
    }
    this.cache.clear();
    this.probe?.dispose();
  }

  /** The i-th minibatch of an epoch: rows [i·bs, min((i+1)·bs, n)). */
  private batch(i: number): Batch {
    const hit = this.cache.get(i);
    if (hit) return hit;
    // Not cacheable: created inside the caller's tidy and freed with it.
    const lo = i * this.batchSize;
    const hi = Math.min(lo + this.batchSize, this.ds.nTrain);
    const b: Batch = { x: this.rows(this.ds.xTrain, lo, hi), y: this.targets(this.yTrain, lo, hi) };
    if (this.transposed) b.xT = this.transposedRows(this.ds.xTrain, lo, hi);
    return b;
  }

  /** Rows [lo, hi) of x as an [nFeatures, rows] tensor, transposed in JS (cheaper than a kernel). */
  private transposedRows(x: Float32Array, lo: number, hi: number): tf.Tensor2D {
    const f = this.ds.nFeatures;
    const n = hi - lo;
    const t = new Float32Array(f * n);
    for (let r = 0; r < n; r++) {
      const o = (lo + r) * f;
      for (let k = 0; k < f; k++) t[k * n + r] = x[o + k];
    }
    return tf.tensor2d(t, [f, n]);
  }

  private rows(x: Float32Array, lo: number, hi: number): tf.Tensor2D {
    const f = this.ds.nFeatures;
    return tf.tensor2d(x.subarray(lo * f, hi * f), [hi - lo, f]);
  }

  private targets(y: Float32Array, lo: number, hi: number): tf.Tensor2D {
    const u = this.head.units;
    return tf.tensor2d(y.subarray(lo * u, hi * u), [hi - lo, u]);
  }

  /** [Σ loss·rows, correct count] over all rows, in chunks. */
  private sumsOver(x: Float32Array, y: Float32Array, n: number): [tf.Scalar, tf.Scalar] {
    let loss: tf.Scalar = tf.scalar(0);
    let correct: tf.Scalar = tf.scalar(0);
    for (let lo = 0; lo < n; lo += EVAL_CHUNK) {
      const hi = Math.min(n, lo + EVAL_CHUNK);
      const xb = this.rows(x, lo, hi);
      const yb = this.targets(y, lo, hi);
      const logits = this.model.forward(xb);
      loss = tf.add(loss, tf.mul(this.head.lossOf(logits, yb), hi - lo));
      if (this.head.classification) correct = tf.add(correct, this.head.correctCount(logits, yb));
    }
    return [loss, correct];
  }
}

/**
 * Networks: epochs × steps-per-epoch, bounded by `steps` when that is set (> 0); with no epochs,
 * `steps` alone.
 */
export function totalSteps(exp: NetworkExperiment, stepsPerEpoch: number): number {
  const { epochs, steps } = exp.training;
  const bound = Number.isFinite(steps) && steps > 0 ? Math.floor(steps) : Infinity;
  if (epochs !== undefined && epochs > 0) return Math.min(Math.floor(epochs) * stepsPerEpoch, bound);
  return Number.isFinite(bound) ? bound : stepsPerEpoch;
}
