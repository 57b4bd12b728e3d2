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
import { arrayKernels, KernelArena } from './arrayKernels';
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

  /** A net with its own buffers, in a kernel arena of its own where WASM SIMD is available (the ReLU kernels work in place). */
  static standalone(layers: FusedLayer[], head: HeadKind, maxRows: number, k: NativeKernels): BlasDenseNet {
    const floats = layers.reduce((s, l) => s + 2 * (maxRows * l.nOut + 4) + l.nIn * l.nOut + l.nOut + 8, 0);
    const arena = KernelArena.create(floats);
    return new BlasDenseNet(layers, head, maxRows, k, (n) => arena?.alloc(n) ?? new Float32Array(n));
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
    return this.lossAndGradsInto(params, x, y, rows, this.grads);
  }

  /**
   * lossAndGrads with the gradients written to `grads` (params order and sizes) instead of this
   * net's own: a caller that needs two gradients at once keeps both.
   */
  lossAndGradsInto(params: readonly Float32Array[], x: Float32Array, y: Float32Array, rows: number, grads: readonly Float32Array[]): number {
    if (rows > this.maxRows) throw new Error(`BLAS net: ${rows} rows > ${this.maxRows}`);
    this.dense(x, params[0], params[1], this.out[0], rows, this.layers[0].nIn, this.layers[0].nOut);
    return this.fromFirstLayer(params, x, y, rows, grads, 1, 0);
  }

  /** z = x·W + b on `rows` rows (W is [nIn, nOut]). */
  dense(x: Float32Array, W: Float32Array, b: Float32Array, z: Float32Array, rows: number, nIn: number, nOut: number): void {
    this.k.sgemm(false, false, rows, nOut, nIn, 1, x, nIn, W, nOut, 0, z, nOut);
    // z += 1·b: one float32 rounding of the sum, as tfjs' matMul-then-add.
    this.k.sgemm(false, false, rows, nOut, 1, 1, this.ones, 1, b, nOut, 1, z, nOut);
  }

  /** The first layer's pre-activation buffer: `fromFirstLayer` starts from what it holds. */
  get firstPre(): Float32Array {
    return this.out[0];
  }

  /** dL/dz of the first layer after `fromFirstLayer`. */
  get firstPreGrad(): Float32Array {
    return this.dz[0];
  }

  /**
   * The pass after the first layer's affine map, whose result `firstPre` holds: the first
   * activation, the other layers, the loss, and the backward pass with each gradient G written as
   * grads ← alpha·G + beta·grads. The first layer's W and b gradients need its input `x`; without
   * it they are left alone (the caller has dL/dz₁ in `firstPreGrad`). Params of the first layer
   * are not read.
   */
  fromFirstLayer(params: readonly Float32Array[], x: Float32Array | undefined, y: Float32Array, rows: number, grads: readonly Float32Array[], alpha: number, beta: number): number {
    const { k, ones, layers } = this;
    activate(this.out[0], rows * layers[0].nOut, layers[0].activation);
    for (let i = 1; i < layers.length; i++) {
      const { nIn, nOut, activation } = layers[i];
      this.dense(this.out[i - 1], params[2 * i], params[2 * i + 1], this.out[i], rows, nIn, nOut);
      activate(this.out[i], rows * nOut, activation);
    }
    const last = layers.length - 1;
    const loss = this.headLoss(this.out[last], y, rows, layers[last].nOut, this.dz[last]);
    for (let i = last; i >= 0; i--) {
      const { nIn, nOut } = layers[i];
      const dz = this.dz[i];
      const input = i === 0 ? x : this.out[i - 1];
      if (input) {
        k.sgemm(true, false, nIn, nOut, rows, alpha, input, nIn, dz, nOut, beta, grads[2 * i], nOut);
        k.sgemm(false, false, 1, nOut, rows, alpha, ones, rows, dz, nOut, beta, grads[2 * i + 1], nOut);
      }
      if (i > 0) {
        k.sgemm(false, true, rows, nIn, nOut, 1, dz, nOut, params[2 * i], nOut, 0, this.dz[i - 1], nIn);
        activationGrad(this.dz[i - 1], this.out[i - 1], rows * nIn, layers[i - 1].activation);
      }
    }
    return loss;
  }
}

/**
 * Hessian-vector products of a BLAS net's loss by central differences of its gradient,
 * Hv ≈ (∇L(θ+εv) − ∇L(θ−εv)) / 2ε, at one θ on fixed rows, in half the big products of two
 * gradient evaluations. The first layer's products with the input x are most of a gradient's work
 * (784×128 of the MNIST MLP's 109k parameters), and the central difference is linear in them:
 * x·(W₁ ± εV₁) + b₁ ± εv_b = z₁ ± ε·(x·V₁ + v_b) with z₁ = x·W₁ + b₁ computed once per θ, and the
 * first layer's gradient difference is xᵀ·(dz₁⁺ − dz₁⁻)/2ε, one product instead of two. The other
 * layers run twice, on θ ± εv, their gradients subtracted inside sgemm (beta = 1). The same
 * quantity as two gradientAt calls, rounded differently (3e-5 apart at most on the test nets).
 */
export class BlasCentralDifferences {
  private readonly plus: BlasDenseNet;
  private readonly minus: BlasDenseNet;
  /** z₁ = x·W₁ + b₁ at θ, and x·V₁ + v_b per product; [maxRows, n₁] each. */
  private readonly z1: Float32Array;
  private readonly dir: Float32Array;
  /** θ ± εv for the layers after the first (the first's entries stay empty: never read). */
  private readonly thetaPlus: Float32Array[];
  private readonly thetaMinus: Float32Array[];
  private readonly ones: Float32Array;
  private at: { theta: readonly Float32Array[]; x: Float32Array; y: Float32Array; rows: number } | undefined;

  constructor(private readonly layers: FusedLayer[], head: HeadKind, private readonly maxRows: number, private readonly k: NativeKernels) {
    this.plus = BlasDenseNet.standalone(layers, head, maxRows, k);
    this.minus = BlasDenseNet.standalone(layers, head, maxRows, k);
    const n1 = layers[0].nOut;
    this.z1 = new Float32Array(maxRows * n1);
    this.dir = new Float32Array(maxRows * n1);
    const later = (): Float32Array[] => layers.flatMap((l, i) => (i === 0 ? [new Float32Array(0), new Float32Array(0)] : [new Float32Array(l.nIn * l.nOut), new Float32Array(l.nOut)]));
    this.thetaPlus = later();
    this.thetaMinus = later();
    this.ones = new Float32Array(maxRows).fill(1);
  }

  /** Fixes θ and the rows for the products that follow (θ must not change while they are taken). */
  prepare(theta: readonly Float32Array[], x: Float32Array, y: Float32Array, rows: number): void {
    if (rows > this.maxRows) throw new Error(`BLAS net: ${rows} rows > ${this.maxRows}`);
    const { nIn, nOut } = this.layers[0];
    this.plus.dense(x, theta[0], theta[1], this.z1, rows, nIn, nOut);
    this.at = { theta, x, y, rows };
  }

  /** Hv at the prepared θ along v (params order), into `out`; ε the difference step. */
  product(v: readonly Float32Array[], eps: number, out: readonly Float32Array[]): void {
    const at = this.at;
    if (!at) throw new Error('BlasCentralDifferences: prepare first');
    const { theta, x, y, rows } = at;
    const { nIn, nOut } = this.layers[0];
    const n = rows * nOut;
    this.plus.dense(x, v[0], v[1], this.dir, rows, nIn, nOut);
    plusMinus(this.z1, this.dir, eps, this.plus.firstPre, this.minus.firstPre, n);
    for (let p = 2; p < theta.length; p++) plusMinus(theta[p], v[p], eps, this.thetaPlus[p], this.thetaMinus[p], theta[p].length);
    const inv = 1 / (2 * eps);
    this.plus.fromFirstLayer(this.thetaPlus, undefined, y, rows, out, inv, 0);
    this.minus.fromFirstLayer(this.thetaMinus, undefined, y, rows, out, -inv, 1);
    // The first layer: xᵀ·(dz₁⁺ − dz₁⁻)/2ε and its column sums, the difference taken in place.
    const dp = this.plus.firstPreGrad;
    subtract(dp, this.minus.firstPreGrad, n);
    this.k.sgemm(true, false, nIn, nOut, rows, inv, x, nIn, dp, nOut, 0, out[0], nOut);
    this.k.sgemm(false, false, 1, nOut, rows, inv, this.ones, rows, dp, nOut, 0, out[1], nOut);
  }
}

/** plus = a + ε·d, minus = a − ε·d on the first n values. */
function plusMinus(a: Float32Array, d: Float32Array, eps: number, plus: Float32Array, minus: Float32Array, n: number): void {
  for (let j = 0; j < n; j++) {
    const e = eps * d[j];
    plus[j] = a[j] + e;
    minus[j] = a[j] - e;
  }
}

/** a ← a − b on the first n values. */
function subtract(a: Float32Array, b: Float32Array, n: number): void {
  for (let j = 0; j < n; j++) a[j] -= b[j];
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
