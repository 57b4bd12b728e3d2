/**
 * What "Run Optimization" runs: an explicit file, a built-in example, the active `*.optim.json`
 * editor (its current text, unsaved edits included), or an example picked from a list.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { examplesDir, findExample, listExamples, type ExampleInfo } from '../engine/examples';

export interface RunTarget {
  text: string;
  /** File path or example id (goes into RunInfo.source). */
  source: string;
  /** Folder the experiment's relative paths resolve against. */
  baseDir: string;
  /** The document it came from, for diagnostics. */
  doc?: vscode.TextDocument;
}

export function isOptimDocument(doc: vscode.TextDocument): boolean {
  return /\.optim\.json$/i.test(doc.uri.path);
}

function isExampleArg(v: unknown): v is { example: string } {
  return typeof v === 'object' && v !== null && typeof (v as { example?: unknown }).example === 'string';
}

export function targetFromDocument(doc: vscode.TextDocument): RunTarget {
  const isFile = doc.uri.scheme === 'file';
  const folder = vscode.workspace.getWorkspaceFolder(doc.uri) ?? vscode.workspace.workspaceFolders?.[0];
  const baseDir = isFile ? path.dirname(doc.uri.fsPath) : folder?.uri.fsPath ?? examplesDir();
  return { text: doc.getText(), source: isFile ? doc.uri.fsPath : doc.uri.toString(), baseDir, doc };
}

export function targetFromExample(ex: ExampleInfo): RunTarget {
  return { text: ex.text, source: ex.id, baseDir: path.dirname(ex.path) };
}

/** Offer the built-in examples; undefined if the user dismissed the list. */
export async function pickExample(placeHolder: string): Promise<ExampleInfo | undefined> {
  const examples = listExamples();
  if (examples.length === 0) {
    void vscode.window.showErrorMessage('Optimizer Debugger: no built-in examples were found.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    examples.map((ex) => ({ label: ex.title, description: ex.id, detail: ex.description, ex })),
    { placeHolder, matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.ex;
}

/** Undefined: nothing to run (list dismissed, unknown example). */
export async function resolveRunTarget(arg: unknown): Promise<RunTarget | undefined> {
  if (arg instanceof vscode.Uri) {
    const doc = await vscode.workspace.openTextDocument(arg);
    return targetFromDocument(doc);
  }
  if (isExampleArg(arg)) {
    const ex = findExample(arg.example);
    if (!ex) {
      void vscode.window.showErrorMessage(`Optimizer Debugger: there is no built-in example "${arg.example}".`);
      return undefined;
    }
    return targetFromExample(ex);
  }
  const editor = vscode.window.activeTextEditor;
  if (editor && isOptimDocument(editor.document)) return targetFromDocument(editor.document);
  const ex = await pickExample('Run which built-in example? (or open an *.optim.json file first)');
  return ex ? targetFromExample(ex) : undefined;
}
