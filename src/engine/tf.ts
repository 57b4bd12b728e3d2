/**
 * The single place the engine imports TensorFlow.js from. Importing the CPU and WASM backend
 * packages registers them (registration is lazy: nothing initialises until `setBackend`).
 * We use tfjs-core plus backends rather than the umbrella package: no layers, no converter.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients (the umbrella package does this import): autodiff needs it.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { MathBackendCPU, version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { version_wasm } from '@tensorflow/tfjs-backend-wasm';

// PROD only silences tfjs console chatter (e.g. the CPU backend's "install tfjs-node" banner on
// stderr); the engine reports its backend choice itself and the CLI's stdout must stay clean.
tf.env().set('PROD', true);

// The CPU package's node entry is outside its own "sideEffects" list, so esbuild drops a bare
// `import '@tensorflow/tfjs-backend-cpu'` (and an unused named one): the backend would silently
// never register in the bundles. Using an export keeps the module, whose body registers the
// backend and its kernels; the guard only re-registers if that ever stops being true.
if (tf.findBackendFactory('cpu') == null) tf.registerBackend('cpu', () => new MathBackendCPU(), 1);

export { tf };

/** Library versions, for logs and bug reports. */
export const TFJS_VERSIONS = { core: tf.version_core, cpu: version_cpu, wasm: version_wasm };

/**
 * A variable from a tensor built just for it. `tf.variable` takes its own reference and does not
 * free the initial tensor, so building it inside `tidy` avoids leaking one tensor per variable.
 */
export function makeVariable<R extends tf.Rank>(init: () => tf.Tensor<R>, trainable = true): tf.Variable<R> {
  return tf.tidy(() => tf.variable(init(), trainable));
}
