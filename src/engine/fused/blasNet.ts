/**
 * The dense net of denseNet.ts with its matrix products on a native BLAS (sgemm): the forward
 * affine z = x·W (+ b, a rank-1 sgemm into z), the weight gradient dW = xᵀ·dz, the bias gradient
 * db = 1ᵀ·dz and the input gradient dx = dz·Wᵀ. ReLU and its gradient run as WASM SIMD
 * (arrayKernels.ts); the other activations and the head's loss and gradient are FusedDenseNet's
 * JS loops.
 *
 * Why: on the MNIST-shaped MLP the products are ~30 MFLOP per step at batch 64, which OpenBLAS
 * does in ~0.27 ms on one thread here (the whole tfjs WASM step takes ~1.8 ms; the float64 JS
 * loops far more). Once they are that fast, branchy JS loops over rows × units (ReLU's sign tests,
 * unpredictable on half the values, ~4 ns per value) cost half as much again at batch 256
 * (0.6 ms against 1 ms of products), hence the SIMD ReLU and the sgemm bias and bias gradient.
 * BLAS sums in float32 in its own order, so results differ from the tfjs path by float32
 * rounding (test/unit/engine/fusedBlas.test.ts bounds it), not bit for bit.
 */
import type { NativeKernels } from '../native/kernels';
import { arrayKernels } from './arrayKernels';
import { activateInPlace, activationGradInPlace, FusedDenseNet, type FusedLayer, type HeadKind } from './denseNet';

/** Per hidden layer, its pre-activation z and activation a on the rows traced, [rows, units] each. */
export interface BlasTrace {
  pre: Float32Array[];
  act: Float32Array[];
}

export class BlasDenseNet extends FusedDenseNet {
  /** maxRows ones: the row vector that sums dz's rows and the column that broadcasts b. */
  private ones: Float32Array;
  /** `trace`'s buffers, sized for the rows of its first call. */
  private traced: BlasTrace | undefined;

  constructor(
    layers: FusedLayer[],
    head: HeadKind,
    maxRows: number,
    private readonly k: NativeKernels,
    alloc?: (n: number) => Float32Array,
  ) {
    super(layers, head, maxRows, alloc);
    this.ones = new Float32Array(maxRows).fill(1);
  }

  /**
   * The hidden layers' pre-activations and activations on `rows` rows of x, as Mlp.trace computes
   * them (the activation histograms); valid until the next call.
   */
  trace(params: Float32Array[], x: Float32Array, rows: number): BlasTrace {
    const hidden = this.layers.slice(0, -1);
    if (!this.traced || this.traced.pre[0].length < rows * hidden[0].nOut) {
      this.traced = { pre: hidden.map((l) => new Float32Array(rows * l.nOut)), act: hidden.map((l) => new Float32Array(rows * l.nOut)) };
    }
    if (this.ones.length < rows) this.ones = new Float32Array(rows).fill(1);
    const { pre, act } = this.traced;
    let h = x;
    hidden.forEach(({ nIn, nOut, activation }, i) => {
      this.k.sgemm(false, false, rows, nOut, nIn, 1, h, nIn, params[2 * i], nOut, 0, pre[i], nOut);
      this.k.sgemm(false, false, rows, nOut, 1, 1, this.ones, 1, params[2 * i + 1], nOut, 1, pre[i], nOut);
      act[i].set(pre[i].subarray(0, rows * nOut));
      activate(act[i], rows * nOut, activation);
      h = act[i];
    });
    return { pre: pre.map((p, i) => p.subarray(0, rows * hidden[i].nOut)), act: act.map((a, i) => a.subarray(0, rows * hidden[i].nOut)) };
  }

  override lossAndGrads(params: Float32Array[], x: Float32Array, y: Float32Array, rows: number): number {
    if (rows > this.maxRows) throw new Error(`BLAS net: ${rows} rows > ${this.maxRows}`);
    const { k, ones, layers } = this;
    let h = x;
    for (let i = 0; i < layers.length; i++) {
      const { nIn, nOut, activation } = layers[i];
      const z = this.out[i];
      k.sgemm(false, false, rows, nOut, nIn, 1, h, nIn, params[2 * i], nOut, 0, z, nOut);
      // z += 1·b: one float32 rounding of the sum, as tfjs' matMul-then-add.
      k.sgemm(false, false, rows, nOut, 1, 1, ones, 1, params[2 * i + 1], nOut, 1, z, nOut);
      activate(z, rows * nOut, activation);
      h = z;
    }
    const last = layers.length - 1;
    const loss = this.headLoss(this.out[last], y, rows, layers[last].nOut, this.dz[last]);
    for (let i = last; i >= 0; i--) {
      const { nIn, nOut } = layers[i];
      const dz = this.dz[i];
      const input = i === 0 ? x : this.out[i - 1];
      k.sgemm(true, false, nIn, nOut, rows, 1, input, nIn, dz, nOut, 0, this.grads[2 * i], nOut);
      k.sgemm(false, false, 1, nOut, rows, 1, ones, rows, dz, nOut, 0, this.grads[2 * i + 1], nOut);
      if (i > 0) {
        k.sgemm(false, true, rows, nIn, nOut, 1, dz, nOut, params[2 * i], nOut, 0, this.dz[i - 1], nIn);
        activationGrad(this.dz[i - 1], this.out[i - 1], rows * nIn, layers[i - 1].activation);
      }
    }
    return loss;
  }
}

function activate(a: Float32Array, n: number, act: FusedLayer['activation']): void {
  const simd = act === 'relu' ? arrayKernels() : undefined;
  if (simd) simd.relu(a, n);
  else activateInPlace(a, n, act);
}

function activationGrad(d: Float32Array, a: Float32Array, n: number, act: FusedLayer['activation']): void {
  const simd = act === 'relu' ? arrayKernels() : undefined;
  if (simd) simd.reluGrad(d, a, n);
  else activationGradInPlace(d, a, n, act);
}
