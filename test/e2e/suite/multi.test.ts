import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunSummary } from '../../../src/shared/protocol';
import { activeApi, fixtureUri, PANEL_MS, runCommand, waitFor } from './helpers';

describe('compare runs and the learning-rate range test', () => {
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a compare example runs every variant in one group, each stored and finished, with the landscape grid', async () => {
    const api = await activeApi();
    const summary = await runCommand({ example: 'ravine-compare' });
    assert.equal(summary?.reason, 'completed', JSON.stringify(summary));
    const runs = api.getRuns();
    const base = runs[runs.length - 3];
    const group = runs.filter((r) => r.info.groupId === base.info.runId);
    assert.deepEqual(group.map((r) => r.info.variant), ['sgd α=0.035', 'momentum μ=0.9', 'adam α=0.1']);
    for (const r of group) {
      assert.equal(r.summary?.reason, 'completed', `${r.info.variant}: ${JSON.stringify(r.summary)}`);
      assert.equal(r.metrics.steps.length, 151);
    }
    assert.ok((base.metrics.probes ?? []).some((p) => p.kind === 'landscape'), 'the base run carries the contour grid');
    await waitFor('the panel received the variants', () => api.panelStats().stepsPosted >= 3 * 151, PANEL_MS);
  });

  it('"Find Learning Rate" (also a CodeLens) runs the range test on the file and suggests a rate', async () => {
    const api = await activeApi();
    const uri = fixtureUri('lr-find.optim.json');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    assert.ok(lenses.some((l) => l.command?.command === 'optimizerDebugger.findLearningRate'), 'a "Find learning rate" CodeLens');
    const summary = await vscode.commands.executeCommand<RunSummary | undefined>('optimizerDebugger.findLearningRate', uri);
    assert.equal(summary?.reason, 'completed', JSON.stringify(summary));
    assert.match(summary?.message ?? '', /suggested learning rate [0-9.e-]+/);
    const last = api.getRuns()[api.getRuns().length - 1];
    assert.equal(last.info.task, 'lrFind');
    const rec = (last.metrics.probes ?? []).find((p) => p.kind === 'lrFind');
    assert.ok(rec && rec.kind === 'lrFind' && rec.suggested !== null && rec.lrs.length > 10);
  });
});
