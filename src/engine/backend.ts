/**
 * Chooses the tfjs backend at run time. The native backends (tfjs-node-gpu, tfjs-node) are
 * optional: their installer downloads libtensorflow, so they are never dependencies; we load them
 * with a runtime `require` (esbuild leaves them external) from the extension's node_modules or
 * from folders the user configures. Otherwise WASM, otherwise the pure-JS CPU backend.
 * Independently of the tfjs backend, dense layers may run on a native BLAS (./native/): the
 * choice says which BLAS, or why none.
 */
import * as fs from 'fs';
import * as path from 'path';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendChoice, BackendPreference } from '../shared/protocol';
import { useNativeKernels } from './native/kernels';
import { blasEnvOff, loadNativeKernels, type NativeLoad } from './native/load';
import { tf } from './tf';

export type Candidate = 'node-gpu' | 'node' | 'wasm' | 'cpu';

export interface Attempt {
  ok: boolean;
  choice?: BackendChoice;
  /** Why it did not work, e.g. "@tensorflow/tfjs-node not installed". */
  why?: string;
}

const FALLBACKS: Record<BackendPreference, Candidate[]> = {
  auto: ['node-gpu', 'node', 'wasm', 'cpu'],
  'node-gpu': ['node-gpu', 'node', 'wasm', 'cpu'],
  node: ['node', 'wasm', 'cpu'],
  wasm: ['wasm', 'cpu'],
  cpu: ['cpu'],
};

const NATIVE_PACKAGE: Record<'node-gpu' | 'node', string> = {
  'node-gpu': '@tensorflow/tfjs-node-gpu',
  node: '@tensorflow/tfjs-node',
};

/**
 * Makes the best available backend current (`tf.setBackend`) and says which and why.
 * Explicit preferences fall back down the same ladder, with the reason naming what failed.
 */
export async function selectBackend(
  pref: BackendPreference,
  nodeModulesPaths: string[] = [],
  blas = true,
): Promise<BackendChoice> {
  const choice = await chooseBackend(pref, (c) => tryCandidate(c, nodeModulesPaths));
  return withNativeBlas(choice, blas);
}

/**
 * Makes the native BLAS kernels current (or none) and says so in the choice: `blas` is the user's
 * switch (setting `optimizerDebugger.nativeBlas`, CLI `--no-blas`); OPTIMIZER_DEBUGGER_BLAS=off
 * turns them off too. `load` is the loader (tests pass their own).
 */
export function withNativeBlas(
  choice: BackendChoice,
  blas: boolean,
  load: () => NativeLoad = loadNativeKernels,
  env: { OPTIMIZER_DEBUGGER_BLAS?: string } = process.env,
): BackendChoice {
  const value = env.OPTIMIZER_DEBUGGER_BLAS;
  const off = !blas ? 'native BLAS turned off' : blasEnvOff(value) ? `native BLAS off (OPTIMIZER_DEBUGGER_BLAS=${value})` : undefined;
  if (off) {
    useNativeKernels(undefined);
    return { ...choice, reason: `${choice.reason}; ${off}` };
  }
  const { kernels, why } = load();
  useNativeKernels(kernels);
  if (!kernels) return { ...choice, reason: `${choice.reason}; no native BLAS (${why ?? 'unknown reason'})` };
  return {
    ...choice,
    label: `${choice.label} + ${blasShortName(kernels.library)}`,
    reason: `${choice.reason}; dense nets beyond the small-net JS step train on ${kernels.library}`,
    blas: kernels.library,
  };
}

/** "OpenBLAS 0.3.21 Haswell (libopenblas.so.0)" → "OpenBLAS": the status bar has little room. */
export function blasShortName(library: string): string {
  return library.split(' ')[0] || 'BLAS';
}

/** The fallback ladder itself, with the way of trying one rung passed in (tests fake failures). */
export async function chooseBackend(
  pref: BackendPreference,
  tryOne: (c: Candidate) => Promise<Attempt>,
): Promise<BackendChoice> {
  const failures: string[] = [];
  for (const candidate of FALLBACKS[pref]) {
    const attempt = await tryOne(candidate);
    if (attempt.ok && attempt.choice) {
      const head = pref === 'auto' ? 'auto' : `${pref} requested`;
      const using = `using ${attempt.choice.label}`;
      const reason = failures.length ? `${head}: ${failures.join('; ')}; ${using}` : `${head}: ${using}`;
      return { ...attempt.choice, reason };
    }
    failures.push(attempt.why ?? `${candidate} unavailable`);
  }
  // CPU is pure JS and registered on import: reaching this means tfjs itself is broken.
  throw new Error(`no tfjs backend could be initialised (${failures.join('; ')})`);
}

export async function tryCandidate(c: Candidate, nodeModulesPaths: string[] = []): Promise<Attempt> {
  switch (c) {
    case 'node-gpu':
    case 'node':
      return tryNative(c, nodeModulesPaths);
    case 'wasm':
      return tryWasm();
    case 'cpu':
      return (await setBackendQuietly('cpu'))
        ? { ok: true, choice: { name: 'cpu', label: 'cpu', reason: '' } }
        : { ok: false, why: 'cpu backend failed to initialise' };
  }
}

async function tryNative(c: 'node-gpu' | 'node', nodeModulesPaths: string[]): Promise<Attempt> {
  const pkg = NATIVE_PACKAGE[c];
  const ids = [pkg, ...nodeModulesPaths.map((p) => path.join(p, pkg))];
  let loadError: string | undefined;
  for (const id of ids) {
    try {
      // A non-literal require keeps bundlers from trying to resolve the optional package.
      runtimeRequire(id);
    } catch (e) {
      if (isNotFound(e, id)) continue;
      loadError = `${pkg} failed to load: ${firstLine(e)}`;
      continue;
    }
    if (await setBackendQuietly('tensorflow')) {
      return { ok: true, choice: { name: 'tensorflow', label: c === 'node-gpu' ? 'tfjs-node-gpu' : 'tfjs-node', reason: '' } };
    }
    return { ok: false, why: `${pkg} loaded but its backend did not initialise` };
  }
  return { ok: false, why: loadError ?? `${pkg} not installed` };
}

async function tryWasm(): Promise<Attempt> {
  const dir = wasmDir();
  if (!dir) return { ok: false, why: 'tfjs-backend-wasm*.wasm files not found' };
  setWasmPaths(dir.endsWith(path.sep) ? dir : dir + path.sep);
  if (!(await setBackendQuietly('wasm'))) return { ok: false, why: 'WASM backend failed to initialise' };
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  return { ok: true, choice: { name: 'wasm', label: simd ? 'wasm (SIMD)' : 'wasm', reason: '' } };
}

/**
 * Where the .wasm binaries are: next to the bundle (the build copies them into dist/), or in the
 * package itself when running from sources (tests, tsx).
 */
export function wasmDir(): string | undefined {
  const candidates = [__dirname];
  try {
    candidates.push(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')));
  } catch {
    // not resolvable (e.g. a bundle shipped without node_modules): __dirname is the only hope
  }
  return candidates.find((d) => fs.existsSync(path.join(d, 'tfjs-backend-wasm.wasm')));
}

async function setBackendQuietly(name: string): Promise<boolean> {
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

function runtimeRequire(id: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(id);
}

function isNotFound(e: unknown, id: string): boolean {
  const err = e as { code?: string; message?: string };
  return err.code === 'MODULE_NOT_FOUND' && typeof err.message === 'string' && err.message.includes(id);
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0];
}
