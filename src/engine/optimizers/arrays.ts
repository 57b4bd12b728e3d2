/**
 * Helpers for the optimizers' array form (`Optimizer.stepArrays`, used by the fused small-net
 * path): state buffers in JS, and the step sums of short arrays. Each tfjs op rounds its result
 * to float32 and turns a JS number operand into a float32 scalar, so `f(a op b)` with float32
 * operands (`f` = Math.fround) reproduces one tfjs op exactly for + − × ÷ and √ (a double result
 * rounded once is the correctly rounded float32 result for these). The array forms apply the same
 * ops in the same order as their tensor forms, so the two paths agree bit for bit on the CPU backend.
 *
 * Each optimizer binds its own `const f = Math.fround`: run from the sources (tsx: tests, bench)
 * an imported binding is a getter on the module object, called at every use, and Adam's loop, too
 * big for the getters to be inlined, took ~100 ns per parameter instead of ~10. Bundles are not affected.
 */
import { STEP_SUMS, zerosBeside } from '../fused/arrayKernels';

/**
 * The step sums (fused/arrayKernels.ts STEP_SUMS) of a parameter a JS loop updated from `before`
 * to `after`, in float64, into sums[at…]: for the arrays the SIMD kernels do not take.
 */
export function stepSumsJs(g: Float32Array, before: Float32Array, after: Float32Array, sums: Float64Array, at: number): void {
  let gg = 0;
  let dd = 0;
  let ww = 0;
  for (let j = 0; j < after.length; j++) {
    const d = after[j] - before[j];
    gg += g[j] * g[j];
    dd += d * d;
    ww += before[j] * before[j];
  }
  sums[at] = gg;
  sums[at + 1] = dd;
  sums[at + 2] = ww;
}

/** Where parameter i's step sums go in a stepArraysWithSums `sums` array. */
export const sumsAt = (i: number): number => STEP_SUMS * i;

/**
 * Per-parameter state arrays (velocity, moments…), zero-initialised on first use; beside the
 * parameters when those live in WASM memory, where the SIMD kernels use both in place.
 */
export class ArraySlots {
  private slots: Float32Array[] | undefined;

  get(params: Float32Array[]): Float32Array[] {
    if (!this.slots) this.slots = params.map(zerosBeside);
    return this.slots;
  }
}
