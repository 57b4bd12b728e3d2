/**
 * Helpers for the optimizers' array form (`Optimizer.stepArrays`, used by the fused small-net
 * path): state buffers in JS, and float32 rounding. Each tfjs op rounds its result to float32 and
 * turns a JS number operand into a float32 scalar, so `f(a op b)` with float32 operands (`f` =
 * Math.fround) reproduces one tfjs op exactly for + − × ÷ and √ (a double result rounded once is
 * the correctly rounded float32 result for these). The array forms apply the same ops in the same
 * order as their tensor forms, so the two paths agree bit for bit on the CPU backend.
 */
import { zerosBeside } from '../fused/arrayKernels';

export const f = Math.fround;

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
