/**
 * Extension activation: the built bundle's require() + activate() in fresh processes
 * (activationProbe.cjs, with a stand-in `vscode`), median of `n`. Needs `npm run build` first.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface Activation {
  requireMs: number;
  activateMs: number;
  tfjsModulesLoaded: number;
  error?: string;
}

export function activation(n = 7): Activation | string {
  const root = path.join(__dirname, '..');
  if (!fs.existsSync(path.join(root, 'dist/extension.js'))) return 'dist/extension.js missing: run `npm run build` first';
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'optdbg-activation-'));
  try {
    const runs: Activation[] = [];
    for (let i = 0; i < n; i++) {
      const out = execFileSync(process.execPath, [path.join(__dirname, 'activationProbe.cjs'), root, scratch], { encoding: 'utf8' });
      const r = JSON.parse(out.trim().split('\n').pop() ?? '{}') as Activation & { error: string | null };
      if (r.error) return `activate() threw with the stand-in vscode: ${r.error}`;
      runs.push(r);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    return {
      requireMs: median(runs.map((r) => r.requireMs)),
      activateMs: median(runs.map((r) => r.activateMs)),
      tfjsModulesLoaded: Math.max(...runs.map((r) => r.tfjsModulesLoaded)),
    };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
