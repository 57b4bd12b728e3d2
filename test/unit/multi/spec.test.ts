import * as assert from 'node:assert/strict';
import { validateExperiment } from '../../../src/engine/spec/parse';

const base = { objective: { function: 'rosenbrock' }, optimizer: { name: 'momentum', learningRate: 0.001, momentum: 0.5 }, training: { steps: 50 } };
const net = { data: { synthetic: 'spiral' }, model: { layers: [{ units: 4, activation: 'relu' }], init: { scheme: 'he', bias: 0 } }, optimizer: { name: 'sgd' } };

describe('spec: compare, restarts, search', () => {
  it('compare entries are merged into the base key by key and labelled', () => {
    const r = validateExperiment({ ...base, compare: [{ optimizer: { name: 'nesterov' } }, { name: 'fast Adam', optimizer: { name: 'adam', learningRate: 0.1 }, training: { steps: 10 } }] });
    assert.deepEqual(r.issues, []);
    const [a, b] = r.experiment?.compare ?? [];
    assert.equal(a.name, 'nesterov');
    assert.equal(a.experiment.optimizer.learningRate, 0.001, 'keeps the base α');
    assert.equal(a.experiment.optimizer.momentum, 0.5, 'and the base μ');
    assert.equal(a.experiment.training.steps, 50);
    assert.equal(b.name, 'fast Adam');
    assert.equal(b.experiment.training.steps, 10);
    assert.equal(b.experiment.seed, r.experiment?.seed);
  });

  it('a variant may change model.init only, and its labels say what differs', () => {
    const r = validateExperiment({ ...net, compare: [{ model: { init: { bias: -3 } } }] });
    assert.deepEqual(r.issues, []);
    const v = r.experiment?.compare?.[0];
    assert.ok(v?.experiment.kind === 'network');
    assert.equal(v.experiment.model.init.bias, -3);
    assert.equal(v.experiment.model.init.scheme, 'he');
    assert.equal(v.name, 'sgd bias=-3');
    const bad = validateExperiment({ ...net, compare: [{ model: { layers: [] } }] });
    assert.equal(bad.experiment, undefined);
    assert.equal(bad.issues[0].path, '/compare/0/model');
  });

  it('problems of a variant are reported under /compare/<i>', () => {
    const r = validateExperiment({ ...base, compare: [{ optimizer: { name: 'adam' } }, { optimizer: { learningRate: -1 } }, 3] });
    assert.equal(r.experiment, undefined);
    assert.deepEqual(r.issues.filter((i) => i.severity === 'error').map((i) => i.path), ['/compare/1/optimizer/learningRate', '/compare/2']);
    assert.equal(validateExperiment({ ...base, compare: [] }).issues[0].path, '/compare');
  });

  it('top-level restarts is an alias of training.restarts; giving two numbers is an error', () => {
    assert.equal(validateExperiment({ ...base, restarts: 3 }).experiment?.training.restarts, 3);
    const both = validateExperiment({ ...base, restarts: 3, training: { steps: 50, restarts: 2 } });
    assert.equal(both.experiment, undefined);
    assert.equal(both.issues[0].path, '/restarts');
    assert.equal(validateExperiment({ ...base, restarts: 3, training: { steps: 50, restarts: 3 } }).experiment?.training.restarts, 3);
    assert.equal(validateExperiment({ ...base, restarts: 99 }).issues[0].path, '/restarts');
  });

  it('random search draws in range, reproducibly from the seed; steps shortens the trials', () => {
    const spec = { ...base, search: { trials: 12, steps: 7, space: { '/optimizer/learningRate': { logUniform: [1e-4, 1e-1] }, '/optimizer/momentum': [0.5, 0.9, 0.99] } } };
    const a = validateExperiment(spec).experiment?.search;
    const b = validateExperiment(spec).experiment?.search;
    assert.ok(a && b);
    assert.deepEqual(a.trials.map((t) => t.values), b.trials.map((t) => t.values));
    assert.equal(a.trials.length, 12);
    assert.deepEqual(a.space, ['/optimizer/learningRate', '/optimizer/momentum']);
    for (const t of a.trials) {
      const lr = t.values['/optimizer/learningRate'] as number;
      assert.ok(lr >= 1e-4 && lr <= 1e-1);
      assert.equal(t.experiment.optimizer.learningRate, lr);
      assert.ok([0.5, 0.9, 0.99].includes(t.experiment.optimizer.momentum));
      assert.equal(t.experiment.training.steps, 7);
    }
    // Log-uniform: about as many draws below 3e-3 (the geometric middle) as above.
    const below = a.trials.filter((t) => (t.values['/optimizer/learningRate'] as number) < 3.16e-3).length;
    assert.ok(below > 2 && below < 10, `${below} of 12 below the geometric middle`);
    const other = validateExperiment({ ...spec, seed: 5 }).experiment?.search;
    assert.notDeepEqual(other?.trials.map((t) => t.values), a.trials.map((t) => t.values));
  });

  it('grid search is the product of the lists and log-spaced ranges', () => {
    const s = validateExperiment({ ...base, search: { method: 'grid', gridPoints: 3, space: { '/optimizer/learningRate': { logUniform: [1e-4, 1e-2] }, '/optimizer/name': ['sgd', 'adam'] } } }).experiment?.search;
    assert.deepEqual(s?.trials.map((t) => [t.values['/optimizer/learningRate'], t.experiment.optimizer.name]), [
      [1e-4, 'sgd'], [1e-4, 'adam'], [1e-3, 'sgd'], [1e-3, 'adam'], [1e-2, 'sgd'], [1e-2, 'adam'],
    ]);
  });

  it('bad search spaces are reported at the key', () => {
    const err = (space: unknown) => validateExperiment({ ...base, search: { space } }).issues.filter((i) => i.severity === 'error').map((i) => i.path);
    assert.deepEqual(err({ 'optimizer.learningRate': [0.1] }), ['/search/space/optimizer.learningRate']);
    assert.deepEqual(err({ '/optimizer/learningRate': { logUniform: [0, 1] } }), ['/search/space/~1optimizer~1learningRate']);
    assert.deepEqual(err({ '/optimizer/learningRate': [0.1, -2] }), ['/search/space/~1optimizer~1learningRate']);
    assert.deepEqual(err({ '/compare/0': [1] }), ['/search/space/~1compare~10']);
    assert.deepEqual(err({}), ['/search/space']);
  });
});
