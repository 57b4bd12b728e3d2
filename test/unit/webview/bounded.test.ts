import { strict as assert } from 'node:assert';
import type { RunInfo, StepRecord, WeightsRecord } from '../../../src/shared/protocol';
import { halveIndices } from '../../../webview/decimate';
import { MAX_STEPS, RunData, Store } from '../../../webview/store';

const info: RunInfo = {
  runId: 'long', name: 'long', source: 'default', kind: 'network', optimizer: 'sgd',
  backend: { name: 'cpu', label: 'cpu', reason: 'test' }, paramCount: 10, totalSteps: 1e6, layers: ['dense1 (4, tanh)'], startedAt: 0,
};

/** A noisy decaying loss with one spike and one dip far from the ends. */
function loss(i: number): number {
  if (i === 123_457) return 50;
  if (i === 77_777) return -1;
  return 1 / (1 + i / 1000) + 0.01 * Math.sin(i * 1.7);
}

function rec(i: number): StepRecord {
  return { step: i, epoch: 0, loss: loss(i), lr: 0.1, gradNorm: 2 + Math.cos(i), layerGradNorms: [1, 2], updateRatios: [1e-3, 2e-3], avgLoss: loss(i) / 2 };
}

describe('webview memory bound', () => {
  it('halveIndices keeps first, last, every bucket extreme and gaps; about half the points', () => {
    const ys = [5, 1, 9, 3, 4, NaN, 2, 2, 8, 0];
    const idx = halveIndices(ys);
    assert.deepEqual(idx, [0, 1, 2, 5, 6, 9]);
    const many = Array.from({ length: 10_001 }, (_, i) => Math.sin(i));
    assert.ok(halveIndices(many).length <= 5_002);
  });

  it('a 300k-step run keeps ≤ MAX_STEPS records per series, its extremes, ends and the step count', () => {
    const run = new RunData(info);
    for (let start = 0; start < 300_000; start += 1000) {
      const steps: StepRecord[] = [];
      for (let i = start; i < start + 1000; i++) steps.push(rec(i));
      run.append({ steps, epochs: [], histograms: [] }, start);
      assert.ok(run.step.length <= MAX_STEPS + 1000);
    }
    assert.equal(run.stepCount, 300_000);
    assert.ok(run.step.length <= MAX_STEPS, `kept ${run.step.length}`);
    for (const col of [run.loss, run.lr, run.gradNorm, run.avgLoss, run.layerGradNorms[0], run.updateRatios[1]]) assert.equal(col.length, run.step.length);
    assert.equal(run.step[0], 0);
    assert.equal(run.step[run.step.length - 1], 299_999);
    assert.equal(Math.max(...run.loss), 50, 'the spike survives');
    assert.equal(Math.min(...run.loss), -1, 'the dip survives');
    // Records stay whole: every kept column belongs to the same step.
    run.step.forEach((s, k) => assert.equal(run.loss[k], loss(s)));
    assert.ok(run.hasAvgLoss);
  });

  it('weight snapshots arrive as probes and are kept per run', () => {
    const store = new Store(() => 0);
    store.apply({ type: 'runStarted', info });
    const w: WeightsRecord = { kind: 'weights', step: 0, layer: 0, fanIn: 2, units: 4, rows: 2, cols: 4, values: [1, -1, 0, 0.5, 0, 0, 1, 1] };
    store.apply({ type: 'metrics', runId: 'long', batch: { steps: [rec(0)], epochs: [], histograms: [], probes: [w, { kind: 'symmetry', step: 0, layer: 0, units: 4, largestGroup: 1, duplicated: 0 }] } });
    assert.deepEqual(store.active()?.weights, [w]);
  });
});
