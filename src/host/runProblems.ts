/**
 * The diagnoses of runs in the Problems pane, live while the run goes: each on the range of the
 * experiment-file field it concerns, with `source` "Optimizer Debugger", its stable code linked
 * to docs/diagnostics.md, and the severity the engine gave. A new run of the same file replaces
 * them; closing the file removes them. Ranges follow edits (they are recomputed from the pointer).
 * After a window reload (or reopening the file) the file's latest finished run from the history
 * speaks for it again, so its diagnoses and quick fixes come back with the editor.
 */
import * as vscode from 'vscode';
import type { Diagnosis, EngineEvent, RunSnapshot, Severity } from '../shared/protocol';
import { locatePointer } from './jsonPointer';
import { DIAGNOSTIC_SOURCE, SPEC_CODE } from './specDiagnostics';

export interface FileFindings {
  runId: string;
  diagnoses: Diagnosis[];
}

const severities: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export class RunProblems implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(`${DIAGNOSTIC_SOURCE} (runs)`);
  /** Keyed by document URI string. */
  private readonly byUri = new Map<string, FileFindings>();
  /** runId → URI string, for runs that came from an open document. */
  private readonly runUri = new Map<string, string>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly docsUri: vscode.Uri,
    /** The stored runs, newest last (the run history). */
    private readonly history: () => RunSnapshot[] = () => [],
  ) {
    this.subscriptions = [
      this.collection,
      vscode.workspace.onDidOpenTextDocument((doc) => this.restore(doc)),
      vscode.workspace.onDidCloseTextDocument((doc) => this.clear(doc.uri)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.byUri.has(e.document.uri.toString())) this.render(e.document);
      }),
    ];
  }

  /** The latest run's diagnoses of a file (for the quick fixes). */
  findings(uri: vscode.Uri): FileFindings | undefined {
    return this.byUri.get(uri.toString());
  }

  /** The document a run came from, if it is open. */
  documentOf(runId: string): vscode.TextDocument | undefined {
    const key = this.runUri.get(runId);
    return key ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === key) : undefined;
  }

  onEngineEvent(e: EngineEvent): void {
    if (e.type === 'started') {
      // The Problems pane speaks for the file's own experiment; compare variants show theirs in the panel.
      if ((e.info.variantIndex ?? 0) > 0) return;
      const doc = vscode.workspace.textDocuments.find((d) => sourceOf(d) === e.info.source);
      if (!doc) return; // a built-in example: nothing to underline
      this.runUri.set(e.info.runId, doc.uri.toString());
      this.byUri.set(doc.uri.toString(), { runId: e.info.runId, diagnoses: [] });
      this.collection.delete(doc.uri);
    } else if (e.type === 'diagnostics') {
      const doc = this.documentOf(e.runId);
      const current = doc && this.byUri.get(doc.uri.toString());
      // Only the file's latest run speaks for it.
      if (!doc || !current || current.runId !== e.runId) return;
      current.diagnoses = e.diagnostics;
      this.render(doc);
    }
  }

  /** Re-publishes the history's findings for every open file (call once the history has loaded). */
  restoreOpen(): void {
    for (const doc of vscode.workspace.textDocuments) this.restore(doc);
  }

  /** The file's latest finished run from the history, unless a run of this window already speaks for it. */
  private restore(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    if (this.byUri.has(key)) return;
    const source = sourceOf(doc);
    const runs = this.history();
    for (let i = runs.length - 1; i >= 0; i--) {
      const r = runs[i];
      if (r.info.source !== source || (r.info.variantIndex ?? 0) > 0) continue;
      if (!r.summary || r.diagnostics.length === 0) return;
      this.runUri.set(r.info.runId, key);
      this.byUri.set(key, { runId: r.info.runId, diagnoses: r.diagnostics });
      this.render(doc);
      return;
    }
  }

  clear(uri: vscode.Uri): void {
    this.byUri.delete(uri.toString());
    this.collection.delete(uri);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }

  private render(doc: vscode.TextDocument): void {
    const f = this.byUri.get(doc.uri.toString());
    if (!f) return;
    const text = doc.getText();
    this.collection.set(doc.uri, f.diagnoses.map((d) => this.toDiagnostic(doc, text, d)));
  }

  private toDiagnostic(doc: vscode.TextDocument, text: string, d: Diagnosis): vscode.Diagnostic {
    const span = locatePointer(text, d.path);
    const range = new vscode.Range(doc.positionAt(span.offset), doc.positionAt(span.offset + span.length));
    const where = span.exact ? '' : ` (concerns ${d.path})`;
    const diag = new vscode.Diagnostic(range, `${d.message}${where} — first seen at step ${d.step}.`, severities[d.severity] ?? vscode.DiagnosticSeverity.Warning);
    diag.source = DIAGNOSTIC_SOURCE;
    diag.code = { value: d.code, target: this.docsUri.with({ fragment: d.code }) };
    return diag;
  }
}

/** What RunInfo.source holds for a run of this document (see runTarget.targetFromDocument). */
export function sourceOf(doc: vscode.TextDocument): string {
  return doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.toString();
}

/** The diagnosis code of a vscode.Diagnostic of ours, if it is one. */
export function runCodeOf(d: vscode.Diagnostic): string | undefined {
  if (d.source !== DIAGNOSTIC_SOURCE) return undefined;
  const c = d.code;
  const v = typeof c === 'object' && c !== null ? c.value : c;
  return typeof v === 'string' && v !== SPEC_CODE ? v : undefined;
}
