/**
 * The WASM SIMD kernels (engine/fused/arrayKernels.ts) give the bits of the JS loops they stand
 * in for: the optimizers' array forms (a parameter of SIMD_MIN_LENGTH floats or more takes the
 * kernel, on copies or in place in a KernelArena; the same values cut into shorter pieces take the
 * JS loop) and ReLU and its gradient.
 */
import * as assert from 'node:assert/strict';
import { arrayKernels, KernelArena, SIMD_MIN_LENGTH } from '../../../src/engine/fused/arrayKernels';
import { activateInPlace, activationGradInPlace } from '../../../src/engine/fused/denseNet';
import { createOptimizer } from '../../../src/engine/optimizers';
import { Rng } from '../../../src/engine/random';
import type { OptimizerSpec } from '../../../src/shared/experiment';
import { optimizer } from './fixtures';

/** Indices where a and b differ as bits (+0 and −0 differ; NaNs are equal). */
function differing(a: Float32Array, b: Float32Array): number[] {
  assert.equal(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) out.push(i);
  return out;
}

/** Pieces shorter than SIMD_MIN_LENGTH, so the optimizers run their JS loops on them. */
function pieces(a: Float32Array): Float32Array[] {
  const size = SIMD_MIN_LENGTH - 1;
  const out: Float32Array[] = [];
  for (let i = 0; i < a.length; i += size) out.push(a.slice(i, i + size));
  return out;
}

function joined(parts: Float32Array[], n: number): Float32Array {
  const out = new Float32Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('engine: WASM SIMD array kernels = the JS loops, bit for bit', () => {
  it('WASM SIMD is available in this Node', () => {
    assert.ok(arrayKernels(), 'the kernels instantiate');
  });

  const cases: Partial<OptimizerSpec>[] = [
    { name: 'sgd', learningRate: 0.1 },
    { name: 'momentum', learningRate: 0.05, momentum: 0.9 },
    { name: 'nesterov', learningRate: 0.05, momentum: 0.8 },
    { name: 'adam', learningRate: 0.01 },
    { name: 'adam', learningRate: 0.003, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, amsgrad: true },
  ];
  for (const c of cases) {
    for (const where of ['copied', 'in an arena'] as const) {
      it(`${c.name}${c.amsgrad ? ' amsgrad' : ''}, ${where}: 30 steps on ${SIMD_MIN_LENGTH * 5 + 3} parameters (tails and tiny, huge and zero gradients)`, () => {
        const n = SIMD_MIN_LENGTH * 5 + 3;
        const rng = new Rng(5);
        const arena = where === 'in an arena' ? KernelArena.create(6 * (n + 4)) : undefined;
        const alloc = (a: Float32Array) => {
          const out = arena?.alloc(a.length) ?? new Float32Array(a.length);
          out.set(a);
          return out;
        };
        const theta = Float32Array.from({ length: n }, () => rng.normal());
        const simd = createOptimizer(optimizer(c));
        const js = createOptimizer(optimizer(c));
        const long = [alloc(theta)];
        let short = pieces(theta);
        const g = alloc(new Float32Array(n));
        const mark = arena?.alloc(1)?.byteOffset ?? 0;
        for (let s = 0; s < 30; s++) {
          g.set(Float32Array.from({ length: n }, (_, i) => (i % 97 === 0 ? 0 : i % 89 === 0 ? 1e-30 * rng.normal() : i % 83 === 0 ? 1e20 : rng.normal() * (s + 1))));
          const lr = (c.learningRate ?? 0.01) / (1 + s);
          simd.stepArrays?.(long, [g], lr);
          js.stepArrays?.(short, pieces(g), lr);
        }
        if (arena && c.name !== 'sgd') {
          const after = arena.alloc(1)?.byteOffset ?? Infinity;
          assert.ok(after >= mark + 4 * n, 'the optimizer state was allocated in the arena, beside the parameters');
        }
        short = [joined(short, n)];
        assert.deepEqual(differing(long[0], short[0]), []);
        assert.ok(long[0].some((v, i) => v !== theta[i]), 'the parameters moved');
      });
    }
  }

  it('an arena hands out zeroed, 16-byte aligned arrays until it is full', () => {
    const arena = KernelArena.create(100);
    assert.ok(arena);
    const a = arena.alloc(10);
    const b = arena.alloc(7);
    assert.ok(a && b && a.buffer === b.buffer);
    assert.ok(a.byteOffset > 0 && a.byteOffset % 16 === 0 && b.byteOffset % 16 === 0 && b.byteOffset >= a.byteOffset + 40);
    assert.ok(b.every((v) => v === 0));
    const opt = createOptimizer(optimizer({ name: 'momentum', learningRate: 0.1 }));
    const p = arena.alloc(SIMD_MIN_LENGTH);
    assert.ok(p);
    const g = arena.alloc(SIMD_MIN_LENGTH);
    assert.ok(g);
    g.fill(1);
    opt.stepArrays?.([p], [g], 0.1);
    // v = g after one step, so θ = −0.1·g; the second step uses v = 0.9·g + g.
    opt.stepArrays?.([p], [g], 0.1);
    assert.equal(p[5], Math.fround(Math.fround(-0.1) - Math.fround(Math.fround(0.1) * Math.fround(Math.fround(0.9) + 1))));
    // At least one 64 KiB page: 16,384 floats in all.
    let rest = 0;
    while (arena.alloc(4)) rest++;
    assert.ok(rest > 3000 && rest < 4096, `the arena fills up (${rest} more arrays) and then says so`);
    assert.equal(arena.alloc(1), undefined);
  });

  it('ReLU and its gradient, every length 1–9 and 1,001', () => {
    const k = arrayKernels();
    assert.ok(k);
    const rng = new Rng(9);
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 1001]) {
      const z = Float32Array.from({ length: n + 2 }, (_, i) => (i % 7 === 0 ? 0 : rng.normal()));
      const a = z.slice();
      const b = z.slice();
      k.relu(a, n);
      activateInPlace(b, n, 'relu');
      assert.deepEqual(differing(a, b), [], `relu, n = ${n}`);
      assert.equal(a[n + 1], z[n + 1], 'nothing past n is touched');
      const d = Float32Array.from({ length: n + 2 }, () => rng.normal());
      const dk = d.slice();
      const dj = d.slice();
      k.reluGrad(dk, a, n);
      activationGradInPlace(dj, a, n, 'relu');
      assert.deepEqual(differing(dk, dj), [], `relu gradient, n = ${n}`);
      assert.equal(dk[n + 1], d[n + 1], 'nothing past n is touched');
    }
  });
});
