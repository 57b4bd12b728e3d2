/**
 * A float32 tensor's values without a copy where the backend keeps them in process memory: a view
 * into the WASM heap, or the CPU backend's own array (what its dataSync returns anyway).
 *
 * trainStep reads every gradient and parameter back each step to compute its statistics in JS;
 * `dataSync` on WASM allocates and copies (≈ 3 × 440 KB per step on the MNIST MLP), and that
 * garbage costs more than the arithmetic. The view is valid only until the next tfjs call that may
 * allocate or free (the heap can move or be reused): read it at once, never keep it.
 */
import { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf';

export function hostFloats(t: tf.Tensor): Float32Array {
  const backend = tf.backend();
  if (backend instanceof BackendWasm && t.dtype === 'float32') {
    const info = backend.dataIdMap.get(t.dataId);
    // HEAPU8 is the Emscripten module's heap (what the backend's own readSync slices).
    const heap = (backend.wasm as unknown as { HEAPU8?: Uint8Array }).HEAPU8;
    if (info && heap && typeof info.memoryOffset === 'number') return new Float32Array(heap.buffer, info.memoryOffset, t.size);
  }
  return t.dataSync() as Float32Array;
}
