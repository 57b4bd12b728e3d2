import * as assert from 'node:assert/strict';
import { KernelArena } from '../../../src/engine/fused/arrayKernels';
import type { NativeKernels, NativeUpdates } from '../../../src/engine/native/kernels';
import { loadNativeKernelsWith } from '../../../src/engine/native/load';
import { referenceKernels, referenceUpdates } from '../../../src/engine/native/reference';
import { assertClose, differing, exactSums } from './stepSumsCheck';

/**
 * The addon (native/optdbg_native.c) against its JS twin. Without the addon (not built, no BLAS)
 * every test is skipped with the reason in its title, except under CI, which builds it
 * (`npm ci` → scripts/build-native.mjs) and installs OpenBLAS (.ci/run): there it must load.
 */
describe('engine: native BLAS kernels = the JS reference', () => {
  // The addon as such, whatever OPTIMIZER_DEBUGGER_BLAS says about using it.
  const loaded = loadNativeKernelsWith();

  function kernels(ctx: Mocha.Context): NativeKernels {
    if (loaded.kernels) return loaded.kernels;
    if (process.env.CI) assert.fail(`the native addon must load in CI: ${loaded.why}`);
    if (ctx.test) ctx.test.title += ` (skipped: ${loaded.why})`;
    ctx.skip();
  }

  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const floats = (n: number, scale = 1) => Float32Array.from({ length: n }, () => rand() * scale);
  const randInt = (lo: number, hi: number) => lo + Math.floor(((rand() + 1) / 2) * (hi - lo + 1));

  interface Case {
    transA: boolean;
    transB: boolean;
    m: number;
    n: number;
    k: number;
    alpha: number;
    beta: number;
    /** Extra floats per stored row beyond the matrix (row stride = columns + pad). */
    pad: [number, number, number];
    /** Floats before each matrix in its buffer: the kernels get subarray views. */
    offset: [number, number, number];
  }

  /**
   * Runs one case on both kernels over the same inputs: C inside a larger buffer, so writes outside
   * the matrix (stride gaps, before and after the view) show. Tolerance: 1e-5 of Σ|α·a·b| + |β·c|.
   */
  function check(k: NativeKernels, c: Case): void {
    const [ra, ca] = c.transA ? [c.k, c.m] : [c.m, c.k];
    const [rb, cb] = c.transB ? [c.n, c.k] : [c.k, c.n];
    const lda = ca + c.pad[0], ldb = cb + c.pad[1], ldc = c.n + c.pad[2];
    const sizeOf = (rows: number, cols: number, ld: number) => (rows === 0 || cols === 0 ? 0 : (rows - 1) * ld + cols);
    const bufA = floats(c.offset[0] + sizeOf(ra, ca, lda) + 3);
    const bufB = floats(c.offset[1] + sizeOf(rb, cb, ldb) + 3);
    const bufC = floats(c.offset[2] + sizeOf(c.m, c.n, ldc) + 3);
    const view = (buf: Float32Array, off: number, rows: number, cols: number, ld: number) => buf.subarray(off, off + sizeOf(rows, cols, ld));
    const a = view(bufA, c.offset[0], ra, ca, lda);
    const b = view(bufB, c.offset[1], rb, cb, ldb);
    const native = bufC.slice();
    const ref = bufC.slice();
    const bound = bufC.map(Math.abs);
    k.sgemm(c.transA, c.transB, c.m, c.n, c.k, c.alpha, a, lda, b, ldb, c.beta, view(native, c.offset[2], c.m, c.n, ldc), ldc);
    referenceKernels.sgemm(c.transA, c.transB, c.m, c.n, c.k, c.alpha, a, lda, b, ldb, c.beta, view(ref, c.offset[2], c.m, c.n, ldc), ldc);
    referenceKernels.sgemm(c.transA, c.transB, c.m, c.n, c.k, Math.abs(c.alpha), a.map(Math.abs), lda, b.map(Math.abs), ldb, Math.abs(c.beta), view(bound, c.offset[2], c.m, c.n, ldc), ldc);
    const inMatrix = (p: number) => {
      const q = p - c.offset[2];
      return q >= 0 && q < sizeOf(c.m, c.n, ldc) && q % ldc < c.n;
    };
    for (let p = 0; p < bufC.length; p++) {
      if (!inMatrix(p)) {
        assert.equal(native[p], bufC[p], `${JSON.stringify(c)}: C[${p}] lies outside the matrix but changed`);
        continue;
      }
      const tol = 1e-5 * bound[p] + 1e-30;
      assert.ok(Math.abs(native[p] - ref[p]) <= tol, `${JSON.stringify(c)}: C[${p}] = ${native[p]}, reference ${ref[p]}`);
    }
  }

  it('sgemm: every transpose, row strides, subarray offsets, α and β ≠ 0, random shapes', function () {
    const k = kernels(this);
    for (let i = 0; i < 120; i++) {
      check(k, {
        transA: i % 2 === 1,
        transB: i % 4 >= 2,
        m: randInt(1, 40),
        n: randInt(1, 40),
        k: randInt(1, 70),
        alpha: i % 3 === 0 ? 1 : rand() * 3,
        beta: i % 5 === 0 ? 0 : rand() * 2,
        pad: [randInt(0, 3), randInt(0, 3), randInt(0, 3)],
        offset: [randInt(0, 9), randInt(0, 9), randInt(0, 9)],
      });
    }
  });

  it('sgemm: the MNIST layer shapes (forward, weight and input gradients at batch 64)', function () {
    const k = kernels(this);
    const none: [number, number, number] = [0, 0, 0];
    check(k, { transA: false, transB: false, m: 64, n: 128, k: 784, alpha: 1, beta: 0, pad: none, offset: none });
    check(k, { transA: true, transB: false, m: 784, n: 128, k: 64, alpha: 1, beta: 0, pad: none, offset: none });
    check(k, { transA: false, transB: true, m: 64, n: 784, k: 128, alpha: 1, beta: 0, pad: none, offset: none });
    check(k, { transA: true, transB: false, m: 784, n: 128, k: 64, alpha: 0.5, beta: 1, pad: none, offset: [5, 7, 3] });
  });

  it('sgemm: empty sizes; k = 0 leaves β·C', function () {
    const k = kernels(this);
    const none: [number, number, number] = [0, 0, 0];
    check(k, { transA: false, transB: false, m: 0, n: 5, k: 3, alpha: 1, beta: 0, pad: none, offset: none });
    // n = 0: BLAS still wants ldc ≥ 1.
    check(k, { transA: true, transB: true, m: 4, n: 0, k: 3, alpha: 1, beta: 0.5, pad: [0, 0, 1], offset: none });
    const c = new Float32Array([1, 2, 3, 4]);
    k.sgemm(false, false, 2, 2, 0, 1, new Float32Array(0), 1, new Float32Array(0), 2, 0.5, c, 2);
    assert.deepEqual(Array.from(c), [0.5, 1, 1.5, 2]);
  });

  it('sumSquares: the reference bits, every tail length, subarray views', function () {
    const k = kernels(this);
    for (const n of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1001, 100_003]) {
      // Mixed magnitudes, so a different summation order would show in the last bits.
      const a = Float32Array.from({ length: n }, (_, i) => rand() * (i % 7 === 0 ? 1e4 : i % 3 === 0 ? 1e-3 : 1));
      assert.ok(Object.is(k.sumSquares(a), referenceKernels.sumSquares(a)), `n = ${n}`);
      const sub = a.subarray(Math.min(3, n), Math.max(Math.min(3, n), n - 2));
      assert.ok(Object.is(k.sumSquares(sub), referenceKernels.sumSquares(sub)), `subarray of n = ${n}`);
    }
  });

  it('diffSquares: the reference bits, every tail length, subarray views', function () {
    const k = kernels(this);
    for (const n of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1001, 100_003]) {
      const before = Float32Array.from({ length: n }, (_, i) => rand() * (i % 5 === 0 ? 100 : 1));
      const after = before.map((x, i) => x + rand() * (i % 3 === 0 ? 1e-6 : 1e-2));
      const got = new Float64Array(2);
      const want = new Float64Array(2);
      k.diffSquares(after, before, got);
      referenceKernels.diffSquares(after, before, want);
      assert.ok(Object.is(got[0], want[0]) && Object.is(got[1], want[1]), `n = ${n}: [${got}] vs [${want}]`);
      const lo = Math.min(1, n);
      const hi = Math.max(lo, n - 1);
      k.diffSquares(after.subarray(lo, hi), before.subarray(lo, hi), got);
      referenceKernels.diffSquares(after.subarray(lo, hi), before.subarray(lo, hi), want);
      assert.ok(Object.is(got[0], want[0]) && Object.is(got[1], want[1]), `subarray of n = ${n}`);
    }
  });

  it('bad sizes, strides, types and overlapping output throw, and leave C alone', function () {
    const k = kernels(this);
    const a = floats(6); // 2×3
    const b = floats(12); // 3×4
    const c = new Float32Array(8); // 2×4
    const sgemm = (over: Partial<{ m: number; n: number; kk: number; a: Float32Array; lda: number; b: Float32Array; ldb: number; c: Float32Array; ldc: number; transA: boolean }>) =>
      () => k.sgemm(over.transA ?? false, false, over.m ?? 2, over.n ?? 4, over.kk ?? 3, 1, over.a ?? a, over.lda ?? 3, over.b ?? b, over.ldb ?? 4, 0, over.c ?? c, over.ldc ?? 4);
    assert.doesNotThrow(sgemm({}));
    c.fill(7);
    assert.throws(sgemm({ a: a.subarray(0, 5) }), /a holds 5 floats/);
    assert.throws(sgemm({ b: b.subarray(1) }), /b holds 11 floats/);
    assert.throws(sgemm({ c: c.subarray(0, 7) }), /c holds 7 floats/);
    assert.throws(sgemm({ lda: 2 }), /lda = 2/);
    assert.throws(sgemm({ ldc: 3 }), /ldc = 3/);
    assert.throws(sgemm({ lda: 4 }), /a holds 6 floats, a 2×3 matrix with row stride 4 needs 7/);
    assert.throws(sgemm({ transA: true }), /lda = 3 is less than the 2|a holds/);
    assert.throws(sgemm({ m: -1 }), /m must be an integer/);
    assert.throws(sgemm({ kk: 1.5 }), /k must be an integer/);
    assert.throws(sgemm({ n: Number.NaN }), /n must be an integer/);
    assert.throws(sgemm({ m: 2 ** 40 }), /m must be an integer/);
    assert.throws(sgemm({ a: new Float64Array(6) as unknown as Float32Array }), /a must be a Float32Array/);
    assert.throws(sgemm({ b: [1, 2] as unknown as Float32Array }), /b must be a Float32Array/);
    const shared = new Float32Array(20);
    assert.throws(sgemm({ a: shared.subarray(0, 6), c: shared.subarray(4, 12) }), /shares memory/);
    assert.deepEqual(Array.from(c), Array(8).fill(7), 'C untouched by the failed calls');
    assert.throws(() => (k.sgemm as unknown as (...args: unknown[]) => void)(false, false, 1, 1, 1), /13 arguments/);
    assert.throws(() => k.diffSquares(floats(4), floats(5), new Float64Array(2)), /after has 4 floats, before 5/);
    assert.throws(() => k.diffSquares(floats(4), floats(4), new Float64Array(1)), /Float64Array of at least 2/);
    assert.throws(() => k.sumSquares(new Float64Array(3) as unknown as Float32Array), /Float32Array/);
  });
});

/**
 * The addon's optimizer updates (NativeUpdates) against the JS loops: the same bits for θ and the
 * optimizer state in every instruction set this CPU has (the portable C too, which the loader
 * does not hand out but other machines compile), the step sums within the .wat's bound.
 */
describe('engine: native optimizer updates = the JS loops, bit for bit', () => {
  const loaded = loadNativeKernelsWith();

  function updates(ctx: Mocha.Context): NativeUpdates {
    if (loaded.kernels?.updates) return loaded.kernels.updates;
    const why = loaded.kernels ? 'the addon has no updates for this CPU (no AVX2)' : loaded.why;
    if (process.env.CI && !loaded.kernels) assert.fail(`the native addon must load in CI: ${why}`);
    if (ctx.test) ctx.test.title += ` (skipped: ${why})`;
    ctx.skip();
  }

  /** Every instruction set the addon runs here, widest first; `fn` runs with each selected. */
  function eachIsa(u: NativeUpdates, fn: (isa: string) => void): string[] {
    const best = u.isa();
    const ran: string[] = [];
    try {
      for (const isa of ['avx512f', 'avx2', 'portable']) {
        try {
          u.isa(isa);
        } catch {
          continue; // not on this CPU (or not compiled for it)
        }
        ran.push(isa);
        fn(isa);
      }
    } finally {
      u.isa(best);
    }
    return ran;
  }

  const f = Math.fround;
  const FORMS = ['sgd', 'momentum', 'nesterov', 'adam', 'amsgrad'] as const;
  type Form = (typeof FORMS)[number];

  /** One step of `form` at step t (Adam's bias corrections), through `u`. */
  function step(u: NativeUpdates, form: Form, t: number, s: State, sums?: Float64Array, at?: number): void {
    const a = f(form === 'adam' || form === 'amsgrad' ? 0.003 : 0.05);
    if (form === 'sgd') return u.sgdUpdate(s.p, s.g, a, sums, at);
    if (form === 'momentum' || form === 'nesterov') return u.momentumUpdate(s.p, s.g, s.v, f(0.9), a, form === 'nesterov', sums, at);
    const [b1, b2] = form === 'adam' ? [0.9, 0.999] : [0.8, 0.99];
    const minusStep = f(-(a / (1 - b1 ** t)));
    const bc2Sqrt = f(Math.sqrt(1 - b2 ** t));
    u.adamUpdate(s.p, s.g, s.m, s.v, form === 'amsgrad' ? s.vMax : undefined, f(b1), f(1 - b1), f(b2), f(1 - b2), minusStep, bc2Sqrt, f(1e-6), sums, at);
  }

  interface State {
    p: Float32Array;
    g: Float32Array;
    m: Float32Array;
    v: Float32Array;
    vMax: Float32Array;
  }

  /** Five arrays of n floats, in an arena when there is one (views of WASM memory at byteOffsets), else plain. */
  function state(n: number, arena: KernelArena | undefined): State {
    const one = () => {
      const a = arena ? arena.alloc(n) : new Float32Array(n);
      assert.ok(a);
      return a;
    };
    return { p: one(), g: one(), m: one(), v: one(), vMax: one() };
  }

  function copy(s: State): State {
    return { p: s.p.slice(), g: s.g.slice(), m: s.m.slice(), v: s.v.slice(), vMax: s.vMax.slice() };
  }

  /** Indices where a and b differ as bits (NaNs are equal, +0 and −0 are not); at most 3. */
  function differingFirst(a: Float32Array, b: Float32Array): number[] {
    const out: number[] = [];
    for (let i = 0; i < a.length && out.length < 3; i++) if (!Object.is(a[i], b[i])) out.push(i);
    return out;
  }

  function assertSameState(got: State, want: State, what: string): void {
    for (const k of ['p', 'm', 'v', 'vMax'] as const) assert.deepEqual(differingFirst(got[k], want[k]), [], `${what}: ${k}`);
  }

  let seed = 777;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;

  it('every form, lengths 1–40, 1,023, 1,025, 4,099 and 109,386, 3 steps, in and out of a KernelArena, every instruction set: the bits of the JS loops; sums within 2.1e-6 of float64', function () {
    const u = updates(this);
    const lengths = [...Array.from({ length: 40 }, (_, i) => i + 1), 1023, 1025, 4099, 109_386];
    const ran = eachIsa(u, (isa) => {
      for (const form of FORMS) {
        for (const n of lengths) {
          for (const where of ['plain', 'arena'] as const) {
            const arena = where === 'arena' ? KernelArena.create(5 * (n + 4) + 8) : undefined;
            if (where === 'arena') assert.ok(arena, 'WASM memory for the arena');
            // One float in, so the arrays' byteOffsets are not all 16-aligned.
            arena?.alloc(1);
            const s = state(n, arena);
            s.p.set(Float32Array.from({ length: n }, () => rand()));
            const ref = copy(s);
            const sums = new Float64Array(8);
            for (let t = 1; t <= 3; t++) {
              // Magnitudes over six decades, so a lost or doubled element shows in every sum.
              s.g.set(Float32Array.from({ length: n }, (_, i) => rand() * 10 ** ((i % 7) - 3)));
              ref.g.set(s.g);
              const before = s.p.slice();
              step(u, form, t, s, sums, 4);
              step(referenceUpdates, form, t, ref);
              const what = `${isa} ${form} n = ${n} ${where} step ${t}`;
              assertSameState(s, ref, what);
              const want = exactSums(s.g, before, s.p);
              want.forEach((w, k) => assertClose(sums[4 + k], w, n, 2.1e-6, `${what}: sum ${k}`));
              assert.deepEqual(Array.from(sums.subarray(0, 4)), [0, 0, 0, 0], 'nothing written before `at`');
              assert.equal(sums[7], 0, 'nothing written past at + 2');
              // Without sums: the same update.
              const bare = copy(s);
              const refBare = copy(s);
              step(u, form, t + 1, bare);
              step(referenceUpdates, form, t + 1, refBare);
              assertSameState(bare, refBare, `${what}, without sums`);
            }
          }
        }
      }
    });
    assert.ok(ran.includes('portable'), 'the portable C runs everywhere');
    console.log(`      (native updates here: ${ran.join(', ')}; in use: ${u.isa()})`);
  });

  it('NaN, ±Infinity, ±0, subnormal and huge inputs: the bits of the JS loops (NaN payloads aside); sums NaN or Infinity alike', function () {
    const u = updates(this);
    const specials = [NaN, Infinity, -Infinity, 0, -0, 1e-40, -1e-40, 3e19, -3e19, 1e-20, 1, -1];
    const pick = (i: number, k: number) => specials[(i * 7 + k * 3) % specials.length];
    eachIsa(u, (isa) => {
      for (const form of FORMS) {
        for (const n of [7, 33, 1025]) {
          const s = state(n, undefined);
          // Specials in every array; v and vMax non-negative mostly, as Adam keeps them, with some −0 and NaN.
          for (let i = 0; i < n; i++) {
            s.p[i] = i % 3 === 0 ? pick(i, 0) : rand();
            s.g[i] = i % 2 === 0 ? pick(i, 1) : rand();
            s.m[i] = i % 5 === 0 ? pick(i, 2) : rand();
            s.v[i] = i % 4 === 0 ? Math.abs(pick(i, 3)) * (i % 8 === 0 ? -1 : 1) : Math.abs(rand());
            s.vMax[i] = i % 6 === 0 ? pick(i, 4) : Math.abs(rand());
          }
          const ref = copy(s);
          const sums = new Float64Array(3);
          const want = new Float64Array(3);
          for (let t = 1; t <= 2; t++) {
            step(u, form, t, s, sums);
            step(referenceUpdates, form, t, ref, want);
            const what = `${isa} ${form} n = ${n} step ${t}`;
            assertSameState(s, ref, what);
            for (let k = 0; k < 3; k++) {
              if (Number.isNaN(want[k])) assert.ok(Number.isNaN(sums[k]), `${what}: sum ${k} NaN`);
              else if (want[k] === Infinity) assert.equal(sums[k], Infinity, `${what}: sum ${k} Infinity`);
            }
          }
        }
      }
    });
  });

  it('bad arguments throw and leave the arrays alone', function () {
    const u = updates(this);
    const n = 40;
    const s = state(n, undefined);
    s.p.fill(1);
    const p0 = s.p.slice();
    const sums = new Float64Array(3);
    const any = <T>(x: unknown) => x as T;
    assert.throws(() => u.sgdUpdate(s.p, s.g.subarray(1), 0.1), /g has 39 floats, p has 40/);
    assert.throws(() => u.sgdUpdate(any(new Float64Array(n)), s.g, 0.1), /p must be a Float32Array/);
    assert.throws(() => u.sgdUpdate(s.p, any([1, 2]), 0.1), /g must be a Float32Array/);
    assert.throws(() => u.sgdUpdate(s.p, s.g, any('x')), /a must be a number/);
    assert.throws(() => u.sgdUpdate(s.p, s.g, 0.1, any(new Float32Array(3))), /sums must be a Float64Array/);
    assert.throws(() => u.sgdUpdate(s.p, s.g, 0.1, sums, 1), /3 at 1 do not fit/);
    assert.throws(() => u.sgdUpdate(s.p, s.g, 0.1, sums, -1), /at must be an integer/);
    assert.throws(() => u.sgdUpdate(s.p, s.g, 0.1, sums, 0.5), /at must be an integer/);
    assert.throws(() => u.sgdUpdate(s.p, s.g, 0.1, sums, any('0')), /at must be a number/);
    assert.throws(() => u.sgdUpdate(s.p, s.p, 0.1), /must not share memory/);
    assert.throws(() => any<(...a: unknown[]) => void>(u.sgdUpdate)(s.p, s.g), /at least 3 arguments/);
    assert.throws(() => u.momentumUpdate(s.p, s.g, s.v.subarray(0, 5), 0.9, 0.1, false), /v has 5 floats/);
    assert.throws(() => u.momentumUpdate(s.p, s.g, s.v, 0.9, 0.1, any(1)), /nesterov must be a boolean/);
    const shared = new Float32Array(2 * n);
    assert.throws(() => u.momentumUpdate(shared.subarray(0, n), s.g, shared.subarray(n - 1, 2 * n - 1), 0.9, 0.1, false), /must not share memory/);
    const adam = (vMax: unknown, m: Float32Array = s.m) => () => u.adamUpdate(s.p, s.g, m, s.v, any(vMax), 0.9, 0.1, 0.999, 0.001, -0.001, 0.3, 1e-8);
    assert.doesNotThrow(adam(null));
    s.p.set(p0);
    assert.throws(adam(s.vMax.subarray(1)), /vMax has 39 floats/);
    assert.throws(adam(new Float64Array(n)), /vMax must be a Float32Array/);
    assert.throws(adam(undefined, s.g), /must not share memory/);
    assert.throws(() => any<(...a: unknown[]) => void>(u.adamUpdate)(s.p, s.g, s.m, s.v, undefined, 0.9), /at least 12 arguments/);
    assert.deepEqual(differing(s.p, p0), [], 'p untouched by the failed calls');
    assert.throws(() => u.isa('sse9'), /sse9 is not available here/);
  });
});
