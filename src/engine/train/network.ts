/**
 * An MLP on a dataset as a Problem. Minibatches are consecutive row ranges of the training split
 * (shuffled once at load time), uploaded from `subarray` views; while the data is small the batch
 * tensors are uploaded once and reused.
 */
import type { NetworkExperiment } from '../../shared/experiment';
import type { HistogramRecord } from '../../shared/protocol';
import type { Dataset } from '../data/dataset';
import { PROBE_ROWS, probeHistograms } from '../instruments/probe';
import { Head } from '../model/loss';
import { Mlp } from '../model/mlp';
import { streamFor } from '../random';
import { tf } from '../tf';
import { classifierMetrics } from './classifierMetrics';
import type { Evaluation, Problem } from './problem';

/** Keep every batch on the backend when the training split is at most this many floats. */
const CACHE_FLOATS = 1 << 22;
/** Rows per forward pass when evaluating on the full data (bounds memory on big datasets). */
const EVAL_CHUNK = 8192;

interface Batch {
  x: tf.Tensor2D;
  y: tf.Tensor2D;
}

export function networkProblem(exp: NetworkExperiment, ds: Dataset, fused: boolean): Problem {
  return new NetworkProblem(exp, ds, fused);
}

class NetworkProblem implements Problem {
  readonly params: tf.Variable[];
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
  private readonly probe: tf.Tensor2D | undefined;

  constructor(
    exp: NetworkExperiment,
    private readonly ds: Dataset,
    fused: boolean,
  ) {
    this.head = new Head(exp.model.output, exp.model.loss, ds);
    this.model = new Mlp(exp.model, ds.nFeatures, this.head.units, streamFor(exp.seed, 'init'), fused);
    this.params = this.model.params;
    this.layerGroups = this.model.layerParamIndices;
    this.layerLabels = this.model.layers.map((l) => l.label);
    this.paramCount = this.model.paramCount;
    this.yTrain = this.head.encodeTargets(ds.yTrain);
    this.yVal = this.head.encodeTargets(ds.yVal);
    const bs = exp.training.batchSize;
    this.batchSize = Math.max(1, Math.min(bs && bs > 0 ? Math.floor(bs) : ds.nTrain, ds.nTrain));
    this.stepsPerEpoch = Math.ceil(ds.nTrain / this.batchSize);
    this.totalSteps = totalSteps(exp, this.stepsPerEpoch);
    // Uploaded up front (not lazily) so the tensor count is flat from the first step on.
    if (ds.xTrain.length + this.yTrain.length <= CACHE_FLOATS) {
      for (let i = 0; i < this.stepsPerEpoch; i++) this.cache.set(i, this.batch(i));
    }
    this.probe = this.model.layers.length > 1 ? this.rows(ds.xTrain, 0, Math.min(PROBE_ROWS, ds.nTrain)) : undefined;
  }

  loss(step: number): tf.Scalar {
    const b = this.batch(step % this.stepsPerEpoch);
    return this.head.lossOf(this.model.forward(b.x), b.y);
  }

  evaluate(): Evaluation {
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
    return this.probe ? probeHistograms(this.model, this.probe, step) : [];
  }

  dispose(): void {
    this.model.dispose();
    for (const b of this.cache.values()) {
      b.x.dispose();
      b.y.dispose();
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
    return { x: this.rows(this.ds.xTrain, lo, hi), y: this.targets(this.yTrain, lo, hi) };
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
