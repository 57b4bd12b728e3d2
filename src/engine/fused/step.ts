/**
 * A whole training step of a small dense net without tfjs kernels: read θ_t from the variables,
 * loss and gradients (denseNet.ts), the optimizer's array form, the step's statistics, and θ_t+1
 * written back. The tfjs Variables stay the single source of truth, so evaluation, histograms and
 * the instruments (which use tfjs) see every update, and nothing here can drift from them.
 *
 * Used when the net is small enough that per-kernel overhead dominates tfjs (see FUSED_MAX_WORK)
 * and the optimizer has an array form (sgd, momentum, nesterov, adagrad, rmsprop, adam).
 */
import type { StepRecord } from '../../shared/protocol';
import type { Optimizer } from '../optimizers';
import { tf } from '../tf';
import { norm32, sumSquares, type StepInput } from '../train/step';
import { FusedDenseNet, type FusedLayer, type HeadKind, type NetTrace } from './denseNet';
import { hostFloats } from './hostMemory';

/**
 * Largest rows × (multiply-adds per row, forward and backward) for which the fused path is used.
 * Measured with bench/fusedThreshold.ts against WASM+SIMD (2-core EPYC, loaded): the JS loops are
 * 10× faster on 2-16-16-1 at batch 32 (3·10⁴), 1.7× at 2.2·10⁵, 0.7–0.8× at 4–5·10⁵ (XNNPACK's
 * SIMD matmuls win once the per-kernel overhead stops dominating). Above it nets take the BLAS
 * step (blasStep.ts) when native kernels are loaded. That step is faster below it too (2.4× on
 * 2-16-16-1 at batch 32: sgemm and SIMD instead of float64 loops, and no write-back of θ to tfjs,
 * ~25 of this step's ~110 µs), but sums in float32: small nets keep this one, whose numbers are
 * the CPU backend's to the bit.
 */
export const FUSED_MAX_WORK = 250_000;

/** Keeps ‖Δθ‖/‖θ‖ finite for an all-zero layer, as train/step.ts. */
const TINY = 1e-12;

export class FusedStepper {
  private readonly net: FusedDenseNet;

  constructor(
    layers: FusedLayer[],
    head: HeadKind,
    maxRows: number,
    private readonly params: tf.Variable[],
    private readonly layerGroups: number[][],
  ) {
    this.net = new FusedDenseNet(layers, head, maxRows);
  }

  /** Whether a net of this shape and batch size is small enough to be faster here. */
  static worthIt(layers: FusedLayer[], rows: number): boolean {
    return rows * FusedDenseNet.flopsPerRow(layers) <= FUSED_MAX_WORK;
  }

  /**
   * The hidden layers' pre-activations and activations at θ_t on `rows` rows of x (see
   * FusedDenseNet.trace): θ read in place from the Variables, which hold it between steps.
   */
  trace(x: Float32Array, rows: number): NetTrace {
    // Views, safe here: nothing between these reads and the trace's end calls tfjs.
    return this.net.trace(this.params.map((p) => hostFloats(p)), x, rows);
  }

  /** The step on rows of x and y; undefined when the optimizer has no array form. */
  step(optimizer: Optimizer, s: StepInput, x: Float32Array, y: Float32Array, rows: number): StepRecord | undefined {
    if (!optimizer.stepArrays) return undefined;
    const params = this.params;
    // Read-only: on the CPU backend this is the variable's own buffer.
    const before = params.map((p) => p.dataSync() as Float32Array);
    const loss = this.net.lossAndGrads(before, x, y, rows);
    const grads = this.net.grads;
    const sq = grads.map(sumSquares);
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
    // Fresh arrays each step: the CPU backend keeps the array a tensor is made from as its storage.
    const after = before.map((b) => b.slice());
    optimizer.stepArrays(after, grads, s.lr);
    rec.updateRatios = this.layerGroups.map((idx) => {
      let d = 0;
      let w = 0;
      for (const i of idx) {
        const a = after[i];
        const b = before[i];
        for (let j = 0; j < a.length; j++) {
          const dj = a[j] - b[j];
          d += dj * dj;
          w += b[j] * b[j];
        }
      }
      return Math.fround(norm32(d) / (Math.sqrt(w) + TINY));
    });
    tf.tidy(() => params.forEach((p, i) => p.assign(tf.tensor(after[i], p.shape))));
    return rec;
  }
}
