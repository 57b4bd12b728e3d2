/**
 * Adam exactly as torch.optim.Adam computes it (no weight decay):
 *   m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,  t ← t + 1
 *   amsgrad: v̂max ← max(v̂max, v), used in place of v below
 *   θ ← θ − (α / (1−β1^t)) · m / (√v / √(1−β2^t) + ε)
 * i.e. m̂ = m/(1−β1^t), v̂ = v/(1−β2^t), θ ← θ − α·m̂/(√v̂ + ε), with ε added after the bias
 * correction of √v as torch does. The scalar corrections are computed in JS (float64). The
 * float32 operations come in torch's order (addcmul is (c·a)·b, addcdiv is (c·a)/b), so the
 * trajectories agree with PyTorch's to rounding (the reference tests check 1e-5).
 * Lecture 002 writes Adam without the bias correction ("slightly simplified"); lectures 000 and
 * 003 include it, as here. Without it the first steps are (1−β1)/√(1−β2) ≈ 3× too short.
 * Lecture 004 writes m̂/(v̂ + ε) without the square root, a typo: the step would not be scale-free.
 */
import { arrayKernels, type AdamConstants } from '../fused/arrayKernels';
import { tf } from '../tf';
import { ArraySlots, stepSumsJs, sumsAt } from './arrays';
import { Slots } from './state';
import type { Optimizer } from './types';

/** Math.fround, bound here rather than imported (arrays.ts says why). */
const f = Math.fround;

export class Adam implements Optimizer {
  private readonly m = new Slots();
  private readonly v = new Slots();
  private readonly vMax = new Slots();
  private t = 0;
  private readonly arrays = { m: new ArraySlots(), v: new ArraySlots(), vMax: new ArraySlots() };
  private tArrays = 0;

  constructor(
    private readonly beta1: number,
    private readonly beta2: number,
    private readonly eps: number,
    private readonly amsgrad = false,
  ) {}

  step(params: tf.Variable[], grads: tf.Tensor[], lr: number): void {
    const ms = this.m.get(params);
    const vs = this.v.get(params);
    const maxes = this.amsgrad ? this.vMax.get(params) : undefined;
    this.t++;
    const stepSize = lr / (1 - this.beta1 ** this.t);
    const bc2Sqrt = Math.sqrt(1 - this.beta2 ** this.t);
    tf.tidy(() => {
      params.forEach((p, i) => {
        const g = grads[i];
        const m = tf.add(tf.mul(this.beta1, ms[i]), tf.mul(1 - this.beta1, g));
        let v = tf.add(tf.mul(this.beta2, vs[i]), tf.mul(tf.mul(1 - this.beta2, g), g));
        ms[i].assign(m);
        vs[i].assign(v);
        if (maxes) {
          v = tf.maximum(maxes[i], v);
          maxes[i].assign(v);
        }
        const denom = tf.add(tf.div(tf.sqrt(v), bc2Sqrt), this.eps);
        p.assign(tf.add(p, tf.div(tf.mul(-stepSize, m), denom)));
      });
    });
  }

  stepArrays(params: Float32Array[], grads: Float32Array[], lr: number): void {
    this.update(params, grads, lr);
  }

  stepArraysWithSums(params: Float32Array[], grads: Float32Array[], lr: number, sums: Float64Array): void {
    this.update(params, grads, lr, sums);
  }

  private update(params: Float32Array[], grads: Float32Array[], lr: number, sums?: Float64Array): void {
    const ms = this.arrays.m.get(params);
    const vs = this.arrays.v.get(params);
    const maxes = this.amsgrad ? this.arrays.vMax.get(params) : undefined;
    this.tArrays++;
    const minusStep = f(-(lr / (1 - this.beta1 ** this.tArrays)));
    const bc2Sqrt = f(Math.sqrt(1 - this.beta2 ** this.tArrays));
    const b1 = f(this.beta1);
    const c1 = f(1 - this.beta1);
    const b2 = f(this.beta2);
    const c2 = f(1 - this.beta2);
    const eps = f(this.eps);
    const simd = arrayKernels();
    const c: AdamConstants = { b1, c1, b2, c2, minusStep, bc2Sqrt, eps };
    params.forEach((p, i) => {
      if (simd?.takes(p)) return simd.adam(p, grads[i], ms[i], vs[i], maxes?.[i], c, sums, sumsAt(i));
      const before = sums && p.slice();
      adamLoop(p, grads[i], ms[i], vs[i], maxes?.[i], c);
      if (before) stepSumsJs(grads[i], before, p, sums, sumsAt(i));
    });
  }

  dispose(): void {
    this.m.dispose();
    this.v.dispose();
    this.vMax.dispose();
  }
}

/** Adam's update of one parameter as JS loops: every op one float32 rounding, as the kernels have it. */
export function adamLoop(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, vMax: Float32Array | undefined, c: AdamConstants): void {
  for (let j = 0; j < p.length; j++) {
    const gj = g[j];
    const mj = f(f(c.b1 * m[j]) + f(c.c1 * gj));
    let vj = f(f(c.b2 * v[j]) + f(f(c.c2 * gj) * gj));
    m[j] = mj;
    v[j] = vj;
    if (vMax) {
      vj = Math.max(vMax[j], vj);
      vMax[j] = vj;
    }
    const denom = f(f(f(Math.sqrt(vj)) / c.bc2Sqrt) + c.eps);
    p[j] = p[j] + f(f(c.minusStep * mj) / denom);
  }
}
