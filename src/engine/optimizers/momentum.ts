/**
 * Momentum in PyTorch's form (torch.optim.SGD with momentum μ, dampening 0), with or without
 * Nesterov's look-ahead, as PyTorch's single `nesterov` flag does:
 *   v ← μ·v + g,  θ ← θ − α·v                (heavy ball)
 *   v ← μ·v + g,  θ ← θ − α·(g + μ·v)        (nesterov=True)
 * The lecture writes p ← μ·p − α·g, θ ← θ + p. With a constant α the two are the same
 * trajectory: p = −α·v at every step (they differ only when α changes mid-run).
 * PyTorch's first step sets v = g, which equals μ·0 + g, so zero-initialised v matches it.
 * The Nesterov form is Sutskever et al.'s reformulation: it needs only the gradient at θ, not at
 * the look-ahead point θ + μ·p of the lecture's formula.
 */
import { arrayKernels } from '../fused/arrayKernels';
import { tf } from '../tf';
import { ArraySlots, stepSumsJs, sumsAt } from './arrays';
import { Slots } from './state';
import type { Optimizer } from './types';

/** Math.fround, bound here rather than imported (arrays.ts says why). */
const f = Math.fround;

export class Momentum implements Optimizer {
  private readonly velocity = new Slots();
  private readonly velocityArrays = new ArraySlots();

  constructor(
    private readonly mu: number,
    private readonly nesterov = false,
  ) {}

  step(params: tf.Variable[], grads: tf.Tensor[], lr: number): void {
    const vs = this.velocity.get(params);
    tf.tidy(() => {
      params.forEach((p, i) => {
        const v = tf.add(tf.mul(this.mu, vs[i]), grads[i]);
        vs[i].assign(v);
        const direction = this.nesterov ? tf.add(grads[i], tf.mul(this.mu, v)) : v;
        p.assign(tf.sub(p, tf.mul(lr, direction)));
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
    const vs = this.velocityArrays.get(params);
    const mu = f(this.mu);
    const a = f(lr);
    const simd = arrayKernels();
    params.forEach((p, i) => {
      const g = grads[i];
      const v = vs[i];
      if (simd?.takes(p)) return simd.momentum(p, g, v, mu, a, this.nesterov, sums, sumsAt(i));
      const before = sums && p.slice();
      for (let j = 0; j < p.length; j++) {
        const vj = f(f(mu * v[j]) + g[j]);
        v[j] = vj;
        const direction = this.nesterov ? f(g[j] + f(mu * vj)) : vj;
        p[j] = p[j] - f(a * direction);
      }
      if (before) stepSumsJs(g, before, p, sums, sumsAt(i));
    });
  }

  dispose(): void {
    this.velocity.dispose();
  }
}
