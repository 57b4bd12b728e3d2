/**
 * The optimizers' array forms (Optimizer.stepArrays) for long arrays and for any array in a
 * KernelArena (the MNIST MLP's biases and 640-weight output layer took ~20 µs per step as JS
 * loops, 6 % of the BLAS step), and ReLU and its gradient for the BLAS step (blasNet.ts), as
 * WASM SIMD: a 5,536-byte module written in arrayKernels.wat
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
 * then in float64: within 2.1e-6 of float64 sums (~1e-8 in practice), not bit for bit
 * (arrayKernels.wat says what float32's range does to them).
 *
 * Where the native addon has them (native/kernels.ts NativeUpdates: AVX-512 or AVX2), arrays of
 * NATIVE_MIN_LENGTH floats or more take its updates instead: the same bits and the same kind of
 * sums, on the arrays in place wherever they live (no copies), and the sums nearly free (~1 µs
 * instead of ~11 over the MNIST MLP's 109k parameters: WASM's 128-bit code is bound by the
 * instructions it issues, the wider vectors by memory or, for Adam, by the divider).
 */

import { nativeKernels, type NativeUpdates } from '../native/kernels';

const MODULE = 'AGFzbQEAAAABXApgBH9/f30AYAd/f39/fX1/AGANf39/f39/fX19fX19fQBgAn9/AGADf39/AGABewF7YAJ7fQF8YAV/f399fwBgCH9/f399fX9/AGAOf39/f39/fX19fX19fX8AAg8BA2VudgZtZW1vcnkCAAEDDAsAAQIDBAUGBwgJBAdcCQNzZ2QAAAhtb21lbnR1bQABBGFkYW0AAgRyZWx1AAMIcmVsdUdyYWQABAdzZ2RTdW1zAAcMbW9tZW50dW1TdW1zAAgIYWRhbVN1bXMACQpzdW1TcXVhcmVzAAoKuikL0wEEAn8DewN9AXsgA/0TIQwgAkF4cUECdCEFAkADQCAEIAVPDQEgASAEav0AAgAhBiAAIARq/QACACEHIAcgDCAG/eYB/eUBIQggACAEaiAI/QsCACABIARq/QACECEGIAAgBGr9AAIQIQcgByAMIAb95gH95QEhCCAAIARqIAj9CwIQIARBIGohBAwACwsgAkECdCEFAkADQCAEIAVPDQEgASAEaioCACEJIAAgBGoqAgAhCiAKIAMgCZSTIQsgACAEaiALOAIAIARBBGohBAwACwsLmgQFAn8DewN9A3sBfSAE/RMhDyAF/RMhECADQXhxQQJ0IQggBgRAAkADQCAHIAhPDQEgASAHav0AAgAhCSAAIAdq/QACACEKIA8gAiAHav0AAgD95gEgCf3kASERIAIgB2ogEf0LAgAgCSAPIBH95gH95AEhESAKIBAgEf3mAf3lASELIAAgB2ogC/0LAgAgASAHav0AAhAhCSAAIAdq/QACECEKIA8gAiAHav0AAhD95gEgCf3kASERIAIgB2ogEf0LAhAgCSAPIBH95gH95AEhESAKIBAgEf3mAf3lASELIAAgB2ogC/0LAhAgB0EgaiEHDAALCwUCQANAIAcgCE8NASABIAdq/QACACEJIAAgB2r9AAIAIQogDyACIAdq/QACAP3mASAJ/eQBIREgAiAHaiAR/QsCACAKIBAgEf3mAf3lASELIAAgB2ogC/0LAgAgASAHav0AAhAhCSAAIAdq/QACECEKIA8gAiAHav0AAhD95gEgCf3kASERIAIgB2ogEf0LAhAgCiAQIBH95gH95QEhCyAAIAdqIAv9CwIQIAdBIGohBwwACwsLIANBAnQhCAJAA0AgByAITw0BIAEgB2oqAgAhDCAAIAdqKgIAIQ0gBCACIAdqKgIAlCAMkiESIAIgB2ogEjgCACAGBEAgDCAEIBKUkiESCyANIAUgEpSTIQ4gACAHaiAOOAIAIAdBBGohBwwACwsLkAcFAn8DewN9CXsCfSAG/RMhFSAH/RMhFiAI/RMhFyAJ/RMhGCAK/RMhGSAL/RMhGiAM/RMhGyAFQXhxQQJ0IQ4gBARAAkADQCANIA5PDQEgASANav0AAgAhDyAAIA1q/QACACEQIBUgAiANav0AAgD95gEgFiAP/eYB/eQBIRwgFyADIA1q/QACAP3mASAYIA/95gEgD/3mAf3kASEdIAIgDWogHP0LAgAgAyANaiAd/QsCACAEIA1q/QACACAd/ekBIR0gBCANaiAd/QsCACAQIBkgHP3mASAd/eMBIBr95wEgG/3kAf3nAf3kASERIAAgDWogEf0LAgAgASANav0AAhAhDyAAIA1q/QACECEQIBUgAiANav0AAhD95gEgFiAP/eYB/eQBIRwgFyADIA1q/QACEP3mASAYIA/95gEgD/3mAf3kASEdIAIgDWogHP0LAhAgAyANaiAd/QsCECAEIA1q/QACECAd/ekBIR0gBCANaiAd/QsCECAQIBkgHP3mASAd/eMBIBr95wEgG/3kAf3nAf3kASERIAAgDWogEf0LAhAgDUEgaiENDAALCwUCQANAIA0gDk8NASABIA1q/QACACEPIAAgDWr9AAIAIRAgFSACIA1q/QACAP3mASAWIA/95gH95AEhHCAXIAMgDWr9AAIA/eYBIBggD/3mASAP/eYB/eQBIR0gAiANaiAc/QsCACADIA1qIB39CwIAIBAgGSAc/eYBIB394wEgGv3nASAb/eQB/ecB/eQBIREgACANaiAR/QsCACABIA1q/QACECEPIAAgDWr9AAIQIRAgFSACIA1q/QACEP3mASAWIA/95gH95AEhHCAXIAMgDWr9AAIQ/eYBIBggD/3mASAP/eYB/eQBIR0gAiANaiAc/QsCECADIA1qIB39CwIQIBAgGSAc/eYBIB394wEgGv3nASAb/eQB/ecB/eQBIREgACANaiAR/QsCECANQSBqIQ0MAAsLCyAFQQJ0IQ4CQANAIA0gDk8NASABIA1qKgIAIRIgACANaioCACETIAYgAiANaioCAJQgByASlJIhHiAIIAMgDWoqAgCUIAkgEpQgEpSSIR8gAiANaiAeOAIAIAMgDWogHzgCACAEBEAgBCANaioCACAflyEfIAQgDWogHzgCAAsgEyAKIB6UIB+RIAuVIAySlZIhFCAAIA1qIBQ4AgAgDUEEaiENDAALCwtwAgJ/AXsgAUF8cUECdCEDAkADQCACIANPDQEgACACaiAAIAJq/QACACAE/ekB/QsCACACQRBqIQIMAAsLIAFBAnQhAwJAA0AgAiADTw0BIAAgAmogACACaioCAEMAAAAAlzgCACACQQRqIQIMAAsLC4MBAgJ/AXsgAkF8cUECdCEEAkADQCADIARPDQEgACADaiAAIANq/QACACABIANq/QACACAF/UT9Tv0LAgAgA0EQaiEDDAALCyACQQJ0IQQCQANAIAMgBE8NASABIANqKgIAQwAAAABeRQRAIAAgA2pDAAAAADgCAAsgA0EEaiEDDAALCwshACAA/V8gACAA/Q0ICQoLDA0ODwABAgMEBQYH/V/98AELEQAgAP0hACAA/SEBoCABu6ALygQEA38Newd9AXsgA/0TIRwgAkF4cUECdCEGAkADQCAFIAZPDQEgBiAFQYAIaiAGIAVBgAhqSRshB/0MAAAAAAAAAAAAAAAAAAAAACEM/QwAAAAAAAAAAAAAAAAAAAAAIQ39DAAAAAAAAAAAAAAAAAAAAAAhDv0MAAAAAAAAAAAAAAAAAAAAACEP/QwAAAAAAAAAAAAAAAAAAAAAIRD9DAAAAAAAAAAAAAAAAAAAAAAhEQJAA0AgBSAHTw0BIAEgBWr9AAIAIQggACAFav0AAgAhCSAJIBwgCP3mAf3lASEKIAAgBWogCv0LAgAgCiAJ/eUBIQsgDCAIIAj95gH95AEhDCAOIAsgC/3mAf3kASEOIBAgCSAJ/eYB/eQBIRAgASAFav0AAhAhCCAAIAVq/QACECEJIAkgHCAI/eYB/eUBIQogACAFaiAK/QsCECAKIAn95QEhCyANIAggCP3mAf3kASENIA8gCyAL/eYB/eQBIQ8gESAJIAn95gH95AEhESAFQSBqIQUMAAsLIBIgDCAN/eQBEAX98AEhEiATIA4gD/3kARAF/fABIRMgFCAQIBH95AEQBf3wASEUDAALCyACQQJ0IQYCQANAIAUgBk8NASABIAVqKgIAIRUgACAFaioCACEWIBYgAyAVlJMhFyAAIAVqIBc4AgAgFyAWkyEYIBkgFSAVlJIhGSAaIBggGJSSIRogGyAWIBaUkiEbIAVBBGohBQwACwsgBCASIBkQBjkDACAEIBMgGhAGOQMIIAQgFCAbEAY5AxAL9wcFA38Newd9A3sBfSAE/RMhHyAF/RMhICADQXhxQQJ0IQkCQANAIAggCU8NASAJIAhBgAhqIAkgCEGACGpJGyEK/QwAAAAAAAAAAAAAAAAAAAAAIQ/9DAAAAAAAAAAAAAAAAAAAAAAhEP0MAAAAAAAAAAAAAAAAAAAAACER/QwAAAAAAAAAAAAAAAAAAAAAIRL9DAAAAAAAAAAAAAAAAAAAAAAhE/0MAAAAAAAAAAAAAAAAAAAAACEUIAYEQAJAA0AgCCAKTw0BIAEgCGr9AAIAIQsgACAIav0AAgAhDCAfIAIgCGr9AAIA/eYBIAv95AEhISACIAhqICH9CwIAIAsgHyAh/eYB/eQBISEgDCAgICH95gH95QEhDSAAIAhqIA39CwIAIA0gDP3lASEOIA8gCyAL/eYB/eQBIQ8gESAOIA795gH95AEhESATIAwgDP3mAf3kASETIAEgCGr9AAIQIQsgACAIav0AAhAhDCAfIAIgCGr9AAIQ/eYBIAv95AEhISACIAhqICH9CwIQIAsgHyAh/eYB/eQBISEgDCAgICH95gH95QEhDSAAIAhqIA39CwIQIA0gDP3lASEOIBAgCyAL/eYB/eQBIRAgEiAOIA795gH95AEhEiAUIAwgDP3mAf3kASEUIAhBIGohCAwACwsFAkADQCAIIApPDQEgASAIav0AAgAhCyAAIAhq/QACACEMIB8gAiAIav0AAgD95gEgC/3kASEhIAIgCGogIf0LAgAgDCAgICH95gH95QEhDSAAIAhqIA39CwIAIA0gDP3lASEOIA8gCyAL/eYB/eQBIQ8gESAOIA795gH95AEhESATIAwgDP3mAf3kASETIAEgCGr9AAIQIQsgACAIav0AAhAhDCAfIAIgCGr9AAIQ/eYBIAv95AEhISACIAhqICH9CwIQIAwgICAh/eYB/eUBIQ0gACAIaiAN/QsCECANIAz95QEhDiAQIAsgC/3mAf3kASEQIBIgDiAO/eYB/eQBIRIgFCAMIAz95gH95AEhFCAIQSBqIQgMAAsLCyAVIA8gEP3kARAF/fABIRUgFiARIBL95AEQBf3wASEWIBcgEyAU/eQBEAX98AEhFwwACwsgA0ECdCEJAkADQCAIIAlPDQEgASAIaioCACEYIAAgCGoqAgAhGSAEIAIgCGoqAgCUIBiSISIgAiAIaiAiOAIAIAYEQCAYIAQgIpSSISILIBkgBSAilJMhGiAAIAhqIBo4AgAgGiAZkyEbIBwgGCAYlJIhHCAdIBsgG5SSIR0gHiAZIBmUkiEeIAhBBGohCAwACwsgByAVIBwQBjkDACAHIBYgHRAGOQMIIAcgFyAeEAY5AxAL7QoFA38Newd9CXsCfSAG/RMhJSAH/RMhJiAI/RMhJyAJ/RMhKCAK/RMhKSAL/RMhKiAM/RMhKyAFQXhxQQJ0IQ8CQANAIA4gD08NASAPIA5BgAhqIA8gDkGACGpJGyEQ/QwAAAAAAAAAAAAAAAAAAAAAIRX9DAAAAAAAAAAAAAAAAAAAAAAhFv0MAAAAAAAAAAAAAAAAAAAAACEX/QwAAAAAAAAAAAAAAAAAAAAAIRj9DAAAAAAAAAAAAAAAAAAAAAAhGf0MAAAAAAAAAAAAAAAAAAAAACEaIAQEQAJAA0AgDiAQTw0BIAEgDmr9AAIAIREgACAOav0AAgAhEiAlIAIgDmr9AAIA/eYBICYgEf3mAf3kASEsICcgAyAOav0AAgD95gEgKCAR/eYBIBH95gH95AEhLSACIA5qICz9CwIAIAMgDmogLf0LAgAgBCAOav0AAgAgLf3pASEtIAQgDmogLf0LAgAgEiApICz95gEgLf3jASAq/ecBICv95AH95wH95AEhEyAAIA5qIBP9CwIAIBMgEv3lASEUIBUgESAR/eYB/eQBIRUgFyAUIBT95gH95AEhFyAZIBIgEv3mAf3kASEZIAEgDmr9AAIQIREgACAOav0AAhAhEiAlIAIgDmr9AAIQ/eYBICYgEf3mAf3kASEsICcgAyAOav0AAhD95gEgKCAR/eYBIBH95gH95AEhLSACIA5qICz9CwIQIAMgDmogLf0LAhAgBCAOav0AAhAgLf3pASEtIAQgDmogLf0LAhAgEiApICz95gEgLf3jASAq/ecBICv95AH95wH95AEhEyAAIA5qIBP9CwIQIBMgEv3lASEUIBYgESAR/eYB/eQBIRYgGCAUIBT95gH95AEhGCAaIBIgEv3mAf3kASEaIA5BIGohDgwACwsFAkADQCAOIBBPDQEgASAOav0AAgAhESAAIA5q/QACACESICUgAiAOav0AAgD95gEgJiAR/eYB/eQBISwgJyADIA5q/QACAP3mASAoIBH95gEgEf3mAf3kASEtIAIgDmogLP0LAgAgAyAOaiAt/QsCACASICkgLP3mASAt/eMBICr95wEgK/3kAf3nAf3kASETIAAgDmogE/0LAgAgEyAS/eUBIRQgFSARIBH95gH95AEhFSAXIBQgFP3mAf3kASEXIBkgEiAS/eYB/eQBIRkgASAOav0AAhAhESAAIA5q/QACECESICUgAiAOav0AAhD95gEgJiAR/eYB/eQBISwgJyADIA5q/QACEP3mASAoIBH95gEgEf3mAf3kASEtIAIgDmogLP0LAhAgAyAOaiAt/QsCECASICkgLP3mASAt/eMBICr95wEgK/3kAf3nAf3kASETIAAgDmogE/0LAhAgEyAS/eUBIRQgFiARIBH95gH95AEhFiAYIBQgFP3mAf3kASEYIBogEiAS/eYB/eQBIRogDkEgaiEODAALCwsgGyAVIBb95AEQBf3wASEbIBwgFyAY/eQBEAX98AEhHCAdIBkgGv3kARAF/fABIR0MAAsLIAVBAnQhDwJAA0AgDiAPTw0BIAEgDmoqAgAhHiAAIA5qKgIAIR8gBiACIA5qKgIAlCAHIB6UkiEuIAggAyAOaioCAJQgCSAelCAelJIhLyACIA5qIC44AgAgAyAOaiAvOAIAIAQEQCAEIA5qKgIAIC+XIS8gBCAOaiAvOAIACyAfIAogLpQgL5EgC5UgDJKVkiEgIAAgDmogIDgCACAgIB+TISEgIiAeIB6UkiEiICMgISAhlJIhIyAkIB8gH5SSISQgDkEEaiEODAALCyANIBsgIhAGOQMAIA0gHCAjEAY5AwggDSAdICQQBjkDEAvWAgMDfwZ7An0gAUFwcUECdCEEAkADQCADIARPDQEgBCADQYAIaiAEIANBgAhqSRshBf0MAAAAAAAAAAAAAAAAAAAAACEI/QwAAAAAAAAAAAAAAAAAAAAAIQn9DAAAAAAAAAAAAAAAAAAAAAAhCv0MAAAAAAAAAAAAAAAAAAAAACELAkADQCADIAVPDQEgACADav0AAgAhBiAIIAYgBv3mAf3kASEIIAAgA2r9AAIQIQYgCSAGIAb95gH95AEhCSAAIANq/QACICEGIAogBiAG/eYB/eQBIQogACADav0AAjAhBiALIAYgBv3mAf3kASELIANBwABqIQMMAAsLIAcgCCAJ/eQBIAogC/3kAf3kARAF/fABIQcMAAsLIAFBAnQhBAJAA0AgAyAETw0BIAAgA2oqAgAhDSAMIA0gDZSSIQwgA0EEaiEDDAALCyACIAcgDBAGOQMACw==';

/**
 * Arrays shorter than this stay in the JS loops unless they live in an arena: the call and the
 * copies cost more than they save (in an arena there are no copies, and the call is ~0.1 µs).
 */
export const SIMD_MIN_LENGTH = 1024;

/**
 * Arrays at least this long take the addon's optimizer updates when it has them (native/kernels.ts
 * NativeUpdates). Per array per step, 16 arrays in an arena (µs, WASM → native, without/with sums):
 * 16 floats: momentum 0.33/0.35 → 0.31/0.36, Adam 0.40/0.42 → 0.54/0.59 (Adam's 14 N-API
 * arguments); 1,024: momentum 0.41/0.52 → 0.42/0.46, Adam 0.90/1.00 → 0.89/0.94; 4,096: sums
 * 1.44 → 1.15 and 3.18 → 2.70. Shorter arrays keep the WASM kernels in an arena and the JS loops
 * (float64 sums) elsewhere, so which arrays get float32 block sums does not change.
 */
export const NATIVE_MIN_LENGTH = SIMD_MIN_LENGTH;

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
    const k = native(p);
    if (k) return k.sgdUpdate(p, g, a, sums, at);
    if (!sums) {
      this.run([p, g], [true, false], (x, [op, og]) => x.sgd(op, og, p.length, a));
      return;
    }
    copySums(this.run([p, g], [true, false], (x, [op, og]) => x.sgdSums(op, og, p.length, a, 0)), sums, at);
  }

  /** v ← μ·v + g, θ ← θ − a·v (Nesterov: θ ← θ − a·(g + μ·v)), in place; with `sums`, the step sums into sums[at…]. */
  momentum(p: Float32Array, g: Float32Array, v: Float32Array, mu: number, a: number, nesterov: boolean, sums?: Float64Array, at = 0): void {
    const k = native(p);
    if (k) return k.momentumUpdate(p, g, v, mu, a, nesterov, sums, at);
    const n = nesterov ? 1 : 0;
    if (!sums) {
      this.run([p, g, v], [true, false, true], (x, [op, og, ov]) => x.momentum(op, og, ov, p.length, mu, a, n));
      return;
    }
    copySums(this.run([p, g, v], [true, false, true], (x, [op, og, ov]) => x.momentumSums(op, og, ov, p.length, mu, a, n, 0)), sums, at);
  }

  /** Adam's moments and update, in place; `vMax` for AMSGrad; with `sums`, the step sums into sums[at…]. */
  adam(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, vMax: Float32Array | undefined, c: AdamConstants, sums?: Float64Array, at = 0): void {
    const k = native(p);
    if (k) return k.adamUpdate(p, g, m, v, vMax, c.b1, c.c1, c.b2, c.c2, c.minusStep, c.bc2Sqrt, c.eps, sums, at);
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

/** The addon's updates when p is long enough for them (looked up per call: tests switch them). */
function native(p: Float32Array): NativeUpdates | undefined {
  return p.length >= NATIVE_MIN_LENGTH ? nativeKernels()?.updates : undefined;
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
