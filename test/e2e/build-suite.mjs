// Compiles the in-host e2e suite (test/e2e/suite/*.ts) to out/e2e/suite/*.js, one file per test
// so mocha's addFile can load them. `vscode` and `mocha` stay external: the host provides the
// former, the repo's node_modules the latter.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const suiteOutDir = join(repoRoot, 'out', 'e2e', 'suite');
export const suiteIndex = join(suiteOutDir, 'index.js');

export async function buildSuite() {
  const srcDir = join(repoRoot, 'test', 'e2e', 'suite');
  const entryPoints = readdirSync(srcDir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(srcDir, f));
  rmSync(suiteOutDir, { recursive: true, force: true });
  await esbuild.build({
    absWorkingDir: repoRoot,
    entryPoints,
    outdir: suiteOutDir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    // jsonc-parser's `main` is a UMD build whose internal requires esbuild cannot follow.
    mainFields: ['module', 'main'],
    logLevel: 'warning',
  });
  return suiteIndex;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildSuite();
  console.log(`e2e suite built into ${suiteOutDir}`);
}
