// Opens the VS Code workbench served by code-server in headless Chromium (playwright-core), with
// the extension under development loaded from the repo and, optionally, the in-host test suite.
import { format } from 'node:util';
import { chromium } from 'playwright-core';
import { chromiumBin } from './tools.mjs';

export async function launchBrowser(userDataDir) {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumBin,
    headless: true,
    viewport: { width: 1600, height: 1000 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/**
 * The workbench URL. The `vscode-remote` authority must equal the browser's host:port, and the
 * tests path must lie inside the extension folder, or the workbench refuses to load them.
 */
export function workbenchUrl({ port, folder, extensionPath, testsPath }) {
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [['extensionDevelopmentPath', remote(extensionPath)]];
  if (testsPath) payload.push(['extensionTestsPath', remote(testsPath)]);
  return (
    `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}` +
    `&payload=${encodeURIComponent(JSON.stringify(payload))}`
  );
}

/**
 * Opens a page and wires the automation hooks the workbench calls when it runs extension tests:
 * `codeAutomationLog` (console output of the extension host) and `codeAutomationExit`.
 * @returns {Promise<{ page: import('playwright-core').Page, exited: Promise<number> }>}
 */
export async function openWorkbench(context, url, onLog) {
  const page = await context.newPage();
  let resolveExit;
  const exited = new Promise((r) => (resolveExit = r));
  await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const parts = Array.isArray(args) ? args : [args];
    onLog(type, format(...parts));
  });
  page.on('pageerror', (err) => onLog('pageerror', String(err)));
  await page.goto(url);
  return { page, exited };
}
