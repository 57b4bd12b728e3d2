/**
 * The optional native kernels: a BLAS sgemm (and the step statistics' float64 sums) from a small
 * N-API addon (native/) that dlopens an optimized BLAS already on the machine (OpenBLAS, MKL,
 * BLIS, Apple Accelerate). Dense nets too big for the JS small-net step train through them on any
 * tfjs backend; without the addon (not built, no BLAS found, turned off) everything runs on tfjs.
 *
 * Why native: a Dense layer's two big matmuls are ~30 MFLOP per step on the MNIST-shaped MLP.
 * WASM has 128-bit SIMD only, so its best matmul reaches ~20 GFLOPS here, while a BLAS with
 * AVX2/AVX-512 reaches ~110 GFLOPS on one thread: what PyTorch users get.
 *
 * This module only holds the current choice; loading is in ./load.ts.
 */

export interface NativeKernels {
  /** The BLAS in use, for the status bar and logs, e.g. "OpenBLAS 0.3.21 (libopenblas.so.0)". */
  readonly library: string;
  /**
   * C ← alpha·op(A)·op(B) + beta·C on row-major float32 matrices, one thread (cblas_sgemm).
   * op(A) is m×k, op(B) is k×n, C is m×n; lda/ldb/ldc are the row strides of A, B, C as stored.
   * Arrays may be subarray views; the kernel reads from their byteOffset.
   */
  sgemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float32Array,
    lda: number,
    b: Float32Array,
    ldb: number,
    beta: number,
    c: Float32Array,
    ldc: number,
  ): void;
  /** Σ a² in float64, the same bits as fused/heapStats.ts sumSquaresJs (its four accumulators). */
  sumSquares(a: Float32Array): number;
  /**
   * Σ (after − before)² and Σ before² in float64 (the step's update ratio) into out[0] and out[1],
   * the same bits as reference.ts (stepSumsJs's four accumulators).
   */
  diffSquares(after: Float32Array, before: Float32Array, out: Float64Array): void;
  /** The optimizers' updates, where the addon has them for this CPU (fused/arrayKernels.ts uses them). */
  readonly updates?: NativeUpdates;
}

/**
 * The WASM kernels of fused/arrayKernels.wat (sgd, momentum, adam and their *Sums forms) on any
 * Float32Arrays in place (subarrays and views of WASM memory too), with AVX-512 or AVX2: the same
 * bits for θ and the optimizer state as the JS loops. Given `sums`, Σg², Σ(θ' − θ)², Σθ² (θ as it
 * was) into sums[at], [at + 1], [at + 2], summed as the *Sums kernels do (float32 within blocks
 * of 256 floats, then float64). Constants are float32 values (Math.fround'ed), as the kernels take.
 */
export interface NativeUpdates {
  /** The instruction set in use ("avx512f", "avx2"); with a name, switches to it first (tests). */
  isa(name?: string): string;
  /** θ ← θ − a·g */
  sgdUpdate(p: Float32Array, g: Float32Array, a: number, sums?: Float64Array, at?: number): void;
  /** v ← μ·v + g; θ ← θ − a·v, or with Nesterov θ ← θ − a·(g + μ·v) */
  momentumUpdate(p: Float32Array, g: Float32Array, v: Float32Array, mu: number, a: number, nesterov: boolean, sums?: Float64Array, at?: number): void;
  /** Adam (arrayKernels.ts AdamConstants); vMax for AMSGrad. */
  adamUpdate(
    p: Float32Array,
    g: Float32Array,
    m: Float32Array,
    v: Float32Array,
    vMax: Float32Array | undefined,
    b1: number,
    c1: number,
    b2: number,
    c2: number,
    minusStep: number,
    bc2Sqrt: number,
    eps: number,
    sums?: Float64Array,
    at?: number,
  ): void;
}

let current: NativeKernels | undefined;

/** The native kernels the engine uses now, if any (set by backend selection, or by tests). */
export function nativeKernels(): NativeKernels | undefined {
  return current;
}

/** Makes `k` the kernels the engine uses from now on (undefined: tfjs and JS only). */
export function useNativeKernels(k: NativeKernels | undefined): void {
  current = k;
}
