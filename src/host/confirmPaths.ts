/**
 * Before a run: files the experiment reads from outside the workspace need the user's yes (a
 * modal dialog). A yes is remembered for the session, per file. Without a workspace folder the
 * experiment's own folder is the boundary.
 */
import * as vscode from 'vscode';
import type { Experiment } from '../shared/experiment';
import { pathsOutside } from './dataPaths';

const approved = new Set<string>();
const RUN_ANYWAY = 'Run Anyway';

/**
 * True: go ahead (nothing outside, or the user agreed). `shippedRoots`: folders of the extension
 * itself (its examples and their model modules), trusted like the extension's own code.
 */
export async function confirmOutsidePaths(exp: Experiment, baseDir: string, log: vscode.LogOutputChannel, shippedRoots: readonly string[] = []): Promise<boolean> {
  const folders = vscode.workspace.workspaceFolders?.map((f) => f.uri.fsPath) ?? [];
  const roots = [...(folders.length > 0 ? folders : [baseDir]), ...shippedRoots];
  const outside = pathsOutside(exp, baseDir, roots).filter((p) => !approved.has(p.resolved));
  if (outside.length === 0) return true;
  const n = outside.length;
  const choice = await vscode.window.showWarningMessage(
    `This experiment reads ${n === 1 ? 'a file' : `${n} files`} outside the workspace. Run it anyway?`,
    { modal: true, detail: outside.map((p) => `${p.pointer}: ${p.resolved}`).join('\n') },
    RUN_ANYWAY,
  );
  if (choice !== RUN_ANYWAY) {
    log.warn(`Not started: the experiment reads files outside the workspace (${outside.map((p) => p.resolved).join(', ')}) and the user declined.`);
    return false;
  }
  for (const p of outside) approved.add(p.resolved);
  log.info(`Reading files outside the workspace, approved by the user: ${outside.map((p) => p.resolved).join(', ')}`);
  return true;
}
