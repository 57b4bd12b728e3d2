/** Checks shared by the tests of the optimizers' array kernels (WASM SIMD and native). */
import * as assert from 'node:assert/strict';

/** Indices where a and b differ as bits (+0 and −0 differ; NaNs are equal). */
export function differing(a: Float32Array, b: Float32Array): number[] {
  assert.equal(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) out.push(i);
  return out;
}

/** Σg², Σ(after − before)², Σbefore² in float64: what a stepArraysWithSums call should report. */
export function exactSums(g: Float32Array, before: Float32Array, after: Float32Array): number[] {
  let gg = 0;
  let dd = 0;
  let ww = 0;
  for (let i = 0; i < g.length; i++) {
    gg += g[i] * g[i];
    dd += (after[i] - before[i]) ** 2;
    ww += before[i] * before[i];
  }
  return [gg, dd, ww];
}

/** |got − want| ≤ rel·want, plus the float32 underflow the kernels allow (n·2⁻¹⁴⁹). */
export function assertClose(got: number, want: number, n: number, rel: number, what: string): void {
  assert.ok(Math.abs(got - want) <= rel * want + n * 2 ** -149, `${what}: ${got} vs ${want}`);
}
