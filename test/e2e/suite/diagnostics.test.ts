import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activeApi, fixtureUri, runCommand, runIds, runsFrom, waitFor } from './helpers';

describe('invalid experiment file', () => {
  it('does not start a run and underlines the bad field ("learningRate": -1)', async () => {
    const api = await activeApi();
    const uri = fixtureUri('invalid.optim.json');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const before = runIds(api);

    const result = await runCommand(uri);
    assert.equal(result, undefined, 'the command resolves with undefined when the run cannot start');
    const started = runsFrom(api, uri.fsPath).filter((r) => !before.has(r.info.runId));
    assert.equal(started.length, 0, 'no run was started from the invalid file');

    // Ours, not the JSON schema validator's (source "json"): the extension itself must locate the error.
    const ours = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source && d.source !== 'json');
    const diag = await waitFor('a diagnostic on the invalid file', () => {
      const found = ours().find((d) => doc.getText(d.range) === '-1');
      return found;
    }, 10_000).catch((e: Error) =>
      assert.fail(
        `${e.message}; diagnostics: ${JSON.stringify(
          vscode.languages.getDiagnostics(uri).map((d) => ({ source: d.source, text: doc.getText(d.range), message: d.message })),
        )}`,
      ),
    );
    assert.equal(diag.severity, vscode.DiagnosticSeverity.Error);
    assert.match(diag.message, /learningRate|learning rate/i, `message names the field: ${diag.message}`);
    // A code linked to its section of the docs, like the run diagnoses' codes.
    const code = diag.code;
    assert.ok(typeof code === 'object' && code !== null, `code with a link: ${JSON.stringify(code)}`);
    assert.equal(code.value, 'invalid-experiment');
    assert.equal(code.target.fragment, 'invalid-experiment');
    assert.match(code.target.path, /docs\/diagnostics\.md$/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
