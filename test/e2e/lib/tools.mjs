// Where the offline test tools live, and installing them when missing (scripts/setup-e2e.sh).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../build-suite.mjs';

export const toolsDir = process.env.OPTDBG_TOOLS_DIR ?? join(repoRoot, '.tools');
export const codeServerBin = join(toolsDir, 'node_modules', '.bin', 'code-server');
export const chromiumBin = process.env.OPTDBG_CHROMIUM ?? '/usr/bin/chromium';

export function ensureTools() {
  if (existsSync(codeServerBin) && existsSync(chromiumBin)) return;
  console.log('e2e: code-server or chromium missing, running scripts/setup-e2e.sh');
  const r = spawnSync('bash', [join(repoRoot, 'scripts', 'setup-e2e.sh')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`scripts/setup-e2e.sh failed (exit ${r.status ?? r.signal})`);
  if (!existsSync(codeServerBin)) throw new Error(`code-server still missing at ${codeServerBin}`);
  if (!existsSync(chromiumBin)) throw new Error(`chromium still missing at ${chromiumBin}`);
}

/** Builds the extension bundles if `npm test` did not just do it (e.g. `npm run test:e2e` alone). */
export function ensureBuilt() {
  const needed = ['dist/extension.js', 'dist/worker.js', 'dist/webview/main.js'];
  if (needed.every((f) => existsSync(join(repoRoot, f)))) return;
  console.log('e2e: dist/ incomplete, running npm run build');
  const r = spawnSync('npm', ['run', '-s', 'build'], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build failed');
}
