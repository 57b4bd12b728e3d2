// One build for the four bundles: extension host (node, `vscode` external), training worker,
// webview (browser iife) and CLI. Also copies the tfjs WASM binaries next to the bundles, since
// the WASM backend loads them from disk at run time (setWasmPaths), and the native BLAS addon
// into dist/native/ when it was built (engine/native/load.ts looks for it there).
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

// Optional native backends are loaded at run time only when present, never bundled.
const optionalNative = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

const nodeCommon = {
  ...common,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // jsonc-parser's UMD `main` has requires esbuild cannot follow; its ESM build bundles cleanly.
  mainFields: ['module', 'main'],
  external: ['vscode', ...optionalNative],
};

const builds = [
  { ...nodeCommon, entryPoints: ['src/host/extension.ts'], outfile: 'dist/extension.js' },
  { ...nodeCommon, entryPoints: ['src/worker/trainingWorker.ts'], outfile: 'dist/worker.js' },
  {
    ...nodeCommon,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview/main.js',
  },
];

function copyWasm() {
  const from = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  mkdirSync(join(root, 'dist'), { recursive: true });
  for (const f of readdirSync(from)) {
    if (f.endsWith('.wasm')) copyFileSync(join(from, f), join(root, 'dist', f));
  }
}

/** The addon is optional (scripts/build-native.mjs): without it, no stale copy may stay behind. */
function copyNative() {
  const from = join(root, 'native/build/Release/optdbg_native.node');
  const dir = join(root, 'dist/native');
  if (!existsSync(from)) {
    rmSync(dir, { recursive: true, force: true });
    return;
  }
  mkdirSync(dir, { recursive: true });
  // Copy then rename: a running worker has the old file mapped, and overwriting it in place crashes it.
  const tmp = join(dir, `optdbg_native.node.${process.pid}.tmp`);
  copyFileSync(from, tmp);
  renameSync(tmp, join(dir, 'optdbg_native.node'));
}

copyWasm();
copyNative();
if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('esbuild: watching');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
