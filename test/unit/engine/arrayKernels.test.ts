/**
 * The WASM SIMD kernels (engine/fused/arrayKernels.ts) give the bits of the JS loops they stand
 * in for: the optimizers' array forms (a parameter of SIMD_MIN_LENGTH floats or more takes the
 * kernel, on copies or in place in a KernelArena; the same values cut into shorter pieces take the
 * JS loop) and ReLU and its gradient. The forms that also sum the step statistics
 * (stepArraysWithSums) make the same update and sum what it did to float32 accuracy.
 */
import * as assert from 'node:assert/strict';
import { arrayKernels, KernelArena, NATIVE_MIN_LENGTH, SIMD_MIN_LENGTH, STEP_SUMS } from '../../../src/engine/fused/arrayKernels';
import { nativeKernels, useNativeKernels, type NativeUpdates } from '../../../src/engine/native/kernels';
import { referenceKernels, referenceUpdates } from '../../../src/engine/native/reference';
import { activateInPlace, activationGradInPlace } from '../../../src/engine/fused/denseNet';
import { createOptimizer } from '../../../src/engine/optimizers';
import { Rng } from '../../../src/engine/random';
import { norm32 } from '../../../src/engine/train/step';
import type { OptimizerSpec } from '../../../src/shared/experiment';
import { optimizer } from './fixtures';
import { assertClose, differing, exactSums } from './stepSumsCheck';

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

/** Every optimizer with a SIMD kernel, with and without its options. */
const KERNEL_OPTIMIZERS: Partial<OptimizerSpec>[] = [
  { name: 'sgd', learningRate: 0.1 },
  { name: 'momentum', learningRate: 0.05, momentum: 0.9 },
  { name: 'nesterov', learningRate: 0.05, momentum: 0.8 },
  { name: 'adam', learningRate: 0.01 },
  { name: 'adam', learningRate: 0.003, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, amsgrad: true },
];

describe('engine: WASM SIMD array kernels = the JS loops, bit for bit', () => {
  it('WASM SIMD is available in this Node', () => {
    assert.ok(arrayKernels(), 'the kernels instantiate');
  });

  for (const c of KERNEL_OPTIMIZERS) {
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


describe('engine: the optimizers\' array forms with the step sums (stepArraysWithSums)', () => {
  for (const c of KERNEL_OPTIMIZERS) {
    for (const where of ['copied', 'in an arena'] as const) {
      it(`${c.name}${c.amsgrad ? ' amsgrad' : ''}, ${where}: the bits of stepArrays, and the sums of what it did within 1e-5`, () => {
        // A long parameter (SIMD kernel, tail of 3) and a short one (in an arena: the kernel too; copied: the JS loop).
        const sizes = [SIMD_MIN_LENGTH * 5 + 3, 37];
        const rng = new Rng(8);
        const arena = where === 'in an arena' ? KernelArena.create(6 * sizes.reduce((a, n) => a + n + 4, 0)) : undefined;
        const alloc = (n: number) => arena?.alloc(n) ?? new Float32Array(n);
        const theta = sizes.map((n) => Float32Array.from({ length: n }, () => rng.normal()));
        const summed = theta.map((t) => {
          const a = alloc(t.length);
          a.set(t);
          return a;
        });
        const grads = sizes.map(alloc);
        const plain = theta.map((t) => pieces(t));
        const withSums = createOptimizer(optimizer(c));
        const reference = createOptimizer(optimizer(c));
        assert.ok(withSums.stepArraysWithSums, `${c.name} has the summed form`);
        const sums = new Float64Array(STEP_SUMS * sizes.length);
        for (let s = 0; s < 30; s++) {
          // Zeros, gradients whose squares underflow float32, large ones, and ordinary ones.
          grads.forEach((g) => g.set(Float32Array.from({ length: g.length }, (_, i) => (i % 97 === 0 ? 0 : i % 89 === 0 ? 1e-30 * rng.normal() : i % 83 === 0 ? 1e12 : rng.normal() * (s + 1)))));
          const lr = (c.learningRate ?? 0.01) / (1 + s);
          const before = summed.map((p) => p.slice());
          withSums.stepArraysWithSums?.(summed, grads, lr, sums);
          reference.stepArrays?.(plain.flat(), grads.flatMap((g) => pieces(g)), lr);
          summed.forEach((p, i) => {
            assert.deepEqual(differing(p, joined(plain[i], p.length)), [], `step ${s}, parameter ${i}: the update's bits`);
            const want = exactSums(grads[i], before[i], p);
            ['Σg²', 'Σ(θ′ − θ)²', 'Σθ²'].forEach((what, k) => assertClose(sums[STEP_SUMS * i + k], want[k], p.length, 1e-5, `step ${s}, parameter ${i}, ${what}`));
          });
        }
        assert.ok(summed[0].some((v, i) => v !== theta[0][i]), 'the parameters moved');
      });
    }
  }

  it('every tail of the unrolled kernels (lengths 1–40, 1,023, 1,025, 4,099), with and without sums: the bits of the JS loops, sums within 2.1e-6 of float64', () => {
    // 2.1e-6: 34 float32 roundings (a product, 32 adds per accumulator lane, one joining the two), arrayKernels.wat.
    const lengths = [...Array.from({ length: 40 }, (_, i) => i + 1), 1023, 1025, 4099];
    for (const c of KERNEL_OPTIMIZERS) {
      const rng = new Rng(11);
      for (const n of lengths) {
        const arena = KernelArena.create(6 * (n + 4));
        const bareArena = KernelArena.create(5 * (n + 4));
        const p = arena?.alloc(n);
        const g = arena?.alloc(n);
        const q = bareArena?.alloc(n);
        const h = bareArena?.alloc(n);
        assert.ok(p && g && q && h);
        p.set(Float32Array.from({ length: n }, () => rng.normal()));
        q.set(p);
        const plain = pieces(p);
        const withSums = createOptimizer(optimizer(c));
        const bare = createOptimizer(optimizer(c));
        const reference = createOptimizer(optimizer(c));
        const sums = new Float64Array(STEP_SUMS);
        for (let s = 0; s < 3; s++) {
          // Magnitudes over six decades, so that a lost or doubled element shows in every sum.
          g.set(Float32Array.from({ length: n }, (_, i) => rng.normal() * 10 ** ((i % 7) - 3)));
          const before = p.slice();
          h.set(g);
          withSums.stepArraysWithSums?.([p], [g], 0.01, sums);
          bare.stepArrays?.([q], [h], 0.01);
          reference.stepArrays?.(plain, pieces(g), 0.01);
          const what = `${c.name}${c.amsgrad ? ' amsgrad' : ''}, n = ${n}, step ${s}`;
          assert.deepEqual(differing(p, joined(plain, n)), [], `${what}: the summed update's bits`);
          assert.deepEqual(differing(q, joined(plain, n)), [], `${what}: the update's bits`);
          const want = exactSums(g, before, p);
          ['Σg²', 'Σ(θ′ − θ)²', 'Σθ²'].forEach((name, k) => assertClose(sums[k], want[k], n, 2.1e-6, `${what}, ${name}`));
        }
      }
    }
  });

  it('float32 overflow and NaN: Σg² is infinite where the float64 sum passes float32 (norm32 alike); so is Σθ of huge weights; NaN stays NaN', () => {
    const k = arrayKernels();
    assert.ok(k);
    const rng = new Rng(3);
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 1001]) {
      const arena = KernelArena.create(4 * (n + 4));
      assert.ok(arena);
      const fresh = (f: (i: number) => number) => {
        const a = arena.alloc(n);
        assert.ok(a);
        a.set(Float32Array.from({ length: n }, (_, i) => f(i)));
        return a;
      };
      const last = n - 1;
      const sums = new Float64Array(STEP_SUMS);
      // A gradient past 1.8e19: its square overflows float32, as the float64 sum does once rounded.
      const p = fresh(() => rng.normal());
      const g = fresh((i) => (i === last ? 3e19 : rng.normal()));
      const before = p.slice();
      k.sgd(p, g, 1e-30, sums);
      const want = exactSums(g, before, p);
      assert.equal(sums[0], Infinity, `n = ${n}: Σg²`);
      assert.equal(norm32(sums[0]), norm32(want[0]));
      assertClose(sums[2], want[2], n, 1e-5, `n = ${n}: Σθ²`);
      // Weights past 1.8e19: Σθ² overflows float32 (the BLAS step sums such weights in float64 itself).
      const big = fresh((i) => (i === last ? 2e19 : rng.normal()));
      k.sgd(big, fresh(() => rng.normal()), 0.01, sums);
      assert.equal(sums[2], Infinity, `n = ${n}: Σθ² of huge weights`);
      // NaN in a gradient reaches every sum it touches.
      const q = fresh(() => rng.normal());
      k.momentum(q, fresh((i) => (i === last ? NaN : rng.normal())), fresh(() => 0), 0.9, 0.1, false, sums);
      assert.ok(Number.isNaN(sums[0]) && Number.isNaN(sums[1]), `n = ${n}: NaN in Σg² and Σ(θ′ − θ)²`);
    }
  });

  it('sumSquares: float64 sums of float32 squares within 1e-5, every length 0–17 and 1,001, 100,352; Infinity past float32', () => {
    const k = arrayKernels();
    assert.ok(k);
    const rng = new Rng(4);
    for (const n of [...Array.from({ length: 18 }, (_, i) => i), 1001, 100352]) {
      const a = Float32Array.from({ length: n }, (_, i) => (i % 31 === 0 ? 0 : rng.normal() * 10));
      const want = a.reduce((s, v) => s + v * v, 0);
      assertClose(k.sumSquares(a), want, n, 1e-5, `n = ${n}`);
      const arena = KernelArena.create(n + 8);
      const inArena = arena?.alloc(n);
      assert.ok(inArena);
      inArena.set(a);
      assertClose(k.sumSquares(inArena), want, n, 1e-5, `n = ${n}, in an arena`);
    }
    assert.equal(k.sumSquares(Float32Array.of(1, 2e19, 3)), Infinity);
    assert.ok(Number.isNaN(k.sumSquares(Float32Array.of(1, NaN, 3))));
  });

  it('short arrays take the kernels in an arena (no copies to pay for), the JS loops elsewhere', () => {
    const k = arrayKernels();
    const arena = KernelArena.create(100);
    const short = arena?.alloc(10);
    assert.ok(k && short);
    assert.ok(k.takes(short));
    assert.ok(!k.takes(new Float32Array(10)));
    assert.ok(k.takes(new Float32Array(SIMD_MIN_LENGTH)));
  });

  it('arrays of NATIVE_MIN_LENGTH floats or more take the native updates when there are (the same bits), none with useNativeKernels(undefined)', () => {
    const calls: string[] = [];
    const spy: NativeUpdates = {
      isa: () => 'spy',
      sgdUpdate: (p, ...rest) => (calls.push(`sgd ${p.length}`), referenceUpdates.sgdUpdate(p, ...rest)),
      momentumUpdate: (p, ...rest) => (calls.push(`momentum ${p.length}`), referenceUpdates.momentumUpdate(p, ...rest)),
      adamUpdate: (p, ...rest) => (calls.push(`adam ${p.length}`), referenceUpdates.adamUpdate(p, ...rest)),
    };
    const before = nativeKernels();
    const sizes = [NATIVE_MIN_LENGTH, NATIVE_MIN_LENGTH - 1, 10];
    const run = (c: Partial<OptimizerSpec>, withNative: boolean): Float32Array[] => {
      useNativeKernels(withNative ? { ...referenceKernels, updates: spy } : undefined);
      const arena = KernelArena.create(8 * (NATIVE_MIN_LENGTH + 20));
      const p = sizes.map((n) => arena?.alloc(n) ?? assert.fail('arena'));
      const g = sizes.map((n) => arena?.alloc(n) ?? assert.fail('arena'));
      const opt = createOptimizer(optimizer(c));
      const sums = new Float64Array(STEP_SUMS * sizes.length);
      const r = new Rng(5);
      p.forEach((a) => a.set(Float32Array.from({ length: a.length }, () => r.normal())));
      for (let s = 0; s < 3; s++) {
        g.forEach((a) => a.set(Float32Array.from({ length: a.length }, () => r.normal())));
        if (s === 1) opt.stepArrays?.(p, g, 0.01);
        else opt.stepArraysWithSums?.(p, g, 0.01, sums);
      }
      return p;
    };
    try {
      for (const c of KERNEL_OPTIMIZERS) {
        calls.length = 0;
        const native = run(c, true);
        const kind = c.name === 'nesterov' ? 'momentum' : c.name;
        assert.deepEqual(calls, Array(3).fill(`${kind} ${NATIVE_MIN_LENGTH}`), `${c.name}: only the long array, every step`);
        calls.length = 0;
        const wasm = run(c, false);
        assert.deepEqual(calls, [], `${c.name}: no native kernels, no native calls`);
        native.forEach((a, i) => assert.deepEqual(differing(a, wasm[i]), [], `${c.name}: array ${i}'s bits`));
      }
    } finally {
      useNativeKernels(before);
    }
  });
});
