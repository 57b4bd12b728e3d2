import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FixVerdict } from '../../../src/shared/protocol';
import { activeApi, fixtureUri, runCommand, waitFor } from './helpers';

const SOURCE = 'Optimizer Debugger';

function codeOf(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  return typeof c === 'object' && c !== null ? String(c.value) : c === undefined ? undefined : String(c);
}

function runDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE && codeOf(d) !== 'invalid-experiment');
}

function describe_(uri: vscode.Uri, doc: vscode.TextDocument): string {
  return JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => ({ source: d.source, code: codeOf(d), text: doc.getText(d.range) })));
}

describe('run diagnoses in the editor', () => {
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a faulty run puts dead-units on "bias", the preferred quick fix edits it, and the re-run no longer reports it', async () => {
    const api = await activeApi();
    const uri = fixtureUri('dead-relu.optim.json');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);

    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    assert.ok(lenses.some((l) => l.command?.command === 'optimizerDebugger.run' && /Run optimization/.test(l.command.title)), 'a "Run optimization" CodeLens');

    const summary = await runCommand(uri);
    assert.equal(summary?.reason, 'completed', `the faulty run completes: ${JSON.stringify(summary)}`);

    const diag = await waitFor('dead-units in the Problems pane', () => runDiagnostics(uri).find((d) => codeOf(d) === 'dead-units'), 10_000)
      .catch((e: Error) => assert.fail(`${e.message}; diagnostics: ${describe_(uri, doc)}`));
    assert.equal(doc.getText(diag.range), '-3', 'the diagnosis underlines the value of /model/init/bias');
    assert.equal(diag.severity, vscode.DiagnosticSeverity.Error);
    const code = diag.code as { value: string; target: vscode.Uri };
    assert.ok(code.target.path.endsWith('/docs/diagnostics.md') && code.target.fragment === 'dead-units', `code links to its docs: ${code.target.toString()}`);
    assert.match(diag.message, /step \d+/, 'the message says when it was first seen');

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider', uri, diag.range, vscode.CodeActionKind.QuickFix.value,
    );
    // The API command drops `diagnostics` from the actions it returns: ours name the code in the title.
    const ours = actions.filter((a) => a.title.endsWith('(dead-units)') || a.command?.command === 'optimizerDebugger.rerunAfterFix');
    const preferred = ours.filter((a) => a.isPreferred);
    assert.equal(preferred.length, 1, `exactly one preferred fix: ${JSON.stringify(actions.map((a) => ({ t: a.title, p: a.isPreferred, d: a.diagnostics?.map(codeOf) })))}`);
    const rerun = ours.find((a) => a.command?.command === 'optimizerDebugger.rerunAfterFix');
    assert.ok(rerun, `an "… and re-run" action: ${ours.map((a) => a.title).join(' | ')}`);
    assert.ok(preferred[0].edit, 'the preferred fix carries an edit');

    assert.ok(await vscode.workspace.applyEdit(preferred[0].edit), 'the edit applies');
    assert.match(doc.getText(), /"bias": 0 \}/, 'bias is now 0');
    assert.match(doc.getText(), /^\{\n {2}\/\/ Faulty on purpose/, 'comments and layout are kept');

    const cmd = rerun.command;
    assert.ok(cmd);
    const verdict = await vscode.commands.executeCommand<FixVerdict | undefined>(cmd.command, ...(cmd.arguments ?? []));
    assert.ok(verdict, 'the re-run produced a verdict');
    assert.equal(verdict.resolved, true, `dead-units is gone: ${JSON.stringify(verdict)}`);
    assert.ok(verdict.afterLoss !== null && verdict.beforeLoss !== null && verdict.afterLoss < verdict.beforeLoss, `the final loss fell: ${verdict.beforeLoss} → ${verdict.afterLoss}`);
    assert.deepEqual(api.lastVerdict?.(), verdict, 'the API reports the same verdict');
    const after = runDiagnostics(uri).map(codeOf);
    assert.ok(!after.includes('dead-units'), `the re-run replaced the Problems entries: ${after.join(', ')}`);
    await doc.save();
  });
});
