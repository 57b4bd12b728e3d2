import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activeApi, exampleSteps, fixtureUri, newRun, PANEL_MS, runCommand, runIds, waitFor } from './helpers';

describe('running experiments', () => {
  before(async () => {
    await activeApi();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('runs example parabola-lr-0.2 to completion: x goes 10 → 6 → 3.6, the panel gets the steps', async () => {
    const api = await activeApi();
    const before = runIds(api);
    const postedBefore = api.panelStats().stepsPosted;
    const expectedSteps = exampleSteps('parabola-lr-0.2');

    const summary = await runCommand({ example: 'parabola-lr-0.2' });
    assert.ok(summary, 'the run command resolves with a RunSummary');
    assert.equal(summary.reason, 'completed', `run ended with ${summary.reason}: ${summary.message ?? ''}`);
    assert.equal(summary.steps, expectedSteps, 'summary.steps equals the example\'s training.steps');

    const run = newRun(api, 'parabola-lr-0.2', before);
    assert.ok(run, 'getRuns() holds the new run');
    assert.equal(run.info.kind, 'objective');
    assert.equal(run.summary?.reason, 'completed');
    const steps = run.metrics.steps;
    assertContiguous(steps.map((s) => s.step), summary.steps);
    const xs = steps.slice(0, 3).map((s) => s.point?.[0]);
    assert.ok(xs.every((x) => typeof x === 'number'), `step records carry points: ${JSON.stringify(xs)}`);
    assertClose(xs[0]!, 10, 'x at step 0');
    assertClose(xs[1]!, 6, 'x after one update of α = 0.2');
    assertClose(xs[2]!, 3.6, 'x after two updates');
    assert.ok(steps[1].loss < steps[0].loss, 'loss decreases on f(x) = x² with α = 0.2');

    const stats = await waitFor(
      'the panel to be ready and receive step records',
      () => {
        const s = api.panelStats();
        return s.ready && s.stepsPosted > postedBefore ? s : undefined;
      },
      PANEL_MS,
    ).catch((e: Error) => assert.fail(`${e.message}; panelStats() = ${JSON.stringify(api.panelStats())}`));
    assert.ok(stats.posted > 0, 'messages were posted to the panel');
  });

  it('runs the healthy quick.optim.json from its Uri in the worker (wasm or cpu)', async () => {
    const api = await activeApi();
    const uri = fixtureUri('quick.optim.json');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const before = runIds(api);

    const summary = await runCommand(uri);
    assert.ok(summary, 'the run command resolves with a RunSummary');
    assert.equal(summary.reason, 'completed', `run ended with ${summary.reason}: ${summary.message ?? ''}`);
    assert.ok(summary.steps > 0 && summary.steps <= 200, `steps within training.steps: ${summary.steps}`);
    assert.ok(Number.isFinite(summary.final.trainLoss), `final train loss is a number: ${summary.final.trainLoss}`);

    const run = newRun(api, uri.fsPath, before);
    assert.ok(run, `getRuns() holds a run from ${uri.fsPath}; sources: ${api.getRuns().map((r) => r.info.source)}`);
    assert.equal(run.info.kind, 'network');
    assert.ok(['wasm', 'cpu'].includes(run.info.backend.name), `backend here is wasm or cpu: ${run.info.backend.name}`);
    assert.ok(run.info.backend.reason.length > 0, 'the backend choice says why');
    assert.equal(api.backend()?.name, run.info.backend.name, 'the API reports the backend the worker used');
    assert.ok(run.metrics.steps.length > 0, 'step records were kept');
    assert.ok(run.metrics.epochs.length > 0, 'epoch evaluations were kept');
    assert.ok(run.metrics.steps.every((s) => s.layerGradNorms.length === 2), 'one gradient norm per dense layer');
  });

  it('with no argument runs the active *.optim.json editor', async () => {
    const api = await activeApi();
    const uri = fixtureUri('quick.optim.json');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const before = runIds(api);

    const summary = await runCommand();
    assert.ok(summary, 'the run command resolves with a RunSummary');
    assert.equal(summary.reason, 'completed');
    assert.ok(newRun(api, uri.fsPath, before), 'the new run came from the active editor\'s file');
  });
});

function assertClose(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-4 * Math.max(1, Math.abs(expected)), `${what}: ${actual} ≈ ${expected}`);
}

/** Step records start at the initial point and have no gaps; the last one is at or just before `total`. */
function assertContiguous(steps: number[], total: number): void {
  assert.ok(steps.length > 0, 'the run has step records');
  steps.forEach((s, i) => assert.equal(s, i, `step record ${i} is step ${i}`));
  const last = steps[steps.length - 1];
  assert.ok(last === total || last === total - 1, `last step record (${last}) matches ${total} updates`);
}
