/**
 * The step statistics' sums (Σ g², Σ (θ' − θ)², Σ θ²) over float32 tensors, in one pass per
 * parameter. On WASM they run as WASM SIMD over the backend's own heap: a 759-byte module written
 * in heapStats.wat (MODULE is `base64 -w0` of `npx -p wabt wat2wasm heapStats.wat -o heapStats.wasm`),
 * instantiated on tfjs's own Memory, ~5× faster than the same loop in JS (0.05 against 0.26–0.32 ms
 * on the MNIST MLP, whose bare step takes ~2 ms). Elsewhere (the CPU backend, or a WASM without
 * SIMD) the same pass runs in JS. Both square and add in float64 in the same order, so they give
 * the same sums to the bit (test/unit/engine/heapStats.test.ts).
 */
import { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf';
import { hostFloats } from './hostMemory';

const MODULE = 'AGFzbQEAAAABDgJgAn9/AXxgBH9/f38AAg8BA2VudgZtZW1vcnkCAAADAwIAAQYlA3wBRAAAAAAAAAAAC3wBRAAAAAAAAAAAC3wBRAAAAAAAAAAACwccBQFnAwABZAMBAWEDAgVzdW1zcQAABHN0ZXAAAQqBBQK8AQMBfwV7AnwgACABQXxxQQJ0aiECAkADQCAAIAJPDQEgAP0AAgAhAyAD/V8hBCADIAP9DQgJCgsMDQ4PAAECAwQFBgf9XyEFIAYgBCAE/fIB/fABIQYgByAFIAX98gH98AEhByAAQRBqIQAMAAsLIAYgB/3wASEGIAb9IQAgBv0hAaAhCCACIAFBA3FBAnRqIQICQANAIAAgAk8NASAAKgIAuyEJIAggCSAJoqAhCCAAQQRqIQAMAAsLIAgLwAMDAn8RewZ8IANBfHFBAnQhBQJAA0AgBCAFTw0BIAAgBGr9AAIAIQYgASAEav0AAgAhByACIARq/QACACEIIAb9XyEJIAYgBv0NCAkKCwwNDg8AAQIDBAUGB/1fIQogB/1fIQsgByAH/Q0ICQoLDA0ODwABAgMEBQYH/V8hDCAI/V8hDSAIIAj9DQgJCgsMDQ4PAAECAwQFBgf9XyEOIAsgDf3xASEPIAwgDv3xASEQIBEgCSAJ/fIB/fABIREgEiAKIAr98gH98AEhEiATIA8gD/3yAf3wASETIBQgECAQ/fIB/fABIRQgFSANIA398gH98AEhFSAWIA4gDv3yAf3wASEWIARBEGohBAwACwsgESAS/fABIREgEyAU/fABIRMgFSAW/fABIRUgEf0hACAR/SEBoCEaIBP9IQAgE/0hAaAhGyAV/SEAIBX9IQGgIRwgA0ECdCEFAkADQCAEIAVPDQEgACAEaioCALshFyABIARqKgIAuyEYIAIgBGoqAgC7IRkgGiAXIBeioCEaIBggGaEhGCAbIBggGKKgIRsgHCAZIBmioCEcIARBBGohBAwACwsgGiQAIBskASAcJAIL';

/** The slice of the WebAssembly API used here (the engine's tsconfig has no DOM or WebAssembly lib). */
interface Wasm {
  Memory: abstract new (...args: never[]) => object;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const WA = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;

interface Kernels {
  sumsq(p: number, n: number): number;
  step(pg: number, pa: number, pb: number, n: number): void;
  g: { value: number };
  d: { value: number };
  a: { value: number };
}

/** Σ g², Σ (after − before)², Σ before² of the last `stepSums` call. */
export interface StepSums {
  grad: number;
  diff: number;
  before: number;
}

let instance: { memory: object; kernels: Kernels | undefined } | undefined;

/** The SIMD kernels bound to the current WASM backend's memory; undefined on other backends. */
function kernels(): { k: Kernels; backend: BackendWasm } | undefined {
  const backend = tf.backend();
  if (!(backend instanceof BackendWasm)) return undefined;
  const memory = (backend.wasm as unknown as { asm?: { memory?: unknown } }).asm?.memory;
  if (!(memory instanceof WA.Memory)) return undefined;
  if (instance?.memory !== memory) {
    let k: Kernels | undefined;
    try {
      const bytes = Buffer.from(MODULE, 'base64');
      k = new WA.Instance(new WA.Module(bytes), { env: { memory } }).exports as Kernels;
    } catch {
      k = undefined; // no WASM SIMD here: the JS loops below
    }
    instance = { memory, kernels: k };
  }
  const k = instance.kernels;
  return k ? { k, backend } : undefined;
}

function offset(backend: BackendWasm, t: tf.Tensor): number | undefined {
  if (t.dtype !== 'float32') return undefined;
  const info = backend.dataIdMap.get(t.dataId);
  return info && typeof info.memoryOffset === 'number' ? info.memoryOffset : undefined;
}

/**
 * A tensor sharing `t`'s data, as `t.clone()` gives, without the kernel dispatch (six per step on
 * an MLP: ~2–5 µs each). What the Identity kernel does: one more backend reference to the data, and
 * a tensor the engine tracks (disposed with the enclosing tidy).
 */
export function shareData(t: tf.Tensor): tf.Tensor {
  const engine = tf.engine();
  engine.backend.incRef(t.dataId);
  return engine.makeTensorFromDataId(t.dataId, t.shape, t.dtype, engine.backend);
}

/** Σ x² of a float32 tensor, in float64. */
export function tensorSumSquares(t: tf.Tensor): number {
  const w = kernels();
  const p = w && offset(w.backend, t);
  if (w && p !== undefined) return w.k.sumsq(p, t.size);
  return sumSquaresJs(hostFloats(t));
}

/** The three sums of one parameter: its gradient, θ after and θ before the update (same size). */
export function stepSums(g: tf.Tensor, after: tf.Tensor, before: tf.Tensor, out: StepSums): void {
  const w = kernels();
  const pg = w && offset(w.backend, g);
  const pa = w && offset(w.backend, after);
  const pb = w && offset(w.backend, before);
  if (w && pg !== undefined && pa !== undefined && pb !== undefined) {
    w.k.step(pg, pa, pb, g.size);
    out.grad = w.k.g.value;
    out.diff = w.k.d.value;
    out.before = w.k.a.value;
    return;
  }
  // Views into process memory: read them before any other tfjs call (hostMemory.ts).
  stepSumsJs(hostFloats(g), hostFloats(after), hostFloats(before), out);
}

/** Σ a² in float64; four accumulators, so the adds do not wait on each other (~4× faster). */
export function sumSquaresJs(a: Float32Array): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n4 = a.length - (a.length % 4);
  for (let i = 0; i < n4; i += 4) {
    s0 += a[i] * a[i];
    s1 += a[i + 1] * a[i + 1];
    s2 += a[i + 2] * a[i + 2];
    s3 += a[i + 3] * a[i + 3];
  }
  for (let i = n4; i < a.length; i++) s0 += a[i] * a[i];
  return s0 + s1 + s2 + s3;
}

export function stepSumsJs(g: Float32Array, a: Float32Array, b: Float32Array, out: StepSums): void {
  // Four accumulators per sum, combined as the SIMD kernel's lanes are: (0 + 2) + (1 + 3), then the tail.
  let g0 = 0, g1 = 0, g2 = 0, g3 = 0;
  let d0 = 0, d1 = 0, d2 = 0, d3 = 0;
  let b0 = 0, b1 = 0, b2 = 0, b3 = 0;
  const n4 = a.length - (a.length % 4);
  for (let i = 0; i < n4; i += 4) {
    const e0 = a[i] - b[i];
    const e1 = a[i + 1] - b[i + 1];
    const e2 = a[i + 2] - b[i + 2];
    const e3 = a[i + 3] - b[i + 3];
    g0 += g[i] * g[i];
    g1 += g[i + 1] * g[i + 1];
    g2 += g[i + 2] * g[i + 2];
    g3 += g[i + 3] * g[i + 3];
    d0 += e0 * e0;
    d1 += e1 * e1;
    d2 += e2 * e2;
    d3 += e3 * e3;
    b0 += b[i] * b[i];
    b1 += b[i + 1] * b[i + 1];
    b2 += b[i + 2] * b[i + 2];
    b3 += b[i + 3] * b[i + 3];
  }
  let gt = g0 + g2 + (g1 + g3);
  let dt = d0 + d2 + (d1 + d3);
  let bt = b0 + b2 + (b1 + b3);
  for (let i = n4; i < a.length; i++) {
    const e = a[i] - b[i];
    gt += g[i] * g[i];
    dt += e * e;
    bt += b[i] * b[i];
  }
  out.grad = gt;
  out.diff = dt;
  out.before = bt;
}
