/**
 * Problems of an experiment file in the Problems pane, each underlining the field it concerns.
 */
import * as vscode from 'vscode';
import type { SpecIssue } from '../shared/experiment';
import { locatePointer } from './jsonPointer';

export const DIAGNOSTIC_SOURCE = 'Optimizer Debugger';

export function issueToDiagnostic(doc: vscode.TextDocument, issue: SpecIssue): vscode.Diagnostic {
  const span = locatePointer(doc.getText(), issue.path);
  const range = new vscode.Range(doc.positionAt(span.offset), doc.positionAt(span.offset + span.length));
  const severity = issue.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Error;
  // Name the field when the underline cannot (missing field) or the message does not.
  const field = issue.path.split('/').pop() ?? '';
  const named = field !== '' && issue.message.includes(field);
  const where = issue.path && (!span.exact || !named) ? ` (at ${issue.path})` : '';
  const d = new vscode.Diagnostic(range, `${issue.message}${where}`, severity);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = 'spec';
  return d;
}

export function setSpecDiagnostics(
  collection: vscode.DiagnosticCollection,
  doc: vscode.TextDocument,
  issues: SpecIssue[],
): void {
  collection.set(doc.uri, issues.map((i) => issueToDiagnostic(doc, i)));
}
