/**
 * "Apply fix and re-run": run the fixed experiment (its editor text, saved or not: the run
 * reads the document), then compare with the run the diagnosis came from and show the verdict in
 * the panel (before/after overlay) and in a notification.
 */
import * as vscode from 'vscode';
import type { FixVerdict, WebviewToHost } from '../shared/protocol';
import { fixAssignment } from './fixEdits';
import type { RerunAfterFixArgs } from './quickFixes';
import { workspaceEditFor } from './quickFixes';
import type { RunProblems } from './runProblems';
import type { RunStore } from './runStore';
import { describeVerdict, fixVerdict } from './verdict';

export interface FixCommandDeps {
  store: RunStore;
  problems: RunProblems;
  log: vscode.LogOutputChannel;
  /** Runs the document; resolves with the new run's id once it has ended (undefined: it did not start). */
  runDocument: (doc: vscode.TextDocument) => Promise<string | undefined>;
  showVerdict: (v: FixVerdict) => void;
}

export class FixCommands {
  /** The latest verdict (for the panel after a reload, and for tests). */
  lastVerdict: FixVerdict | undefined;

  constructor(private readonly deps: FixCommandDeps) {}

  async rerunAfterFix(args: RerunAfterFixArgs): Promise<FixVerdict | undefined> {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === args.uri) ??
      (await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri)));
    const afterId = await this.deps.runDocument(doc);
    const before = this.deps.store.get(args.beforeRunId);
    const after = afterId ? this.deps.store.get(afterId) : undefined;
    if (!before || !after) {
      this.deps.log.warn(`Re-run after fix ${args.fix}: ${!after ? 'the re-run did not start' : 'the original run is no longer stored'}.`);
      return undefined;
    }
    const v = fixVerdict(before, after, args.code, args.fix);
    this.lastVerdict = v;
    const text = describeVerdict(v);
    this.deps.log.info(`Fix verdict: ${text}`);
    this.deps.showVerdict(v);
    if (v.resolved) void vscode.window.showInformationMessage(`Optimizer Debugger: ${text}.`);
    else void vscode.window.showWarningMessage(`Optimizer Debugger: ${text}.`);
    return v;
  }

  /** A fix button of the panel's diagnostics table. */
  async fromPanel(m: Extract<WebviewToHost, { type: 'applyFix' }>): Promise<void> {
    const run = this.deps.store.get(m.runId);
    const diagnosis = run?.diagnostics.find((d) => d.code === m.code);
    const fix = diagnosis?.fixes[m.fix];
    if (!run || !fix) return;
    const doc = this.deps.problems.documentOf(m.runId) ?? (await openSource(run.info.source));
    if (!doc) {
      void vscode.window.showWarningMessage(
        `Optimizer Debugger: "${run.info.source}" is a built-in example; open it as a file (Open Example…) to apply fixes.`,
      );
      return;
    }
    const applied = await vscode.workspace.applyEdit(workspaceEditFor(doc, fix));
    if (!applied) {
      void vscode.window.showWarningMessage('Optimizer Debugger: the fix could not be applied (the file changed meanwhile?).');
      return;
    }
    await vscode.window.showTextDocument(doc, { preserveFocus: true, preview: false, viewColumn: vscode.ViewColumn.One });
    if (m.rerun) await this.rerunAfterFix({ uri: doc.uri.toString(), beforeRunId: m.runId, code: m.code, fix: fixAssignment(fix) });
  }
}

async function openSource(source: string): Promise<vscode.TextDocument | undefined> {
  if (!/\.optim\.json$/i.test(source)) return undefined;
  try {
    return await vscode.workspace.openTextDocument(source.includes('://') ? vscode.Uri.parse(source) : vscode.Uri.file(source));
  } catch {
    return undefined;
  }
}
