/**
 * Quick fixes for run diagnoses: each suggested fix of a diagnosis as a QuickFix code action (the
 * engine's first fix is the preferred one), and beside it "… and re-run", which applies the same
 * edit and then runs the experiment again to prove the fix (see fixCommands.ts). Edits are computed
 * from the document as VS Code hands it to the provider; VS Code applies them only to that version.
 */
import * as vscode from 'vscode';
import type { Diagnosis, SuggestedFix } from '../shared/protocol';
import { fixAssignment, fixEdits, fixTitle } from './fixEdits';
import { runCodeOf, type RunProblems } from './runProblems';

export const CMD_RERUN_AFTER_FIX = 'optimizerDebugger.rerunAfterFix';

/** Arguments of CMD_RERUN_AFTER_FIX (plain data: they travel through the command service). */
export interface RerunAfterFixArgs {
  uri: string;
  beforeRunId: string;
  code: string;
  fix: string;
}

export function workspaceEditFor(doc: vscode.TextDocument, fix: SuggestedFix): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const e of fixEdits(doc.getText(), fix)) {
    edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.offset), doc.positionAt(e.offset + e.length)), e.content);
  }
  return edit;
}

export class RunQuickFixes implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly problems: RunProblems) {}

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const findings = this.problems.findings(doc.uri);
    if (!findings) return [];
    const actions: vscode.CodeAction[] = [];
    for (const diag of context.diagnostics) {
      const code = runCodeOf(diag);
      const diagnosis = code ? findings.diagnoses.find((d) => d.code === code) : undefined;
      if (!diagnosis) continue;
      actions.push(...this.actionsFor(doc, diag, diagnosis, findings.runId));
    }
    return actions;
  }

  private actionsFor(doc: vscode.TextDocument, diag: vscode.Diagnostic, d: Diagnosis, runId: string): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    d.fixes.forEach((fix, i) => {
      const title = fixTitle(fix);
      const plain = new vscode.CodeAction(`${title} (${d.code})`, vscode.CodeActionKind.QuickFix);
      plain.diagnostics = [diag];
      plain.isPreferred = i === 0;
      plain.edit = workspaceEditFor(doc, fix);
      const args: RerunAfterFixArgs = { uri: doc.uri.toString(), beforeRunId: runId, code: d.code, fix: fixAssignment(fix) };
      const rerun = new vscode.CodeAction(`${title} and re-run to check`, vscode.CodeActionKind.QuickFix);
      rerun.diagnostics = [diag];
      rerun.edit = workspaceEditFor(doc, fix);
      rerun.command = { command: CMD_RERUN_AFTER_FIX, title: 'Re-run with the fix', arguments: [args] };
      out.push(plain, rerun);
    });
    return out;
  }
}
