// `npm run test:electron`: the same in-host suite as `npm run test:e2e`, run the ecosystem's
// standard way with @vscode/test-electron, which downloads VS Code (needs internet; cached in
// .vscode-test/). On Linux without a display, run it under `xvfb-run -a`.
// Env: OPTDBG_VSCODE_VERSION (default "stable"; "1.100.3" matches the offline harness),
// OPTDBG_E2E_GREP (filter tests).
import { runTests } from '@vscode/test-electron';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSuite, repoRoot } from './build-suite.mjs';

const suiteIndex = await buildSuite();
const tmp = mkdtempSync(join(tmpdir(), 'optdbg-electron-'));
const folder = join(tmp, 'workspace');
cpSync(join(repoRoot, 'test', 'e2e', 'fixtures', 'workspace'), folder, { recursive: true });
const resultFile = join(tmp, 'suite-result.json');

let code = 1;
try {
  code = await runTests({
    version: process.env.OPTDBG_VSCODE_VERSION ?? 'stable',
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: suiteIndex,
    extensionTestsEnv: {
      OPTDBG_E2E_RESULT: resultFile,
      ...(process.env.OPTDBG_E2E_GREP ? { OPTDBG_E2E_GREP: process.env.OPTDBG_E2E_GREP } : {}),
    },
    // runTests itself adds --no-sandbox, --disable-workspace-trust, --skip-welcome and a profile
    // under .vscode-test/ unless a user-data dir is given.
    launchArgs: [
      folder,
      '--disable-extensions', // other installed extensions; the one under development still loads
      '--user-data-dir', join(tmp, 'user-data'),
    ],
  });
} catch (e) {
  // runTests rejects with TestRunFailedError when VS Code exits non-zero (a failing test).
  console.error(`test-electron: ${e?.message ?? e}`);
  code = typeof e?.code === 'number' && e.code !== 0 ? e.code : 1;
} finally {
  if (existsSync(resultFile)) {
    const r = JSON.parse(readFileSync(resultFile, 'utf8'));
    console.log(`\n${r.passed} passed, ${r.failed} failed`);
  } else {
    console.log('\nno result file: the suite did not run');
  }
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(code);
