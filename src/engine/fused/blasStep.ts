/**
 * A whole training step of a dense net on the native BLAS kernels (blasNet.ts), for nets too big
 * for the JS small-net step: loss and gradients, the optimizer's array form, the step's
 * statistics (as train/step.ts and step.ts define them).
 *
 * The statistics come with the update when the optimizer has stepArraysWithSums (SGD, momentum,
 * Adam): its SIMD pass sums Σg², Σ(θ_t+1 − θ_t)² and Σθ_t² as it goes, so θ_t need not be copied
 * or read again. Other optimizers update a copy of θ, and the native kernels sum after.
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
import { arrayKernels, KernelArena, STEP_SUMS } from './arrayKernels';
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
  /**
   * Where θ_t+1 is computed while θ_t is still needed (the update ratios), then the two swap: for
   * optimizers without stepArraysWithSums only, so made on their first step.
   */
  private spare: Float32Array[] | undefined;
  /**
   * θ is as the last summed update left it, with its float32 squares summing to under 1e38 (see
   * summedUpdate): the next pass's float32 Σθ² cannot overflow. False: θ came from elsewhere.
   */
  private bounded = false;
  /** The Variables' data when θ was last read from or written to them (none yet: read them). */
  private ids: DataId[] = [];
  /** θ has updates the Variables lack. */
  private pending = false;
  private readonly sums = new Float64Array(2);
  /** stepArraysWithSums' output (STEP_SUMS per parameter), and per parameter Σg², Σ(θ_t+1 − θ_t)², Σθ_t². */
  private readonly stepSums: Float64Array;
  private readonly gradSq: Float64Array;
  private readonly diffSq: Float64Array;
  private readonly thetaSq: Float64Array;
  private readonly alloc: (n: number) => Float32Array;
  /** Every parameter's index: the global gradient norm's group. */
  private readonly everyIndex: number[];

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
    this.alloc = alloc;
    this.theta = variables.map((v) => alloc(v.size));
    this.net = new BlasDenseNet(layers, head, maxRows, k, alloc);
    this.stepSums = new Float64Array(STEP_SUMS * variables.length);
    this.gradSq = new Float64Array(variables.length);
    this.diffSq = new Float64Array(variables.length);
    this.thetaSq = new Float64Array(variables.length);
    this.everyIndex = variables.map((_, i) => i);
  }

  /** The step with its statistics on rows of x and y; undefined when the optimizer has no array form. */
  step(optimizer: Optimizer, s: StepInput, x: Float32Array, y: Float32Array, rows: number): StepRecord | undefined {
    if (!optimizer.stepArrays) return undefined;
    this.adopt();
    const loss = this.net.lossAndGrads(this.theta, x, y, rows);
    const rec: StepRecord = { step: s.step, epoch: s.epoch, loss, lr: s.lr, gradNorm: 0, layerGradNorms: [], updateRatios: [] };
    if (!s.update) {
      this.setGradNorms(rec, this.net.grads.map((g) => this.k.sumSquares(g)));
    } else if (optimizer.stepArraysWithSums) {
      this.summedUpdate(rec, optimizer.stepArraysWithSums.bind(optimizer), s.lr);
    } else {
      this.copiedUpdate(rec, optimizer.stepArrays.bind(optimizer), s.lr);
    }
    return rec;
  }

  /** The update with its sums from the optimizer's own pass (stepArraysWithSums). */
  private summedUpdate(rec: StepRecord, update: (p: Float32Array[], g: Float32Array[], lr: number, sums: Float64Array) => void, lr: number): void {
    const { gradSq, diffSq, thetaSq } = this;
    // The pass's float32 Σθ² would be Infinity past |θ| = 1.8e19, where the ratio's float64
    // denominator is finite: unless θ is known to be far from that, it is summed first.
    const checked = !this.bounded;
    if (checked) this.squaresOfTheta(thetaSq);
    const sums = this.stepSums;
    update(this.theta, this.net.grads, lr, sums);
    this.pending = true;
    let bounded = true;
    for (let i = 0; i < gradSq.length; i++) {
      gradSq[i] = sums[STEP_SUMS * i];
      diffSq[i] = sums[STEP_SUMS * i + 1];
      if (!checked) thetaSq[i] = sums[STEP_SUMS * i + 2];
      // θ_t+1² ≤ 2θ_t² + 2(θ_t+1 − θ_t)² entry by entry: the next pass's sums of θ² (and any part
      // of them) stay under this, far below float32's 3.4e38. NaN: not bounded.
      bounded &&= 2 * (thetaSq[i] + diffSq[i]) < 1e38;
    }
    this.bounded = bounded;
    this.setGradNorms(rec, gradSq);
    this.setRatios(rec, diffSq, thetaSq);
  }

  /** The update on a copy of θ, then the native sums over the gradients and θ_t+1 − θ_t. */
  private copiedUpdate(rec: StepRecord, update: (p: Float32Array[], g: Float32Array[], lr: number) => void, lr: number): void {
    const theta = this.theta;
    const grads = this.net.grads;
    this.setGradNorms(rec, grads.map((g) => this.k.sumSquares(g)));
    const next = (this.spare ??= theta.map((t) => this.alloc(t.length)));
    for (let i = 0; i < next.length; i++) next[i].set(theta[i]);
    update(next, grads, lr);
    const diffSq: number[] = [];
    const before: number[] = [];
    for (let i = 0; i < next.length; i++) {
      this.k.diffSquares(next[i], theta[i], this.sums);
      diffSq.push(this.sums[0]);
      before.push(this.sums[1]);
    }
    this.setRatios(rec, diffSq, before);
    this.spare = theta;
    this.theta = next;
    this.bounded = false;
    this.pending = true;
  }

  /** Σθ² per parameter into `out`: the SIMD sum, or the native float64 one where float32 overflows. */
  private squaresOfTheta(out: Float64Array): void {
    const simd = arrayKernels();
    this.theta.forEach((t, i) => {
      const w = simd ? simd.sumSquares(t) : Infinity;
      out[i] = w === Infinity ? this.k.sumSquares(t) : w;
    });
  }

  private setGradNorms(rec: StepRecord, gradSq: ArrayLike<number>): void {
    const groups = this.layerGroups;
    rec.gradNorm = norm32(sumOf(gradSq, this.everyIndex));
    rec.layerGradNorms = new Array<number>(groups.length);
    for (let l = 0; l < groups.length; l++) rec.layerGradNorms[l] = norm32(sumOf(gradSq, groups[l]));
  }

  private setRatios(rec: StepRecord, diffSq: ArrayLike<number>, thetaSq: ArrayLike<number>): void {
    const groups = this.layerGroups;
    rec.updateRatios = new Array<number>(groups.length);
    for (let l = 0; l < groups.length; l++) {
      rec.updateRatios[l] = Math.fround(norm32(sumOf(diffSq, groups[l])) / (Math.sqrt(sumOf(thetaSq, groups[l])) + TINY));
    }
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
      this.bounded = false;
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
    this.bounded = false;
  }
}

/** Σ xs[i] over the indices, in their order (float64). */
function sumOf(xs: ArrayLike<number>, idx: number[]): number {
  let s = 0;
  for (const i of idx) s += xs[i];
  return s;
}
