/**
 * Finds and loads the native BLAS addon (native/optdbg_native.c, built by scripts/build-native.mjs)
 * and opens a BLAS through it. Never throws: every way it can fail (not built, built for another
 * platform, no BLAS on the machine, OPTIMIZER_DEBUGGER_BLAS naming a missing file) becomes `why`,
 * which the backend choice reports (status bar tooltip, CLI summary, output channel).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { NativeKernels, NativeUpdates } from './kernels';

export interface NativeLoad {
  kernels?: NativeKernels;
  /** Why there are no kernels, e.g. "no BLAS library found: tried libopenblas.so.0 (…), …". */
  why?: string;
}

/** What the addon exports (native/optdbg_native.c). */
interface Addon {
  open(library?: string): string;
  sgemm: NativeKernels['sgemm'];
  sumSquares: NativeKernels['sumSquares'];
  diffSquares: NativeKernels['diffSquares'];
  /** Absent from addons built before the optimizer updates. */
  updateIsa?: NativeUpdates['isa'];
  sgdUpdate?: NativeUpdates['sgdUpdate'];
  momentumUpdate?: NativeUpdates['momentumUpdate'];
  adamUpdate?: NativeUpdates['adamUpdate'];
}

const FILE = 'optdbg_native.node';

export interface LoadOptions {
  /** Folders to look for optdbg_native.node in, first match wins (default: addonDirs()). */
  dirs?: readonly string[];
  /** OPTIMIZER_DEBUGGER_BLAS: a BLAS library to use instead of the usual list; "off" disables. */
  blasEnv?: string;
}

/**
 * Where the addon may be: next to the running bundle (dist/native/, where scripts/build.mjs copies
 * it), and when running from sources (tests, tsx: this file is src/engine/native/) the fresh
 * node-gyp output before the copy in dist/.
 */
export function addonDirs(): string[] {
  const repo = path.resolve(__dirname, '..', '..', '..');
  return [
    path.join(__dirname, 'native'),
    path.join(repo, 'native', 'build', 'Release'),
    path.join(repo, 'dist', 'native'),
  ];
}

/** Whether OPTIMIZER_DEBUGGER_BLAS turns the kernels off (rather than naming a library). */
export function blasEnvOff(value: string | undefined): boolean {
  return value !== undefined && /^(off|0|false|none)$/i.test(value.trim());
}

let cached: NativeLoad | undefined;

/** The kernels (loaded once per thread: the worker, or the CLI's process), or why there are none. */
export function loadNativeKernels(): NativeLoad {
  cached ??= loadNativeKernelsWith({ blasEnv: process.env.OPTIMIZER_DEBUGGER_BLAS });
  return cached;
}

/** loadNativeKernels without the cache, every input explicit (tests). */
export function loadNativeKernelsWith(opts: LoadOptions = {}): NativeLoad {
  try {
    if (blasEnvOff(opts.blasEnv)) return { why: `OPTIMIZER_DEBUGGER_BLAS=${opts.blasEnv}` };
    const dirs = opts.dirs ?? addonDirs();
    const file = dirs.map((d) => path.join(d, FILE)).find((f) => fs.existsSync(f));
    if (!file) return { why: 'native addon not built (npm run build:native)' };
    let addon: Addon;
    try {
      addon = runtimeRequire(file) as Addon;
    } catch (e) {
      return { why: `native addon failed to load: ${firstLine(e)}` };
    }
    if (typeof addon?.open !== 'function') return { why: `${file} is not the optimizer-debugger addon` };
    const library = opts.blasEnv?.trim() ? opts.blasEnv.trim() : undefined;
    let name: string;
    try {
      name = addon.open(library);
    } catch (e) {
      return { why: library ? `OPTIMIZER_DEBUGGER_BLAS: ${firstLine(e)}` : firstLine(e) };
    }
    return {
      kernels: {
        library: name,
        sgemm: addon.sgemm,
        sumSquares: addon.sumSquares,
        diffSquares: addon.diffSquares,
        updates: updatesOf(addon),
      },
    };
  } catch (e) {
    return { why: `native addon: ${firstLine(e)}` };
  }
}

/**
 * The addon's optimizer updates when it has them and a vector unit to run them on: its portable C
 * (no AVX2) is slower than the WASM SIMD kernels it would replace, so those stay.
 */
function updatesOf(addon: Addon): NativeUpdates | undefined {
  const { updateIsa, sgdUpdate, momentumUpdate, adamUpdate } = addon;
  if (!updateIsa || !sgdUpdate || !momentumUpdate || !adamUpdate || updateIsa() === 'portable') return undefined;
  return { isa: updateIsa, sgdUpdate, momentumUpdate, adamUpdate };
}

function runtimeRequire(id: string): unknown {
  // A non-literal require: esbuild leaves it alone and the bundle loads the .node at run time.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(id);
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0];
}
