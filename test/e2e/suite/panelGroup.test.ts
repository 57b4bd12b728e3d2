import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activeApi, fixtureUri, PANEL_MS, runCommand, sleep, waitFor } from './helpers';

// The panel sharing one editor group with the experiment file: while the file's tab is in front
// the panel is hidden (and, without retainContextWhenHidden, torn down); a run started from the
// file must still show up in the panel when it comes back to the front.
describe('panel in the same editor group as the experiment', () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('receives a run started while it was hidden behind the file', async () => {
    const api = await activeApi();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('optimizerDebugger.showPanel');
    await waitFor('the panel to be ready', () => api.panelStats().ready, PANEL_MS);
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    await vscode.commands.executeCommand('workbench.action.moveEditorToFirstGroup');
    await sleep(300);
    const doc = await vscode.workspace.openTextDocument(fixtureUri('quick.optim.json'));
    await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
    await sleep(500);
    const before = api.panelStats().stepsPosted;
    const summary = await runCommand(doc.uri);
    assert.equal(summary?.reason, 'completed');
    const stats = await waitFor('the panel to get the run', () => {
      const s = api.panelStats();
      return s.ready && s.stepsPosted > before ? s : undefined;
    }, PANEL_MS);
    assert.ok(stats.stepsPosted > before, JSON.stringify(stats));

    // Hide it behind the file again, then bring it back: it must be brought up to date.
    await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
    await sleep(500);
    const resets = (api.panelStats() as { resets?: number }).resets ?? 0;
    await vscode.commands.executeCommand('optimizerDebugger.showPanel');
    await waitFor('a fresh reset after the panel came back', () => {
      const s = api.panelStats() as { ready: boolean; resets?: number };
      return s.ready && (s.resets ?? 0) > resets ? s : undefined;
    }, PANEL_MS);
  });
});
