import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activeApi, fixtureUri, newRun, runCommand, runIds, waitFor, within } from './helpers';

describe('stopping a run', () => {
  it('ends a long run with reason "stopped" within 2 s and keeps the steps done', async () => {
    const api = await activeApi();
    const uri = fixtureUri('long.optim.json');
    const before = runIds(api);

    const pending = runCommand(uri);
    let ended: string | undefined;
    pending.then(
      (s) => (ended = `the run command resolved early with ${JSON.stringify(s)}`),
      (e: unknown) => (ended = `the run command failed: ${String(e)}`),
    );
    const live = await waitFor(
      'the first metrics of the long run',
      () => {
        if (ended) throw new Error(ended);
        const r = newRun(api, uri.fsPath, before);
        return r && r.metrics.steps.length > 0 ? r : undefined;
      },
      60_000,
    );
    assert.equal(live.summary, undefined, 'the run is still going when stop is requested');
    const recordsAtStop = live.metrics.steps.length;

    const t0 = Date.now();
    await vscode.commands.executeCommand('optimizerDebugger.stop');
    const summary = await within(2000, 'resolving the run after stop', pending);
    const took = Date.now() - t0;

    assert.ok(summary, 'the run command resolves with a RunSummary');
    assert.equal(summary.reason, 'stopped', `reason: ${summary.reason} ${summary.message ?? ''}`);
    assert.ok(summary.steps > 0 && summary.steps < 5_000_000, `steps done before the stop: ${summary.steps}`);
    const run = newRun(api, uri.fsPath, before);
    assert.ok(run, 'the stopped run is still listed');
    assert.equal(run.summary?.reason, 'stopped');
    // The store thins very long live series by half past 50k records; below that nothing is dropped.
    assert.ok(run.metrics.steps.length >= Math.min(recordsAtStop, 25_000), 'records received before the stop are kept');
    assert.equal(run.metrics.steps[0].step, 0, 'the initial point is kept');
    const last = run.metrics.steps[run.metrics.steps.length - 1].step;
    assert.ok(Math.abs(last - summary.steps) <= 1, `records reach the last step done (${last} vs ${summary.steps})`);
    console.log(`      stopped after ${summary.steps} steps, ${took} ms after the stop command`);
  });
});
