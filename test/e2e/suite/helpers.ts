/**
 * What the e2e tests share: the extension's automation API as the contract describes it, and
 * polling helpers (the host works asynchronously: diagnostics, webview handshakes).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import * as vscode from 'vscode';
import type { BackendChoice, FixVerdict, RunSnapshot, RunSummary } from '../../../src/shared/protocol';

export const EXTENSION_ID = 'optimizer-debugger.optimizer-debugger';

/** What `activate()` returns (the contract for tests and automation). */
export interface ExtensionApi {
  getRuns(): RunSnapshot[];
  panelStats(): { ready: boolean; posted: number; stepsPosted: number };
  backend(): BackendChoice | undefined;
  /** The latest "apply fix and re-run" verdict. */
  lastVerdict?(): FixVerdict | undefined;
}

export async function activeApi(): Promise<ExtensionApi> {
  const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not installed in this host`);
  const api = ext.isActive ? ext.exports : await ext.activate();
  if (!api || typeof api.getRuns !== 'function') throw new Error('activate() did not return the automation API');
  return api;
}

/** Runs `optimizerDebugger.run` with the given argument and returns what the command resolves with. */
export function runCommand(arg?: vscode.Uri | { example: string }): Thenable<RunSummary | undefined> {
  return arg === undefined
    ? vscode.commands.executeCommand<RunSummary | undefined>('optimizerDebugger.run')
    : vscode.commands.executeCommand<RunSummary | undefined>('optimizerDebugger.run', arg);
}

/** Polls `probe` until it returns a value other than undefined/false, or throws after `timeoutMs`. */
/**
 * How long to wait for the panel's webview to load and take a message: usually 1–2 s in
 * code-server under Chromium, but 12 s and 30 s in two of a dozen CI runs on this 2-core machine
 * (nothing else running; the cause is not in our code's logs). Waits return as soon as it is there,
 * and the suite's per-test bound is 90 s.
 */
export const PANEL_MS = 60_000;

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false,
  timeoutMs = 10_000,
  intervalMs = 25,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * A fixture file in the open folder: the runners open a temp copy of test/e2e/fixtures/workspace;
 * a launch config may open test/e2e/fixtures itself.
 */
export function fixtureUri(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder open: the runner must open the fixture workspace');
  const candidates = [vscode.Uri.joinPath(folder.uri, name), vscode.Uri.joinPath(folder.uri, 'workspace', name)];
  const found = candidates.find((u) => existsSync(u.fsPath));
  if (!found) throw new Error(`fixture ${name} not found under ${folder.uri.fsPath}`);
  return found;
}

/** Runs whose source is the given file path or example id, newest last. */
export function runsFrom(api: ExtensionApi, source: string): RunSnapshot[] {
  return api.getRuns().filter((r) => r.info.source === source || r.info.source.endsWith(source));
}

/** The one run with this source that appeared after `before` runs were recorded. */
export function newRun(api: ExtensionApi, source: string, before: Set<string>): RunSnapshot | undefined {
  return runsFrom(api, source).find((r) => !before.has(r.info.runId));
}

export function runIds(api: ExtensionApi): Set<string> {
  return new Set(api.getRuns().map((r) => r.info.runId));
}

/** `training.steps` of a built-in example, read from the file the extension ships. */
export function exampleSteps(id: string): number {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error('extension missing');
  const file = join(ext.extensionPath, 'examples', `${id}.optim.json`);
  const value = parseJsonc(readFileSync(file, 'utf8')) as { training?: { steps?: unknown } };
  const steps = value?.training?.steps;
  if (typeof steps !== 'number') throw new Error(`${file} has no numeric training.steps`);
  return steps;
}

/** Resolves with the promise's value, or rejects if it takes longer than `ms`. */
export async function within<T>(ms: number, what: string, p: Thenable<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([Promise.resolve(p), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
