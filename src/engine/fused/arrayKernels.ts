/**
 * The optimizers' array forms (Optimizer.stepArrays) for long arrays and for any array in a
 * KernelArena (the MNIST MLP's biases and 640-weight output layer took ~20 µs per step as JS
 * loops, 6 % of the BLAS step), and ReLU and its gradient for the BLAS step (blasNet.ts), as
 * WASM SIMD: a 3,280-byte module written in arrayKernels.wat
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
 *
 * Given a `sums` array, the updates also sum what the step statistics need (STEP_SUMS) in the
 * same pass, from the θ, g and θ' already in registers: no copy of θ_t and no further passes
 * over the arrays (as separate native passes they took 13–21 % of the BLAS step at batch 64 on
 * the MNIST MLP). The sums are float32 products summed in float32 over blocks of 256 floats,
 * then in float64: within 4e-6 of float64 sums (~1e-8 in practice), not bit for bit
 * (arrayKernels.wat says what float32's range does to them).
 */

const MODULE = 'AGFzbQEAAAABXApgBH9/f30AYAd/f39/fX1/AGANf39/f39/fX19fX19fQBgAn9/AGADf39/AGABewF7YAJ7fQF8YAV/f399fwBgCH9/f399fX9/AGAOf39/f39/fX19fX19fX8AAg8BA2VudgZtZW1vcnkCAAEDDAsAAQIDBAUGBwgJBAdcCQNzZ2QAAAhtb21lbnR1bQABBGFkYW0AAgRyZWx1AAMIcmVsdUdyYWQABAdzZ2RTdW1zAAcMbW9tZW50dW1TdW1zAAgIYWRhbVN1bXMACQpzdW1TcXVhcmVzAAoK6hcLiAECAn8BeyAD/RMhBiACQXxxQQJ0IQUCQANAIAQgBU8NASAAIARqIAAgBGr9AAIAIAYgASAEav0AAgD95gH95QH9CwIAIARBEGohBAwACwsgAkECdCEFAkADQCAEIAVPDQEgACAEaiAAIARqKgIAIAMgASAEaioCAJSTOAIAIARBBGohBAwACwsL9AEDAn8EewJ9IAT9EyEJIAX9EyEKIANBfHFBAnQhCAJAA0AgByAITw0BIAEgB2r9AAIAIQsgCSACIAdq/QACAP3mASAL/eQBIQwgAiAHaiAM/QsCACAGBEAgCyAJIAz95gH95AEhDAsgACAHaiAAIAdq/QACACAKIAz95gH95QH9CwIAIAdBEGohBwwACwsgA0ECdCEIAkADQCAHIAhPDQEgASAHaioCACENIAQgAiAHaioCAJQgDZIhDiACIAdqIA44AgAgBgRAIA0gBCAOlJIhDgsgACAHaiAAIAdqKgIAIAUgDpSTOAIAIAdBBGohBwwACwsLmgMDAn8KewN9IAb9EyEPIAf9EyEQIAj9EyERIAn9EyESIAr9EyETIAv9EyEUIAz9EyEVIAVBfHFBAnQhDgJAA0AgDSAOTw0BIAEgDWr9AAIAIRYgDyACIA1q/QACAP3mASAQIBb95gH95AEhFyARIAMgDWr9AAIA/eYBIBIgFv3mASAW/eYB/eQBIRggAiANaiAX/QsCACADIA1qIBj9CwIAIAQEQCAEIA1q/QACACAY/ekBIRggBCANaiAY/QsCAAsgACANaiAAIA1q/QACACATIBf95gEgGP3jASAU/ecBIBX95AH95wH95AH9CwIAIA1BEGohDQwACwsgBUECdCEOAkADQCANIA5PDQEgASANaioCACEZIAYgAiANaioCAJQgByAZlJIhGiAIIAMgDWoqAgCUIAkgGZQgGZSSIRsgAiANaiAaOAIAIAMgDWogGzgCACAEBEAgBCANaioCACAblyEbIAQgDWogGzgCAAsgACANaiAAIA1qKgIAIAogGpQgG5EgC5UgDJKVkjgCACANQQRqIQ0MAAsLC3ACAn8BeyABQXxxQQJ0IQMCQANAIAIgA08NASAAIAJqIAAgAmr9AAIAIAT96QH9CwIAIAJBEGohAgwACwsgAUECdCEDAkADQCACIANPDQEgACACaiAAIAJqKgIAQwAAAACXOAIAIAJBBGohAgwACwsLgwECAn8BeyACQXxxQQJ0IQQCQANAIAMgBE8NASAAIANqIAAgA2r9AAIAIAEgA2r9AAIAIAX9RP1O/QsCACADQRBqIQMMAAsLIAJBAnQhBAJAA0AgAyAETw0BIAEgA2oqAgBDAAAAAF5FBEAgACADakMAAAAAOAIACyADQQRqIQMMAAsLCyEAIAD9XyAAIAD9DQgJCgsMDQ4PAAECAwQFBgf9X/3wAQsRACAA/SEAIAD9IQGgIAG7oAudAwQDfwp7B30BeyAD/RMhGSACQXxxQQJ0IQYCQANAIAUgBk8NASAGIAVBgAhqIAYgBUGACGpJGyEH/QwAAAAAAAAAAAAAAAAAAAAAIQz9DAAAAAAAAAAAAAAAAAAAAAAhDf0MAAAAAAAAAAAAAAAAAAAAACEOAkADQCAFIAdPDQEgASAFav0AAgAhCCAAIAVq/QACACEJIAkgGSAI/eYB/eUBIQogACAFaiAK/QsCACAKIAn95QEhCyAMIAggCP3mAf3kASEMIA0gCyAL/eYB/eQBIQ0gDiAJIAn95gH95AEhDiAFQRBqIQUMAAsLIA8gDBAF/fABIQ8gECANEAX98AEhECARIA4QBf3wASERDAALCyACQQJ0IQYCQANAIAUgBk8NASABIAVqKgIAIRIgACAFaioCACETIBMgAyASlJMhFCAAIAVqIBQ4AgAgFCATkyEVIBYgEiASlJIhFiAXIBUgFZSSIRcgGCATIBOUkiEYIAVBBGohBQwACwsgBCAPIBYQBjkDACAEIBAgFxAGOQMIIAQgESAYEAY5AxALgQQFA38Kewd9A3sBfSAE/RMhHCAF/RMhHSADQXxxQQJ0IQkCQANAIAggCU8NASAJIAhBgAhqIAkgCEGACGpJGyEK/QwAAAAAAAAAAAAAAAAAAAAAIQ/9DAAAAAAAAAAAAAAAAAAAAAAhEP0MAAAAAAAAAAAAAAAAAAAAACERAkADQCAIIApPDQEgASAIav0AAgAhCyAAIAhq/QACACEMIBwgAiAIav0AAgD95gEgC/3kASEeIAIgCGogHv0LAgAgBgRAIAsgHCAe/eYB/eQBIR4LIAwgHSAe/eYB/eUBIQ0gACAIaiAN/QsCACANIAz95QEhDiAPIAsgC/3mAf3kASEPIBAgDiAO/eYB/eQBIRAgESAMIAz95gH95AEhESAIQRBqIQgMAAsLIBIgDxAF/fABIRIgEyAQEAX98AEhEyAUIBEQBf3wASEUDAALCyADQQJ0IQkCQANAIAggCU8NASABIAhqKgIAIRUgACAIaioCACEWIAQgAiAIaioCAJQgFZIhHyACIAhqIB84AgAgBgRAIBUgBCAflJIhHwsgFiAFIB+UkyEXIAAgCGogFzgCACAXIBaTIRggGSAVIBWUkiEZIBogGCAYlJIhGiAbIBYgFpSSIRsgCEEEaiEIDAALCyAHIBIgGRAGOQMAIAcgEyAaEAY5AwggByAUIBsQBjkDEAunBQUDfwp7B30JewJ9IAb9EyEiIAf9EyEjIAj9EyEkIAn9EyElIAr9EyEmIAv9EyEnIAz9EyEoIAVBfHFBAnQhDwJAA0AgDiAPTw0BIA8gDkGACGogDyAOQYAIakkbIRD9DAAAAAAAAAAAAAAAAAAAAAAhFf0MAAAAAAAAAAAAAAAAAAAAACEW/QwAAAAAAAAAAAAAAAAAAAAAIRcCQANAIA4gEE8NASABIA5q/QACACERIAAgDmr9AAIAIRIgIiACIA5q/QACAP3mASAjIBH95gH95AEhKSAkIAMgDmr9AAIA/eYBICUgEf3mASAR/eYB/eQBISogAiAOaiAp/QsCACADIA5qICr9CwIAIAQEQCAEIA5q/QACACAq/ekBISogBCAOaiAq/QsCAAsgEiAmICn95gEgKv3jASAn/ecBICj95AH95wH95AEhEyAAIA5qIBP9CwIAIBMgEv3lASEUIBUgESAR/eYB/eQBIRUgFiAUIBT95gH95AEhFiAXIBIgEv3mAf3kASEXIA5BEGohDgwACwsgGCAVEAX98AEhGCAZIBYQBf3wASEZIBogFxAF/fABIRoMAAsLIAVBAnQhDwJAA0AgDiAPTw0BIAEgDmoqAgAhGyAAIA5qKgIAIRwgBiACIA5qKgIAlCAHIBuUkiErIAggAyAOaioCAJQgCSAblCAblJIhLCACIA5qICs4AgAgAyAOaiAsOAIAIAQEQCAEIA5qKgIAICyXISwgBCAOaiAsOAIACyAcIAogK5QgLJEgC5UgDJKVkiEdIAAgDmogHTgCACAdIByTIR4gHyAbIBuUkiEfICAgHiAelJIhICAhIBwgHJSSISEgDkEEaiEODAALCyANIBggHxAGOQMAIA0gGSAgEAY5AwggDSAaICEQBjkDEAvWAgMDfwZ7An0gAUFwcUECdCEEAkADQCADIARPDQEgBCADQYAIaiAEIANBgAhqSRshBf0MAAAAAAAAAAAAAAAAAAAAACEI/QwAAAAAAAAAAAAAAAAAAAAAIQn9DAAAAAAAAAAAAAAAAAAAAAAhCv0MAAAAAAAAAAAAAAAAAAAAACELAkADQCADIAVPDQEgACADav0AAgAhBiAIIAYgBv3mAf3kASEIIAAgA2r9AAIQIQYgCSAGIAb95gH95AEhCSAAIANq/QACICEGIAogBiAG/eYB/eQBIQogACADav0AAjAhBiALIAYgBv3mAf3kASELIANBwABqIQMMAAsLIAcgCCAJ/eQBIAogC/3kAf3kARAF/fABIQcMAAsLIAFBAnQhBAJAA0AgAyAETw0BIAAgA2oqAgAhDSAMIA0gDZSSIQwgA0EEaiEDDAALCyACIAcgDBAGOQMACw==';

/**
 * Arrays shorter than this stay in the JS loops unless they live in an arena: the call and the
 * copies cost more than they save (in an arena there are no copies, and the call is ~0.1 µs).
 */
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
  sgdSums(p: number, g: number, n: number, a: number, out: number): void;
  momentumSums(p: number, g: number, v: number, n: number, mu: number, a: number, nesterov: number, out: number): void;
  adamSums(p: number, g: number, m: number, v: number, vmax: number, n: number, b1: number, c1: number, b2: number, c2: number, s: number, k: number, eps: number, out: number): void;
  sumSquares(p: number, n: number, out: number): void;
}

/**
 * What the step statistics need from one parameter's update, as float64, at `at` in a Float64Array:
 * [at] Σg², [at + 1] Σ(θ' − θ)², [at + 2] Σθ² (θ' the updated parameter, θ as it was).
 */
export const STEP_SUMS = 3;

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
/** Bytes at the start of every kernel memory where the *Sums kernels leave their sums (arrays start after, 16-aligned). */
const SUMS_BYTES = 32;

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
  /** Where the *Sums kernels leave their sums: the first SUMS_BYTES, so no array sits at offset 0 ("absent" to the kernels). */
  readonly sums: Float64Array;
  /** Floats handed out. */
  private used = SUMS_BYTES / 4;

  private constructor(floats: number, x: (m: WasmMemory) => Exports | undefined) {
    this.memory = new (WA as Wasm).Memory({ initial: Math.max(1, Math.ceil((floats * 4 + SUMS_BYTES) / PAGE)) });
    const exports = x(this.memory);
    if (!exports) throw new Error('no WASM SIMD');
    this.exports = exports;
    this.sums = new Float64Array(this.memory.buffer, 0, STEP_SUMS);
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
  private sums: Float64Array;

  constructor(memory: WasmMemory, private readonly x: Exports) {
    this.memory = memory;
    this.heap = new Float32Array(memory.buffer);
    this.sums = new Float64Array(memory.buffer, 0, STEP_SUMS);
  }

  /** Whether p's update is worth a kernel call: long arrays, and any array in an arena. */
  takes(p: Float32Array): boolean {
    return p.length >= SIMD_MIN_LENGTH || (p.buffer instanceof ArrayBuffer && arenas.has(p.buffer));
  }

  /** θ ← θ − a·g, in place; with `sums`, the step sums (STEP_SUMS) into sums[at…]. */
  sgd(p: Float32Array, g: Float32Array, a: number, sums?: Float64Array, at = 0): void {
    if (!sums) {
      this.run([p, g], [true, false], (x, [op, og]) => x.sgd(op, og, p.length, a));
      return;
    }
    copySums(this.run([p, g], [true, false], (x, [op, og]) => x.sgdSums(op, og, p.length, a, 0)), sums, at);
  }

  /** v ← μ·v + g, θ ← θ − a·v (Nesterov: θ ← θ − a·(g + μ·v)), in place; with `sums`, the step sums into sums[at…]. */
  momentum(p: Float32Array, g: Float32Array, v: Float32Array, mu: number, a: number, nesterov: boolean, sums?: Float64Array, at = 0): void {
    const n = nesterov ? 1 : 0;
    if (!sums) {
      this.run([p, g, v], [true, false, true], (x, [op, og, ov]) => x.momentum(op, og, ov, p.length, mu, a, n));
      return;
    }
    copySums(this.run([p, g, v], [true, false, true], (x, [op, og, ov]) => x.momentumSums(op, og, ov, p.length, mu, a, n, 0)), sums, at);
  }

  /** Adam's moments and update, in place; `vMax` for AMSGrad; with `sums`, the step sums into sums[at…]. */
  adam(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, vMax: Float32Array | undefined, c: AdamConstants, sums?: Float64Array, at = 0): void {
    const arrays = vMax ? [p, g, m, v, vMax] : [p, g, m, v];
    const out = [true, false, true, true, true];
    // Offset 0 means "no vMax": no array sits there (SUMS_BYTES come first).
    if (!sums) {
      this.run(arrays, out, (x, o) => x.adam(o[0], o[1], o[2], o[3], o[4] ?? 0, p.length, c.b1, c.c1, c.b2, c.c2, c.minusStep, c.bc2Sqrt, c.eps));
      return;
    }
    const result = this.run(arrays, out, (x, o) =>
      x.adamSums(o[0], o[1], o[2], o[3], o[4] ?? 0, p.length, c.b1, c.c1, c.b2, c.c2, c.minusStep, c.bc2Sqrt, c.eps, 0),
    );
    copySums(result, sums, at);
  }

  /**
   * Σa² as float32 products summed as the *Sums kernels sum (Infinity once a square or a block's
   * sum overflows float32; a caller that needs the float64 value then has a float64 pass to make).
   */
  sumSquares(a: Float32Array): number {
    return this.run([a], [false], (x, [o]) => x.sumSquares(o, a.length, 0))[0];
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
   * in its first SUMS_BYTES), else on copies in the scratch memory, copying back those marked
   * `out`. Returns the sums a *Sums kernel left at offset 0 of the memory it ran on.
   */
  private run(arrays: Float32Array[], out: boolean[], f: (x: Exports, offsets: number[]) => void): Float64Array {
    const arena = arrays[0].buffer instanceof ArrayBuffer ? arenas.get(arrays[0].buffer) : undefined;
    if (arena && arrays.every((a) => a.buffer === arrays[0].buffer && a.byteOffset >= SUMS_BYTES)) {
      f(arena.exports, arrays.map((a) => a.byteOffset));
      return arena.sums;
    }
    const bytes = SUMS_BYTES + 4 * arrays.reduce((s, a) => s + align4(a.length), 0);
    if (bytes > this.memory.buffer.byteLength) {
      this.memory.grow(Math.ceil((bytes - this.memory.buffer.byteLength) / PAGE));
      this.heap = new Float32Array(this.memory.buffer);
      this.sums = new Float64Array(this.memory.buffer, 0, STEP_SUMS);
    }
    let at = SUMS_BYTES / 4;
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
    return this.sums;
  }
}

function copySums(from: Float64Array, to: Float64Array, at: number): void {
  to[at] = from[0];
  to[at + 1] = from[1];
  to[at + 2] = from[2];
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
