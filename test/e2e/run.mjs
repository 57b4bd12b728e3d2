// `npm run test:e2e`: the extension in a real VS Code, offline. Starts code-server (VS Code 1.100)
// from the tools cache, opens its workbench in headless Debian Chromium through playwright-core,
// runs the in-host mocha suite (out/e2e/suite) against a temp copy of the fixture workspace, then
// the UI test (ui.mjs). Exits non-zero on any failure; ends with "N passed, N failed".
// Env: OPTDBG_E2E_GREP (filter suite tests), OPTDBG_E2E_SKIP_UI=1, OPTDBG_E2E_TIMEOUT_S (default 360).
import {
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { buildSuite, repoRoot } from './build-suite.mjs';
import { startCodeServer } from './lib/codeServer.mjs';
import { ensureBuilt, ensureTools } from './lib/tools.mjs';
import { launchBrowser, openWorkbench, workbenchUrl } from './lib/workbench.mjs';
import { outputDir, runUiTest } from './ui.mjs';

const NOISE =
  /^(Resolving connection token|Resolved connection token|Creating a socket|Updating additional builtin|\[Service Worker\]|ChatSessionStore|.*open-vsx\.org|\s+at .*(workbench\.js|\/static\/out\/)|\s*$)/;
const overallTimeoutMs = Number(process.env.OPTDBG_E2E_TIMEOUT_S ?? 360) * 1000;
const started = Date.now();
const recent = [];
function say(line) {
  console.log(line);
  recent.push(line);
  if (recent.length > 60) recent.shift();
}
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

let server;
let context;
let tmp;
function cleanup() {
  // Synchronous on purpose: it also runs from process.on('exit').
  server?.stop();
  server = undefined;
  if (tmp && !process.env.OPTDBG_E2E_KEEP) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    console.error(`e2e: ${sig}, stopping code-server`);
    cleanup();
    process.exit(130);
  });
}

const watchdog = setTimeout(() => {
  console.error(`\ne2e: TIMEOUT after ${overallTimeoutMs / 1000} s. Last lines:\n${recent.join('\n')}`);
  if (server) console.error(`\n--- code-server log tail ---\n${server.tail(30)}`);
  console.log('0 passed, 1 failed (timeout)');
  cleanup();
  process.exit(1);
}, overallTimeoutMs);

async function main() {
  ensureTools();
  if (!process.env.OPTDBG_E2E_EXTENSION_PATH) ensureBuilt();
  const suiteIndex = await buildSuite();

  tmp = mkdtempSync(join(tmpdir(), 'optdbg-e2e-'));
  const folder = join(tmp, 'workspace');
  cpSync(join(repoRoot, 'test', 'e2e', 'fixtures', 'workspace'), folder, { recursive: true });
  const resultFile = join(tmp, 'suite-result.json');

  server = await startCodeServer({
    tmp,
    env: {
      OPTDBG_E2E_RESULT: resultFile,
      ...(process.env.OPTDBG_E2E_GREP ? { OPTDBG_E2E_GREP: process.env.OPTDBG_E2E_GREP } : {}),
    },
  });
  say(`e2e: code-server on port ${server.port} (${elapsed()})`);
  context = await launchBrowser(join(tmp, 'chromium'));

  let passed = 0;
  let failed = 0;

  // 1. In-host suite.
  // Everything the workbench logs goes to .test-output/e2e-workbench.log; the console gets the
  // suite's output without the workbench's offline noise (open-vsx lookups, socket chatter).
  mkdirSync(outputDir, { recursive: true });
  const fullLog = createWriteStream(join(outputDir, 'e2e-workbench.log'));
  const onLog = (type, line) => {
    fullLog.write(`[${type}] ${line}\n`);
    if (type === 'pageerror') return;
    for (const l of line.replace(/\n$/, '').split('\n')) {
      if (!NOISE.test(l)) say(`  ${l}`);
    }
  };
  // OPTDBG_E2E_EXTENSION_PATH: try the harness on another extension folder that links out/ to ours.
  const extensionPath = process.env.OPTDBG_E2E_EXTENSION_PATH ?? repoRoot;
  const testsPath = join(extensionPath, relative(repoRoot, suiteIndex));
  const url = workbenchUrl({ port: server.port, folder, extensionPath, testsPath });
  say('e2e: in-host suite');
  const { page, exited } = await openWorkbench(context, url, onLog);
  const code = await exited;
  await page.close().catch(() => {});
  if (existsSync(resultFile)) {
    const r = JSON.parse(readFileSync(resultFile, 'utf8'));
    passed += r.passed;
    failed += r.failed;
    say(`e2e: suite exit ${code}: ${r.passed} passed, ${r.failed} failed, ${r.pending} pending (${elapsed()})`);
    for (const f of r.failures) say(`  FAILED ${f.title}`);
  } else {
    failed += 1;
    say(`e2e: suite exit ${code} and no result file: the suite did not run (see log above)`);
    say(`--- code-server log tail ---\n${server.tail(30)}`);
  }
  if (code !== 0 && failed === 0) failed += 1; // exit code says failure though no test failed
  if (code !== 0) {
    const errors = extensionHostErrors(join(tmp, 'user-data', 'logs'));
    if (errors) say(`--- extension host errors ---\n${errors}`);
  }

  // 2. UI test.
  if (!process.env.OPTDBG_E2E_SKIP_UI) {
    say('e2e: UI test');
    // A folder of its own: the workbench would otherwise restore the suite's editors and panel.
    const uiFolder = join(tmp, 'ui', 'experiments');
    cpSync(join(repoRoot, 'test', 'e2e', 'fixtures', 'workspace'), uiFolder, { recursive: true });
    try {
      const checks = await runUiTest({ context, port: server.port, folder: uiFolder, onLog: (t, l) => fullLog.write(`[ui ${t}] ${l}\n`), step: say });
      passed += checks.filter((c) => c.ok).length;
      failed += checks.filter((c) => !c.ok).length;
    } catch (e) {
      failed += 1;
      say(`e2e: UI test failed: ${e?.message ?? e} (screenshot .test-output/ui-failure.png)`);
    }
    say(`e2e: UI done (${elapsed()})`);
  }
  return { passed, failed };
}

/** `[error]` lines of the extension host logs (activation failures never reach the suite's output). */
function extensionHostErrors(logsDir) {
  const out = [];
  const walk = (dir) => {
    for (const e of existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : []) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/exthost\.log$/.test(e.name)) {
        const lines = readFileSync(p, 'utf8').split('\n');
        lines.forEach((l, i) => {
          if (l.includes('[error]') && !/open-vsx|ENOTFOUND/.test(l)) out.push(...lines.slice(i, i + 3));
        });
      }
    }
  };
  walk(logsDir);
  return out.slice(0, 30).join('\n');
}

let exitCode = 1;
try {
  const { passed, failed } = await main();
  console.log(`\n${passed} passed, ${failed} failed`);
  exitCode = failed === 0 && passed > 0 ? 0 : 1;
} catch (e) {
  console.error(`e2e: harness error: ${e?.stack ?? e}`);
  if (server) console.error(`--- code-server log tail ---\n${server.tail(30)}`);
  console.log('\n0 passed, 1 failed (harness error)');
} finally {
  clearTimeout(watchdog);
  await context?.close().catch(() => {});
  cleanup();
}
process.exit(exitCode);
