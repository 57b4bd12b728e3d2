/**
 * Problems of an experiment file in the Problems pane, each underlining the field it concerns.
 */
import * as vscode from 'vscode';
import type { SpecIssue } from '../shared/experiment';
import { locatePointer } from './jsonPointer';

export const DIAGNOSTIC_SOURCE = 'Optimizer Debugger';
/** The code of every problem of the file itself (not of a run), documented in docs/diagnostics.md. */
export const SPEC_CODE = 'invalid-experiment';

/** `docs`: docs/diagnostics.md; the code links to its section like the run diagnoses' codes do. */
export function issueToDiagnostic(doc: vscode.TextDocument, issue: SpecIssue, docs: vscode.Uri): vscode.Diagnostic {
  const span = locatePointer(doc.getText(), issue.path);
  const range = new vscode.Range(doc.positionAt(span.offset), doc.positionAt(span.offset + span.length));
  const severity = issue.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Error;
  // Name the field when the underline cannot (missing field) or the message does not.
  const field = issue.path.split('/').pop() ?? '';
  const named = field !== '' && issue.message.includes(field);
  const where = issue.path && (!span.exact || !named) ? ` (at ${issue.path})` : '';
  const d = new vscode.Diagnostic(range, `${issue.message}${where}`, severity);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = { value: SPEC_CODE, target: docs.with({ fragment: SPEC_CODE }) };
  return d;
}

export function setSpecDiagnostics(
  collection: vscode.DiagnosticCollection,
  doc: vscode.TextDocument,
  issues: SpecIssue[],
  docs: vscode.Uri,
): void {
  collection.set(doc.uri, issues.map((i) => issueToDiagnostic(doc, i, docs)));
}
