/**
 * Root hooks of `npm run test:robustness`: build `dist/` when it is missing (the suite spawns the
 * CLI and starts the real training worker), and print the report at the end.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { formatReport } from './report';

export const repoRoot = path.resolve(__dirname, '..', '..');

export const mochaHooks = {
  beforeAll(this: { timeout(ms: number): void }): void {
    this.timeout(180_000);
    const needed = ['cli.js', 'worker.js'].map((f) => path.join(repoRoot, 'dist', f));
    if (needed.every((f) => existsSync(f))) return;
    execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, stdio: 'inherit' });
  },
  afterAll(): void {
    process.stdout.write(formatReport());
  },
};
