import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunSummary } from '../../../src/shared/protocol';
import { activeApi, fixtureUri, newRun, PANEL_MS, runIds, waitFor } from './helpers';

interface LandscapeResult {
  runId?: string;
  line?: (number | null)[];
  planeMin?: number | null;
  planeMax?: number | null;
  error?: string;
}

describe('network loss landscape and "Compare…"', () => {
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('"Show Loss Landscape" evaluates the line and the slice of a finished network run, stores them and sends them to the panel', async () => {
    const api = await activeApi();
    const uri = fixtureUri('quick.optim.json');
    const before = runIds(api);
    const summary = await vscode.commands.executeCommand<RunSummary | undefined>('optimizerDebugger.run', uri);
    assert.equal(summary?.reason, 'completed', JSON.stringify(summary));
    const run = newRun(api, uri.fsPath, before);
    assert.ok(run, 'the run is stored');
    const posted = api.panelStats().posted;
    const r = await vscode.commands.executeCommand<LandscapeResult>('optimizerDebugger.showLandscape', run.info.runId);
    assert.equal(r.error, undefined, r.error);
    assert.equal(r.runId, run.info.runId);
    assert.equal(r.line?.length, 41);
    assert.ok(r.line.every((v) => typeof v === 'number' && Number.isFinite(v)));
    assert.ok(r.planeMin !== null && r.planeMax !== null && r.planeMin! < r.planeMax!, JSON.stringify([r.planeMin, r.planeMax]));
    const stored = api.getRuns().find((s) => s.info.runId === run.info.runId);
    const modes = (stored?.metrics.probes ?? []).filter((p) => p.kind === 'landscape').map((p) => (p.kind === 'landscape' ? p.mode : ''));
    assert.deepEqual(modes, ['line', 'plane'], 'kept with the run (saved, redrawn after a reload)');
    // The trained weights (t = 1) fit better than the initial ones (t = 0).
    assert.ok(r.line[30]! < r.line[10]!, `L(θ) ${r.line[30]} vs L(θ₀) ${r.line[10]}`);
    await waitFor('the panel received the grids', () => api.panelStats().posted > posted, PANEL_MS);
  });

  it('an objective run has no network landscape to compute', async () => {
    const summary = await vscode.commands.executeCommand<RunSummary | undefined>('optimizerDebugger.run', { example: 'parabola-lr-0.2' });
    assert.equal(summary?.reason, 'completed');
    const api = await activeApi();
    const last = api.getRuns()[api.getRuns().length - 1];
    assert.equal(last.info.kind, 'objective');
    const r = await vscode.commands.executeCommand<LandscapeResult>('optimizerDebugger.showLandscape', last.info.runId);
    assert.equal(r.error, 'not a network run');
  });

  it('the "Compare…" CodeLens runs picked optimizer variants as a compare group without editing the file', async () => {
    const api = await activeApi();
    const uri = fixtureUri('quick.optim.json');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const text = doc.getText();
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const lens = lenses.find((l) => l.command?.command === 'optimizerDebugger.compareVariants');
    assert.ok(lens, 'a "Compare…" CodeLens');
    const before = runIds(api);
    const summary = await vscode.commands.executeCommand<RunSummary | undefined>('optimizerDebugger.compareVariants', uri, ['lr/3', 'momentum']);
    assert.equal(summary?.reason, 'completed', JSON.stringify(summary));
    const fresh = api.getRuns().filter((r) => !before.has(r.info.runId));
    assert.deepEqual(fresh.map((r) => r.info.variant), ['adam α=0.01', 'adam α=0.00333', 'momentum μ=0.9 α=0.01']);
    assert.ok(fresh.every((r) => r.info.groupId === fresh[0].info.runId && r.summary?.reason === 'completed'));
    assert.equal(doc.getText(), text, 'the file is not edited');
    assert.equal(doc.isDirty, false);
  });
});
