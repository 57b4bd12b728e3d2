import { strict as assert } from 'node:assert';
import type { FixVerdict, RunInfo, StepRecord } from '../../../src/shared/protocol';
import { runCsv } from '../../../webview/exportCsv';
import { Store } from '../../../webview/store';

function info(runId: string): RunInfo {
  return {
    runId, name: runId, source: '/w/a.optim.json', kind: 'network', optimizer: 'adam',
    backend: { name: 'cpu', label: 'cpu', reason: 'test' }, paramCount: 10, totalSteps: 100,
    layers: ['dense1 (8, relu)'], startedAt: 0,
  };
}
const step = (i: number): StepRecord => ({ step: i, epoch: 0, loss: 1 / (i + 1), lr: 0.1, gradNorm: 2, layerGradNorms: [1, 3], updateRatios: [0.01] });

describe('webview comparison and export', () => {
  it('a fix verdict shows the re-run with the run before the fix overlaid', () => {
    const store = new Store(() => 0);
    store.apply({ type: 'runStarted', info: info('before') });
    store.apply({ type: 'runStarted', info: info('after') });
    const verdict: FixVerdict = { beforeRunId: 'before', afterRunId: 'after', code: 'dead-units', fix: '/model/init/bias = 0', resolved: true, beforeLoss: 1.1, afterLoss: 0.2, remaining: [] };
    const change = store.apply({ type: 'fixVerdict', verdict });
    assert.ok(change.compare && change.structure);
    assert.equal(store.active()?.info.runId, 'after');
    assert.equal(store.compare()?.info.runId, 'before');
    assert.equal(store.activeVerdict(), verdict);
    store.select('before');
    assert.equal(store.compare(), undefined, 'a run is never compared with itself');
    assert.equal(store.activeVerdict(), undefined, 'the verdict belongs to the fixed run');
    assert.equal(store.apply({ type: 'fixVerdict', verdict: { ...verdict, afterRunId: 'gone' } }).compare, false, 'unknown runs are ignored');
  });

  it('exports the series as CSV with per-layer columns and epoch evaluations', () => {
    const store = new Store(() => 0);
    store.apply({ type: 'runStarted', info: info('a') });
    store.apply({
      type: 'metrics', runId: 'a',
      batch: { steps: [step(0), step(1)], epochs: [{ epoch: 0, step: 1, trainLoss: 0.5, valLoss: 0.6, valAccuracy: 0.9 }], histograms: [] },
    });
    const run = store.active();
    assert.ok(run);
    const lines = runCsv(run).trim().split('\n');
    assert.equal(lines[0], 'step,loss,lr,grad_norm,grad_norm_layer1,grad_norm_layer2,update_ratio_layer1,update_ratio_layer2,epoch,epoch_train_loss,epoch_train_accuracy,val_loss,val_accuracy');
    assert.equal(lines[1], '0,1,0.1,2,1,3,0.01,,,,,,');
    assert.equal(lines[2], '1,0.5,0.1,2,1,3,0.01,,0,0.5,,0.6,0.9');
  });
});
