/**
 * A whole training step of a dense net on the native BLAS kernels (blasNet.ts), for nets too big
 * for the JS small-net step: loss and gradients, the optimizer's array form, the step's
 * statistics (as train/step.ts and step.ts define them, summed by the native kernels).
 *
 * Unlike step.ts, the parameters live here between steps, in Float32Arrays; the tfjs Variables
 * are written only when something is about to read them (`sync`). On the MNIST-shaped MLP,
 * reading θ back and uploading θ' every step (2 × 436 KB, with the allocations) takes ~0.1 ms on
 * WASM, a quarter of the whole BLAS step at batch 64. Readers (evaluation, histograms, instruments,
 * checkpoints, the landscape) all go through the problem, which calls `sync` first
 * (train/network.ts). Whoever assigns the Variables afterwards (an instrument's perturbation
 * and restore, the landscape) wins: the next step re-reads them when their data changed.
 */
import type { StepRecord } from '../../shared/protocol';
import type { NativeKernels } from '../native/kernels';
import type { Optimizer } from '../optimizers';
import { tf } from '../tf';
import { norm32, type StepInput } from '../train/step';
import { KernelArena } from './arrayKernels';
import { BlasDenseNet, type BlasTrace } from './blasNet';
import type { FusedLayer, HeadKind } from './denseNet';
import { hostFloats } from './hostMemory';

/** Keeps ‖Δθ‖/‖θ‖ finite for an all-zero layer, as train/step.ts. */
const TINY = 1e-12;

type DataId = tf.Tensor['dataId'];

export class BlasStepper {
  private readonly net: BlasDenseNet;
  /** θ_t, in params order [W1, b1, W2, b2, …]. */
  private theta: Float32Array[];
  /** Where θ_t+1 is computed while θ_t is still needed (the update ratios); then the two swap. */
  private spare: Float32Array[];
  /** The Variables' data when θ was last read from or written to them (none yet: read them). */
  private ids: DataId[] = [];
  /** θ has updates the Variables lack. */
  private pending = false;
  private readonly sums = new Float64Array(2);

  constructor(
    layers: FusedLayer[],
    head: HeadKind,
    maxRows: number,
    private readonly variables: tf.Variable[],
    private readonly layerGroups: number[][],
    private readonly k: NativeKernels,
  ) {
    // θ, θ_t+1, the gradients and up to three optimizer state slots (Adam with AMSGrad) per
    // parameter, and the activations and their gradients: all where the SIMD kernels use them in place.
    const size = variables.reduce((s, v) => s + v.size + 4, 0);
    const activations = layers.reduce((s, l) => s + 2 * (maxRows * l.nOut + 4), 0);
    const arena = KernelArena.create(6 * size + activations);
    const alloc = (n: number) => arena?.alloc(n) ?? new Float32Array(n);
    this.theta = variables.map((v) => alloc(v.size));
    this.spare = variables.map((v) => alloc(v.size));
    this.net = new BlasDenseNet(layers, head, maxRows, k, alloc);
  }

  /** The step with its statistics on rows of x and y; undefined when the optimizer has no array form. */
  step(optimizer: Optimizer, s: StepInput, x: Float32Array, y: Float32Array, rows: number): StepRecord | undefined {
    if (!optimizer.stepArrays) return undefined;
    this.adopt();
    const theta = this.theta;
    const loss = this.net.lossAndGrads(theta, x, y, rows);
    const grads = this.net.grads;
    const sq = grads.map((g) => this.k.sumSquares(g));
    const rec: StepRecord = {
      step: s.step,
      epoch: s.epoch,
      loss,
      lr: s.lr,
      gradNorm: norm32(sq.reduce((a, b) => a + b, 0)),
      layerGradNorms: this.layerGroups.map((idx) => norm32(idx.reduce((a, i) => a + sq[i], 0))),
      updateRatios: [],
    };
    if (!s.update) return rec;
    const next = this.spare;
    for (let i = 0; i < next.length; i++) next[i].set(theta[i]);
    optimizer.stepArrays(next, grads, s.lr);
    const sums = this.sums;
    rec.updateRatios = this.layerGroups.map((idx) => {
      let d = 0;
      let w = 0;
      for (const i of idx) {
        this.k.diffSquares(next[i], theta[i], sums);
        d += sums[0];
        w += sums[1];
      }
      return Math.fround(norm32(d) / (Math.sqrt(w) + TINY));
    });
    this.spare = theta;
    this.theta = next;
    this.pending = true;
    return rec;
  }

  /**
   * The same update without statistics (no θ_t kept, no sums): the loss, or undefined when the
   * optimizer has no array form. The benchmark's "diagnostics off" loop.
   */
  bareStep(optimizer: Optimizer, s: StepInput, x: Float32Array, y: Float32Array, rows: number): number | undefined {
    if (!optimizer.stepArrays) return undefined;
    this.adopt();
    const loss = this.net.lossAndGrads(this.theta, x, y, rows);
    if (s.update) {
      optimizer.stepArrays(this.theta, this.net.grads, s.lr);
      this.pending = true;
    }
    return loss;
  }

  /** The hidden layers' pre-activations and activations at θ_t on `rows` rows of x (see BlasDenseNet.trace). */
  trace(x: Float32Array, rows: number): BlasTrace {
    this.adopt();
    return this.net.trace(this.theta, x, rows);
  }

  /** Writes θ to the Variables if they lag behind; call before anything reads them. */
  sync(): void {
    if (!this.pending) return;
    // A copy: the CPU backend keeps the array a tensor is made from as its storage.
    tf.tidy(() => this.variables.forEach((v, i) => v.assign(tf.tensor(this.theta[i].slice(), v.shape))));
    this.ids = this.variables.map((v) => v.dataId);
    this.pending = false;
  }

  /** Reads θ from the Variables on the first step and whenever they were assigned since. */
  private adopt(): void {
    const vs = this.variables;
    if (this.ids.length === vs.length && vs.every((v, i) => v.dataId === this.ids[i])) return;
    vs.forEach((v, i) => this.theta[i].set(hostFloats(v)));
    this.ids = vs.map((v) => v.dataId);
    this.pending = false;
  }
}
