import { strict as assert } from 'node:assert';
import type { RunInfo, StepRecord } from '../../../src/shared/protocol';
import { Store } from '../../../webview/store';

function info(runId: string, layers: string[] = ['dense1 (8, relu)', 'dense2 (8, relu)']): RunInfo {
  return {
    runId,
    name: runId,
    source: 'default',
    kind: 'network',
    optimizer: 'adam',
    backend: { name: 'cpu', label: 'cpu', reason: 'test' },
    paramCount: 10,
    totalSteps: 100,
    layers,
    startedAt: 0,
  };
}

function step(i: number): StepRecord {
  return { step: i, epoch: 0, loss: 1 / (i + 1), lr: 0.1, gradNorm: 1, layerGradNorms: [1, 2], updateRatios: [0.01, 0.02] };
}

describe('webview store', () => {
  it('follows a new run, appends metrics and reports the step rate', () => {
    let t = 0;
    const store = new Store(() => t);
    store.apply({ type: 'runStarted', info: info('a') });
    assert.equal(store.active()?.state, 'running');
    store.apply({ type: 'metrics', runId: 'a', batch: { steps: [step(0), step(1)], epochs: [], histograms: [] } });
    t = 1000;
    const c = store.apply({ type: 'metrics', runId: 'a', batch: { steps: [step(2), step(3), step(4), step(5)], epochs: [], histograms: [] } });
    assert.ok(c.metrics);
    const run = store.active()!;
    assert.equal(run.stepCount, 6);
    assert.deepEqual(run.layerGradNorms[1], [2, 2, 2, 2, 2, 2]);
    assert.equal(run.stepsPerSecond(t), 4);

    store.apply({ type: 'runStarted', info: info('b') });
    assert.equal(store.activeRunId, 'b');
    const other = store.apply({ type: 'metrics', runId: 'a', batch: { steps: [step(6)], epochs: [], histograms: [] } });
    assert.ok(!other.metrics, 'data of an inactive run does not redraw');
    store.apply({
      type: 'runFinished',
      runId: 'b',
      summary: { reason: 'crashed', steps: 0, final: { trainLoss: null, valLoss: null, accuracy: null }, durationMs: 5, message: 'boom' },
    });
    assert.equal(store.get('b')?.state, 'failed');
  });

  it('reset replaces everything and picks the requested or newest run', () => {
    const store = new Store(() => 0);
    store.apply({ type: 'runStarted', info: info('old') });
    const snap = (id: string) => ({ info: info(id), metrics: { steps: [step(0)], epochs: [], histograms: [] }, diagnostics: [] });
    store.apply({ type: 'reset', runs: [snap('x'), snap('y')], activeRunId: null });
    assert.deepEqual(store.list().map((r) => r.info.runId), ['x', 'y']);
    assert.equal(store.activeRunId, 'y');
    store.apply({ type: 'reset', runs: [snap('x'), snap('y')], activeRunId: 'x' });
    assert.equal(store.activeRunId, 'x');
    store.apply({ type: 'reset', runs: [], activeRunId: null });
    assert.equal(store.active(), undefined);
  });
});
