import { strict as assert } from 'node:assert';
import { DiagnosisMonitor } from '../../../src/diagnose';
import { fixTitle } from '../../../src/diagnose/fixes';
import { groups } from '../../../src/engine/instruments/symmetry';
import type { ProbeRecord } from '../../../src/shared/protocol';
import { batch, info, networkExperiment, noise, objectiveExperiment, steps } from './synthetic';

function run(e: ReturnType<typeof networkExperiment>, probes: ProbeRecord[], n = 100, loss: (i: number) => number = (i) => 1 + 0.001 * noise(i)) {
  const m = new DiagnosisMonitor(e, info(e));
  m.ingest(batch(steps(n, loss), { probes }));
  return m.list();
}

describe('instrument-based detectors', () => {
  it('symmetry: copies found by the probe in two snapshots after step 0; distinct units are not', () => {
    assert.deepEqual(groups([[1, 2, 3], [1, 2, 3], [0, 0, 0], [0, 0, 0], [1, 2, 4]]), { largestGroup: 2, duplicated: 4 });
    assert.deepEqual(groups([[1, 0], [0, 1], [1, 1]]), { largestGroup: 1, duplicated: 0 });
    const e = networkExperiment({ layers: [{ units: 4, activation: 'tanh' }] });
    const snap = (step: number, duplicated: number): ProbeRecord => ({ kind: 'symmetry', step, layer: 0, units: 4, largestGroup: duplicated || 1, duplicated });
    const list = run(e, [snap(0, 4), snap(50, 4)]);
    assert.deepEqual(list.map((d) => d.code), ['symmetry']);
    assert.equal(list[0].fixes[0].title, 'Initialize W randomly');
    assert.deepEqual(run(e, [snap(0, 4)]).map((d) => d.code), [], 'only the step-0 snapshot');
    assert.deepEqual(run(e, [snap(0, 0), snap(50, 0)]).map((d) => d.code), []);
  });

  it('local-optimum: restarts ending far apart; close final losses are not', () => {
    const e = networkExperiment({ normalize: true });
    const r = (losses: number[]): ProbeRecord => ({ kind: 'restarts', step: 100, seeds: losses.map((_, i) => i), finalLosses: losses });
    const list = run(e, [r([0.05, 0.35, 0.04, 0.36])]);
    assert.deepEqual(list.map((d) => d.code), ['local-optimum']);
    assert.equal(list[0].fixes[0].path, '/seed');
    assert.equal(list[0].fixes[0].value, 2);
    assert.deepEqual(run(e, [r([0.05, 0.06, 0.055])]).map((d) => d.code), []);
  });

  it('incorrect-gradient: needs two failing checks; float32-sized errors are not flagged', () => {
    const e = networkExperiment({ normalize: true });
    const c = (step: number, err: number): ProbeRecord => ({ kind: 'gradientCheck', step, maxRelError: err, parameter: 'W1[0,1]', analytic: 2, numeric: 1, checked: 24 });
    const list = run(e, [c(0, 0.5), c(50, 0.5)]);
    assert.deepEqual(list.map((d) => d.code), ['incorrect-gradient']);
    assert.equal(list[0].evidence.parameter, 'W1[0,1]');
    assert.deepEqual(run(e, [c(0, 0.5), c(50, 0.01)]).map((d) => d.code), []);
    assert.deepEqual(run(e, [c(0, 0.003), c(50, 0.002)]).map((d) => d.code), []);
  });

  it('network saddle-point: negative curvature with a still gradient at a high loss; not near a minimum', () => {
    const e = networkExperiment({ normalize: true, lr: 0.05 });
    const curv = (loss: number): ProbeRecord => ({ kind: 'curvature', step: 50, lambdaMax: 0.33, lambdaMin: -0.001, gradNorm: 0.001, loss });
    assert.deepEqual(run(e, [curv(1.1)], 100, () => 1.0986).map((d) => d.code), ['saddle-point']);
    assert.ok(!run(e, [curv(0.01)], 100, (i) => (i < 5 ? 1.1 : 0.01)).some((d) => d.code === 'saddle-point'));
  });

  it('oscillation evidence carries the sharpness and the fix is 1/λ_max', () => {
    const e = objectiveExperiment({ learningRate: 0.9 }, 'sphere');
    const m = new DiagnosisMonitor(e, info(e), (x, y) => x * x + y * y);
    m.ingest(batch(steps(60, (i) => 100 * 0.64 ** i, (i) => ({ point: [10 * (-0.8) ** i, 0] as [number, number] }))));
    const d = m.list().find((x) => x.code === 'oscillation');
    assert.ok(d);
    assert.ok(Math.abs((d.evidence.sharpness as number) - 2) < 1e-3);
    assert.equal(d.fixes[0].value, 0.5);
    assert.equal(d.fixes[0].title, 'Lower the learning rate to 0.5');
  });

  it('every fix gets a title from its path and the current value', () => {
    const e = networkExperiment({ lr: 0.1 });
    assert.equal(fixTitle({ path: '/optimizer/learningRate', value: 0.03, why: '' }, e), 'Lower the learning rate to 0.03');
    assert.equal(fixTitle({ path: '/optimizer/learningRate', value: 0.3, why: '' }, e), 'Raise the learning rate to 0.3');
    assert.equal(fixTitle({ path: '/data/normalize', value: true, why: '' }, e), 'Normalize the inputs');
    assert.equal(fixTitle({ path: '/model/layers/1/activation', value: 'relu', why: '' }, e), 'Use relu in hidden layer 2');
    assert.equal(fixTitle({ path: '/optimizer/name', value: 'adam', why: '' }, e), 'Switch the optimizer to adam');
  });
});
