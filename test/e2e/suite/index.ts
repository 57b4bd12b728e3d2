/**
 * Entry point of the in-host suite: VS Code (code-server or test-electron) loads this file in the
 * extension host and awaits `run()`. Mocha runs programmatically on the compiled test files next to
 * this one. Counts and failures also go to a JSON file named by OPTDBG_E2E_RESULT, because the
 * browser-side exit code alone does not say how many tests ran.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export interface SuiteResult {
  passed: number;
  failed: number;
  pending: number;
  failures: { title: string; message: string }[];
  durationMs: number;
}

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    // The host runs real training: generous per-test bound, the runner has its own overall timeout.
    timeout: 90_000,
    color: false,
    reporter: 'spec',
  });
  const grep = process.env.OPTDBG_E2E_GREP;
  if (grep) mocha.grep(grep);
  for (const f of readdirSync(__dirname).sort()) {
    if (f.endsWith('.test.js')) mocha.addFile(join(__dirname, f));
  }

  const started = Date.now();
  return new Promise((resolve, reject) => {
    const result: SuiteResult = { passed: 0, failed: 0, pending: 0, failures: [], durationMs: 0 };
    const runner = mocha.run((failures) => {
      result.durationMs = Date.now() - started;
      writeResult(result);
      if (failures > 0) reject(new Error(`${failures} of ${result.passed + result.failed} e2e tests failed`));
      else resolve();
    });
    runner.on('pass', () => result.passed++);
    runner.on('pending', () => result.pending++);
    runner.on('fail', (test, err: unknown) => {
      result.failed++;
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      result.failures.push({ title: test.fullTitle(), message });
    });
  });
}

function writeResult(result: SuiteResult): void {
  const file = process.env.OPTDBG_E2E_RESULT;
  if (!file) return;
  try {
    writeFileSync(file, JSON.stringify(result, null, 2));
  } catch (e) {
    console.error(`e2e: cannot write result file ${file}: ${String(e)}`);
  }
}
