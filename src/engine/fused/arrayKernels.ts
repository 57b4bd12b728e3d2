/**
 * The optimizers' array forms (Optimizer.stepArrays) for long arrays, and ReLU and its gradient
 * for the BLAS step (blasNet.ts), as WASM SIMD: a 1,171-byte module written in arrayKernels.wat
 * (MODULE is `base64 -w0` of `npx -p wabt wat2wasm arrayKernels.wat -o arrayKernels.wasm`).
 * Arrays that live in a KernelArena (WASM memory the BLAS step allocates its parameters,
 * gradients and activations in, and the optimizers their state next to them) are used in place;
 * any other array is copied into a scratch memory and the updated ones back out (memcpy, ~7 µs
 * per 100k floats: for momentum's five copies twice its arithmetic).
 *
 * Why: the JS loops take 5 (momentum) to 12 (Adam) ns per parameter, 0.5–1.3 ms per step on the
 * MNIST-shaped MLP, more than its BLAS matrix products; four float32 lanes per instruction do the
 * same work ~10× faster. Every SIMD op is one IEEE float32 operation, as each Math.fround'ed op of
 * the JS loops is, so both give the same bits (test/unit/engine/arrayKernels.test.ts).
 */

const MODULE = 'AGFzbQEAAAABLQVgBH9/f30AYAd/f39/fX1/AGANf39/f39/fX19fX19fQBgAn9/AGADf39/AAIPAQNlbnYGbWVtb3J5AgABAwYFAAECAwQHKwUDc2dkAAAIbW9tZW50dW0AAQRhZGFtAAIEcmVsdQADCHJlbHVHcmFkAAQKkwgFiAECAn8BeyAD/RMhBiACQXxxQQJ0IQUCQANAIAQgBU8NASAAIARqIAAgBGr9AAIAIAYgASAEav0AAgD95gH95QH9CwIAIARBEGohBAwACwsgAkECdCEFAkADQCAEIAVPDQEgACAEaiAAIARqKgIAIAMgASAEaioCAJSTOAIAIARBBGohBAwACwsL9AEDAn8EewJ9IAT9EyEJIAX9EyEKIANBfHFBAnQhCAJAA0AgByAITw0BIAEgB2r9AAIAIQsgCSACIAdq/QACAP3mASAL/eQBIQwgAiAHaiAM/QsCACAGBEAgCyAJIAz95gH95AEhDAsgACAHaiAAIAdq/QACACAKIAz95gH95QH9CwIAIAdBEGohBwwACwsgA0ECdCEIAkADQCAHIAhPDQEgASAHaioCACENIAQgAiAHaioCAJQgDZIhDiACIAdqIA44AgAgBgRAIA0gBCAOlJIhDgsgACAHaiAAIAdqKgIAIAUgDpSTOAIAIAdBBGohBwwACwsLmgMDAn8KewN9IAb9EyEPIAf9EyEQIAj9EyERIAn9EyESIAr9EyETIAv9EyEUIAz9EyEVIAVBfHFBAnQhDgJAA0AgDSAOTw0BIAEgDWr9AAIAIRYgDyACIA1q/QACAP3mASAQIBb95gH95AEhFyARIAMgDWr9AAIA/eYBIBIgFv3mASAW/eYB/eQBIRggAiANaiAX/QsCACADIA1qIBj9CwIAIAQEQCAEIA1q/QACACAY/ekBIRggBCANaiAY/QsCAAsgACANaiAAIA1q/QACACATIBf95gEgGP3jASAU/ecBIBX95AH95wH95AH9CwIAIA1BEGohDQwACwsgBUECdCEOAkADQCANIA5PDQEgASANaioCACEZIAYgAiANaioCAJQgByAZlJIhGiAIIAMgDWoqAgCUIAkgGZQgGZSSIRsgAiANaiAaOAIAIAMgDWogGzgCACAEBEAgBCANaioCACAblyEbIAQgDWogGzgCAAsgACANaiAAIA1qKgIAIAogGpQgG5EgC5UgDJKVkjgCACANQQRqIQ0MAAsLC3ACAn8BeyABQXxxQQJ0IQMCQANAIAIgA08NASAAIAJqIAAgAmr9AAIAIAT96QH9CwIAIAJBEGohAgwACwsgAUECdCEDAkADQCACIANPDQEgACACaiAAIAJqKgIAQwAAAACXOAIAIAJBBGohAgwACwsLgwECAn8BeyACQXxxQQJ0IQQCQANAIAMgBE8NASAAIANqIAAgA2r9AAIAIAEgA2r9AAIAIAX9RP1O/QsCACADQRBqIQMMAAsLIAJBAnQhBAJAA0AgAyAETw0BIAEgA2oqAgBDAAAAAF5FBEAgACADakMAAAAAOAIACyADQQRqIQMMAAsLCw==';

/** Arrays shorter than this stay in the JS loops: the call (and the copies) cost more than they save. */
export const SIMD_MIN_LENGTH = 1024;

/** The slice of the WebAssembly API used here (the engine's tsconfig has no DOM or WebAssembly lib). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface Wasm {
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const WA = (globalThis as unknown as { WebAssembly?: Wasm }).WebAssembly;

interface Exports {
  sgd(p: number, g: number, n: number, a: number): void;
  momentum(p: number, g: number, v: number, n: number, mu: number, a: number, nesterov: number): void;
  adam(p: number, g: number, m: number, v: number, vmax: number, n: number, b1: number, c1: number, b2: number, c2: number, s: number, k: number, eps: number): void;
  relu(p: number, n: number): void;
  reluGrad(d: number, a: number, n: number): void;
}

/** Adam's float32 constants for one step, as adam.ts's stepArrays computes them. */
export interface AdamConstants {
  b1: number;
  c1: number;
  b2: number;
  c2: number;
  /** −α/(1 − β1ᵗ) */
  minusStep: number;
  /** √(1 − β2ᵗ) */
  bc2Sqrt: number;
  eps: number;
}

const PAGE = 65536;

let compiled: object | null | undefined;

/** The module with an instance on `memory`, or undefined where WASM SIMD is unavailable. */
function instantiate(memory: WasmMemory): Exports | undefined {
  if (compiled === undefined) {
    try {
      if (!WA) throw new Error('no WebAssembly');
      compiled = new WA.Module(Buffer.from(MODULE, 'base64'));
    } catch {
      compiled = null; // no WASM SIMD here: the JS loops
    }
  }
  if (!compiled || !WA) return undefined;
  return new WA.Instance(compiled, { env: { memory } }).exports as Exports;
}

/**
 * A fixed block of WASM memory handing out zeroed Float32Arrays that the kernels use in place.
 * It never grows (growing would detach every array handed out), so it is sized up front;
 * `alloc` returns undefined once it is full.
 */
export class KernelArena {
  private readonly memory: WasmMemory;
  readonly exports: Exports;
  /** Floats handed out; the first four stay unused, so no array sits at offset 0 ("absent" to the kernels). */
  private used = 4;

  private constructor(floats: number, x: (m: WasmMemory) => Exports | undefined) {
    this.memory = new (WA as Wasm).Memory({ initial: Math.max(1, Math.ceil(((floats + 4) * 4) / PAGE)) });
    const exports = x(this.memory);
    if (!exports) throw new Error('no WASM SIMD');
    this.exports = exports;
    arenas.set(this.memory.buffer, this);
  }

  /** An arena for about `floats` floats, or undefined where WASM SIMD is unavailable. */
  static create(floats: number): KernelArena | undefined {
    try {
      return new KernelArena(floats, instantiate);
    } catch {
      return undefined;
    }
  }

  /** n zeroed floats, 16-byte aligned; undefined when the arena is full. */
  alloc(n: number): Float32Array | undefined {
    const at = this.used;
    if ((at + align4(n)) * 4 > this.memory.buffer.byteLength) return undefined;
    this.used += align4(n);
    return new Float32Array(this.memory.buffer, at * 4, n);
  }
}

const arenas = new WeakMap<ArrayBuffer, KernelArena>();

/**
 * Zeroed floats for state kept beside `like` (an optimizer's velocity or moments): in `like`'s
 * arena when it has one and room, so the kernels use both in place; otherwise a plain array.
 */
export function zerosBeside(like: Float32Array): Float32Array {
  const arena = like.buffer instanceof ArrayBuffer ? arenas.get(like.buffer) : undefined;
  return arena?.alloc(like.length) ?? new Float32Array(like.length);
}

export class ArrayKernels {
  private memory: WasmMemory;
  private heap: Float32Array;

  constructor(memory: WasmMemory, private readonly x: Exports) {
    this.memory = memory;
    this.heap = new Float32Array(memory.buffer);
  }

  /** θ ← θ − a·g, in place. */
  sgd(p: Float32Array, g: Float32Array, a: number): void {
    this.run([p, g], [true, false], (x, [op, og]) => x.sgd(op, og, p.length, a));
  }

  /** v ← μ·v + g, θ ← θ − a·v (Nesterov: θ ← θ − a·(g + μ·v)), in place. */
  momentum(p: Float32Array, g: Float32Array, v: Float32Array, mu: number, a: number, nesterov: boolean): void {
    this.run([p, g, v], [true, false, true], (x, [op, og, ov]) => x.momentum(op, og, ov, p.length, mu, a, nesterov ? 1 : 0));
  }

  /** Adam's moments and update, in place; `vMax` for AMSGrad. */
  adam(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, vMax: Float32Array | undefined, c: AdamConstants): void {
    const arrays = vMax ? [p, g, m, v, vMax] : [p, g, m, v];
    // Offset 0 means "no vMax": p comes first in the scratch memory, and an arena's first array is θ.
    this.run(arrays, [true, false, true, true, true], (x, o) =>
      x.adam(o[0], o[1], o[2], o[3], o[4] ?? 0, p.length, c.b1, c.c1, c.b2, c.c2, c.minusStep, c.bc2Sqrt, c.eps),
    );
  }

  /** a ← max(a, 0) on the first n floats of a (a −0 becomes +0). */
  relu(a: Float32Array, n: number): void {
    this.run([a.subarray(0, n)], [true], (x, [o]) => x.relu(o, n));
  }

  /** d ← d where a > 0, else 0, on the first n floats. */
  reluGrad(d: Float32Array, a: Float32Array, n: number): void {
    this.run([d.subarray(0, n), a.subarray(0, n)], [true, false], (x, [od, oa]) => x.reluGrad(od, oa, n));
  }

  /**
   * Calls `f` with the arrays' byte offsets: in place when they all live in one arena (and none
   * at offset 0, which means "absent"), else on copies in the scratch memory, copying back those
   * marked `out`.
   */
  private run(arrays: Float32Array[], out: boolean[], f: (x: Exports, offsets: number[]) => void): void {
    const arena = arrays[0].buffer instanceof ArrayBuffer ? arenas.get(arrays[0].buffer) : undefined;
    if (arena && arrays.every((a) => a.buffer === arrays[0].buffer && a.byteOffset > 0)) {
      f(arena.exports, arrays.map((a) => a.byteOffset));
      return;
    }
    const floats = arrays.reduce((s, a) => s + align4(a.length), 0);
    if (floats * 4 > this.memory.buffer.byteLength) {
      this.memory.grow(Math.ceil((floats * 4 - this.memory.buffer.byteLength) / PAGE));
      this.heap = new Float32Array(this.memory.buffer);
    }
    let at = 0;
    const offsets = arrays.map((a) => {
      this.heap.set(a, at);
      const offset = at * 4;
      at += align4(a.length);
      return offset;
    });
    f(this.x, offsets);
    arrays.forEach((a, i) => {
      if (out[i]) a.set(this.heap.subarray(offsets[i] / 4, offsets[i] / 4 + a.length));
    });
  }
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

let kernels: ArrayKernels | null | undefined;

/** The SIMD kernels, or undefined where WASM SIMD is unavailable (the JS loops then). */
export function arrayKernels(): ArrayKernels | undefined {
  if (kernels === undefined) {
    try {
      const memory = new (WA as Wasm).Memory({ initial: 1 });
      const x = instantiate(memory);
      kernels = x ? new ArrayKernels(memory, x) : null;
    } catch {
      kernels = null;
    }
  }
  return kernels ?? undefined;
}
