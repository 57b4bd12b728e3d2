import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activeApi, EXTENSION_ID, runCommand, within } from './helpers';

// A modal "outside the workspace" question would block these commands: `within` turns that into a failure.
describe('built-in examples with a model module', () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('runs backprop-exercise-buggy from the extension without asking (the examples folder is trusted)', async () => {
    await activeApi();
    const summary = await within(60_000, 'the run (a confirmation dialog?)', runCommand({ example: 'backprop-exercise-buggy' }));
    assert.equal(summary?.reason, 'completed', JSON.stringify(summary));
  });

  it('"New Experiment from Example…" copies the module next to the new file, and the copy runs', async () => {
    const api = await activeApi();
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const copy = path.join(folder, 'backprop-exercise-buggy.js');
    rmSync(copy, { force: true });
    try {
      const uri = await vscode.commands.executeCommand<vscode.Uri>('optimizerDebugger.newFromExample', 'backprop-exercise-buggy');
      assert.ok(uri, 'the command returns the new document');
      assert.ok(existsSync(copy), 'the module was copied to the workspace folder');
      const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
      assert.equal(readFileSync(copy, 'utf8'), readFileSync(path.join(ext.extensionPath, 'examples', 'backprop-exercise-buggy.js'), 'utf8'));
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())!;
      assert.match(doc.getText(), /"module":\s*"\.\/backprop-exercise-buggy\.js"/);

      const summary = await within(60_000, 'the run of the new file', runCommand(uri));
      assert.equal(summary?.reason, 'completed', `no "module not found": ${JSON.stringify(summary)}`);
      const run = api.getRuns().find((r) => r.info.source === uri.toString());
      assert.ok(run?.diagnostics.some((d) => d.code === 'incorrect-gradient'), 'the exercise\'s bug is found in the copy');
    } finally {
      // Unsaved: revert before closing, or closing would ask whether to save.
      for (const d of vscode.workspace.textDocuments.filter((x) => x.isUntitled)) {
        await vscode.window.showTextDocument(d);
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      }
      rmSync(copy, { force: true });
    }
  });
});
