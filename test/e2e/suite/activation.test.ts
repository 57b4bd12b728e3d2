import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activeApi, EXTENSION_ID } from './helpers';

describe('activation', () => {
  it('activates and returns the automation API', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is installed under development`);
    const api = await activeApi();
    assert.ok(ext.isActive, 'extension is active after activate()');
    assert.equal(typeof api.panelStats, 'function');
    assert.equal(typeof api.backend, 'function');
    assert.ok(Array.isArray(api.getRuns()), 'getRuns() returns an array');
  });

  it('activates for a lone experiment file too (onLanguage:jsonc) and contributes the watchdog setting', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { activationEvents?: string[] };
    assert.ok(pkg.activationEvents?.includes('onLanguage:jsonc'), JSON.stringify(pkg.activationEvents));
    const doc = vscode.workspace.getConfiguration('optimizerDebugger').inspect<number>('watchdogSeconds');
    assert.equal(doc?.defaultValue, 60);
  });

  it('registers run, stop and showPanel commands', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    for (const id of ['optimizerDebugger.run', 'optimizerDebugger.stop', 'optimizerDebugger.showPanel']) {
      assert.ok(all.has(id), `command ${id} is registered`);
    }
  });

  it('contributes the commands with their palette titles', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as {
      contributes?: { commands?: { command: string; title: string; category?: string }[] };
    };
    const titles = new Map(
      (pkg.contributes?.commands ?? []).map((c) => [c.command, `${c.category ? c.category + ': ' : ''}${c.title}`]),
    );
    assert.equal(titles.get('optimizerDebugger.run'), 'Optimizer Debugger: Run Optimization');
    assert.equal(titles.get('optimizerDebugger.stop'), 'Optimizer Debugger: Stop Optimization');
    assert.equal(titles.get('optimizerDebugger.showPanel'), 'Optimizer Debugger: Show Training Panel');
  });
});
