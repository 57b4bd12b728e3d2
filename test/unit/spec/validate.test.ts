import { strict as assert } from 'node:assert';
import type { NetworkExperiment, ObjectiveExperiment } from '../../../src/shared/experiment';
import { parseExperiment, validateExperiment } from '../../../src/engine/spec/parse';
import { MAX_STEPS } from '../../../src/engine/spec/defaults';
import { network, objective, withValue } from './fixtures';

function errors(value: unknown) {
  return validateExperiment(value).issues.filter((i) => i.severity === 'error');
}

describe('spec: defaults', () => {
  it('fills every default of a minimal network experiment', () => {
    const r = parseExperiment('{ "data": { "synthetic": "spiral" }, "model": {} }');
    assert.deepEqual(r.issues, []);
    const e = r.experiment as NetworkExperiment;
    assert.equal(e.kind, 'network');
    assert.equal(e.name, 'Untitled experiment');
    assert.equal(e.seed, 0);
    assert.deepEqual(e.data, { kind: 'synthetic', synthetic: 'spiral', samples: 600, noise: 0.1, validation: 0.2, normalize: false, classes: 3 });
    assert.deepEqual(e.model, { layers: [], output: 'softmax', loss: 'crossentropy', init: { scheme: 'glorot', scale: 1, bias: 0 } });
    assert.deepEqual(e.optimizer, {
      name: 'sgd', learningRate: 0.01, momentum: 0.9, beta1: 0.9, beta2: 0.999, rho: 0.99, epsilon: 1e-8,
      schedule: { name: 'constant', decay: 0, gamma: 1, every: 1, factor: 10 },
    });
    assert.deepEqual(e.training, { epochs: 20, steps: MAX_STEPS, histogramEvery: 0 });
  });

  it('fills objective defaults: start per function, condition, lr 0.001, 200 steps', () => {
    const r = parseExperiment('{ "objective": { "function": "quadratic" } }');
    const e = r.experiment as ObjectiveExperiment;
    assert.ok(e, JSON.stringify(r.issues));
    assert.deepEqual(e.objective, { function: 'quadratic', start: [10, 1], condition: 10 });
    assert.equal(e.optimizer.learningRate, 0.001);
    assert.deepEqual(e.training, { steps: 200, histogramEvery: 0 });
  });

  it('derives output, loss and init from the data and layers', () => {
    const reg = validateExperiment({ data: { synthetic: 'ravine' }, model: { layers: [{ units: 4, activation: 'relu' }] } }).experiment as NetworkExperiment;
    assert.equal(reg.model.output, 'linear');
    assert.equal(reg.model.loss, 'mse');
    assert.equal(reg.model.init.scheme, 'he');
    assert.equal(reg.data.kind === 'synthetic' && reg.data.classes, 1);
    const mixed = validateExperiment({ data: { synthetic: 'xor' }, model: { layers: [{ units: 4, activation: 'relu' }, { units: 4, activation: 'tanh' }], output: 'sigmoid' } }).experiment as NetworkExperiment;
    assert.equal(mixed.model.loss, 'crossentropy');
    assert.equal(mixed.model.init.scheme, 'glorot');
    assert.equal(mixed.data.kind === 'synthetic' && mixed.data.classes, 2);
  });

  it('uses the variant defaults of csv and idx data', () => {
    const csv = validateExperiment({ data: { csv: 'iris.csv', target: 'species' }, model: {} }).experiment as NetworkExperiment;
    assert.deepEqual(csv.data, { kind: 'csv', csv: 'iris.csv', target: 'species', normalize: false, validation: 0.2 });
    const idx = validateExperiment({ data: { idx: { images: 'i', labels: 'l' }, limit: 1000 }, model: {} }).experiment as NetworkExperiment;
    assert.deepEqual(idx.data, { kind: 'idx', idx: { images: 'i', labels: 'l' }, normalize: true, validation: 0.2, limit: 1000 });
  });

  it('uses adagrad epsilon 1e-10 and accepts the schedule shorthand', () => {
    const e = validateExperiment(withValue(objective(), '/optimizer', { name: 'adagrad', schedule: 'exponential' })).experiment;
    assert.ok(e);
    assert.equal(e.optimizer.epsilon, 1e-10);
    assert.deepEqual(e.optimizer.schedule, { name: 'exponential', decay: 0, gamma: 1, every: 1, factor: 10 });
  });

  it('keeps steps alone when only steps bound a network run', () => {
    const e = validateExperiment(withValue(network(), '/training', { steps: 50 })).experiment;
    assert.deepEqual(e?.training, { steps: 50, histogramEvery: 0 });
  });

  it('accepts comments, trailing commas, $schema and description', () => {
    const r = parseExperiment(`// a comment
      { "$schema": "../schemas/optim.schema.json", "description": "d", /* inline */
        "objective": { "function": "saddle", "start": [1, 2], }, }`);
    assert.deepEqual(r.issues, []);
    assert.ok(r.experiment);
  });
});

describe('spec: bad inputs are reported at the right JSON pointer', () => {
  const net = network();
  const obj = objective();
  const cases: [string, Record<string, unknown>, string, RegExp?][] = [
    ['negative learning rate', withValue(obj, '/optimizer/learningRate', -0.1), '/optimizer/learningRate', /must be a number > 0, got -0.1/],
    ['zero learning rate', withValue(net, '/optimizer/learningRate', 0), '/optimizer/learningRate'],
    ['string learning rate', withValue(net, '/optimizer/learningRate', 'fast'), '/optimizer/learningRate', /got "fast"/],
    ['NaN learning rate', withValue(net, '/optimizer/learningRate', NaN), '/optimizer/learningRate', /got NaN/],
    ['Infinity learning rate', withValue(net, '/optimizer/learningRate', Infinity), '/optimizer/learningRate'],
    ['optimizer typo', withValue(net, '/optimizer/name', 'adma'), '/optimizer/name', /unknown optimizer 'adma'; expected one of sgd, momentum.*did you mean 'adam'\?/],
    ['optimizer null', withValue(net, '/optimizer', null), '/optimizer'],
    ['momentum 1', withValue(net, '/optimizer/momentum', 1), '/optimizer/momentum', /\[0, 1\)/],
    ['beta2 negative', withValue(net, '/optimizer/beta2', -0.5), '/optimizer/beta2'],
    ['rho as string', withValue(net, '/optimizer/rho', '0.9'), '/optimizer/rho'],
    ['epsilon 0', withValue(net, '/optimizer/epsilon', 0), '/optimizer/epsilon'],
    ['schedule unknown', withValue(net, '/optimizer/schedule', 'cosine'), '/optimizer/schedule'],
    ['schedule gamma 0', withValue(net, '/optimizer/schedule', { name: 'exponential', gamma: 0 }), '/optimizer/schedule/gamma'],
    ['schedule every 0.5', withValue(net, '/optimizer/schedule', { name: 'step', every: 0.5 }), '/optimizer/schedule/every'],
    ['units 0', withValue(net, '/model/layers/0/units', 0), '/model/layers/0/units'],
    ['units 5000', withValue(net, '/model/layers/0/units', 5000), '/model/layers/0/units', /\[1, 4096\]/],
    ['units fractional', withValue(net, '/model/layers/0/units', 2.5), '/model/layers/0/units', /integer/],
    ['second layer units missing', withValue(net, '/model/layers/1', { activation: 'relu' }), '/model/layers/1/units', /missing/],
    ['activation typo', withValue(net, '/model/layers/0/activation', 'rleu'), '/model/layers/0/activation', /did you mean 'relu'/],
    ['layer not an object', withValue(net, '/model/layers/0', 16), '/model/layers/0'],
    ['layers not an array', withValue(net, '/model/layers', { units: 3 }), '/model/layers'],
    ['too many layers', withValue(net, '/model/layers', Array.from({ length: 33 }, () => ({ units: 2, activation: 'relu' }))), '/model/layers', /at most 32/],
    ['model too large', withValue(net, '/model/layers', Array.from({ length: 4 }, () => ({ units: 4096, activation: 'relu' }))), '/model/layers', /model too large: \d+ parameters/],
    ['output typo', withValue(net, '/model/output', 'softmx'), '/model/output'],
    ['crossentropy on linear output', withValue(withValue(net, '/model/output', 'linear'), '/model/loss', 'crossentropy'), '/model/loss'],
    ['softmax on regression data', withValue(withValue(net, '/data/synthetic', 'ravine'), '/model/output', 'softmax'), '/model/output'],
    ['init scheme unknown', withValue(net, '/model/init', { scheme: 'xavier' }), '/model/init/scheme'],
    ['init scale negative', withValue(net, '/model/init', { scale: -1 }), '/model/init/scale'],
    ['samples 0', withValue(net, '/data/samples', 0), '/data/samples'],
    ['samples too many', withValue(net, '/data/samples', 2e6), '/data/samples'],
    ['validation 0.95', withValue(net, '/data/validation', 0.95), '/data/validation', /\[0, 0.9\]/],
    ['noise negative', withValue(net, '/data/noise', -1), '/data/noise'],
    ['normalize as string', withValue(net, '/data/normalize', 'yes'), '/data/normalize', /true or false/],
    ['dataset typo', withValue(net, '/data/synthetic', 'spirl'), '/data/synthetic', /did you mean 'spiral'/],
    ['classes 1', withValue(net, '/data/classes', 1), '/data/classes'],
    ['no data variant', withValue(net, '/data', { samples: 10 }), '/data', /synthetic/],
    ['two data variants', withValue(net, '/data', { synthetic: 'xor', csv: 'a.csv' }), '/data/csv'],
    ['csv without target', withValue(net, '/data', { csv: 'a.csv' }), '/data/target'],
    ['idx without labels', withValue(net, '/data', { idx: { images: 'a' } }), '/data/idx/labels'],
    ['data is an array', withValue(net, '/data', [1, 2]), '/data'],
    ['model missing', withValue(net, '/model', undefined), '/model'],
    ['data missing', withValue(net, '/data', undefined), '/data'],
    ['both network and objective', { ...net, objective: { function: 'beale' } }, '/objective'],
    ['neither network nor objective', { name: 'x' }, ''],
    ['objective function typo', withValue(obj, '/objective/function', 'rosenbrok'), '/objective/function', /did you mean 'rosenbrock'/],
    ['objective function missing', withValue(obj, '/objective/function', undefined), '/objective/function'],
    ['start of three numbers', withValue(obj, '/objective/start', [1, 2, 3]), '/objective/start'],
    ['start with a string', withValue(obj, '/objective/start', [1, 'y']), '/objective/start/1'],
    ['start with NaN', withValue(obj, '/objective/start', [NaN, 0]), '/objective/start/0'],
    ['condition 0', withValue(withValue(obj, '/objective/function', 'quadratic'), '/objective/condition', 0), '/objective/condition'],
    ['steps 0', withValue(obj, '/training/steps', 0), '/training/steps'],
    ['steps 1e10', withValue(obj, '/training/steps', 1e10), '/training/steps'],
    ['steps fractional', withValue(obj, '/training/steps', 10.5), '/training/steps'],
    ['batchSize 0', withValue(net, '/training/batchSize', 0), '/training/batchSize'],
    ['epochs string', withValue(net, '/training/epochs', '10'), '/training/epochs'],
    ['training null', withValue(net, '/training', null), '/training'],
    ['seed fractional', withValue(net, '/seed', 1.5), '/seed'],
    ['name number', withValue(net, '/name', 7), '/name'],
  ];

  for (const [title, input, path, message] of cases) {
    it(`${title} → ${path || "''"}`, () => {
      const r = validateExperiment(input);
      assert.equal(r.experiment, undefined, 'no experiment when there is an error');
      const errs = r.issues.filter((i) => i.severity === 'error');
      const hit = errs.find((i) => i.path === path);
      assert.ok(hit, `expected an error at ${path}, got ${JSON.stringify(errs)}`);
      if (message) assert.match(hit.message, message);
    });
  }

  it('reports every error of a file at once', () => {
    const bad = withValue(withValue(withValue(net, '/optimizer/learningRate', -1), '/model/layers/0/units', 0), '/data/validation', 2);
    assert.deepEqual(errors(bad).map((e) => e.path).sort(), ['/data/validation', '/model/layers/0/units', '/optimizer/learningRate']);
  });
});

describe('spec: warnings', () => {
  it('unknown properties are warnings with a suggestion and do not block the run', () => {
    const r = validateExperiment(withValue(network(), '/optimizer/learningrate', 0.1));
    assert.ok(r.experiment);
    const w = r.issues.find((i) => i.path === '/optimizer/learningrate');
    assert.equal(w?.severity, 'warning');
    assert.match(w?.message ?? '', /did you mean 'learningRate'/);
  });

  it('flags hyperparameters the chosen optimizer ignores', () => {
    const r = validateExperiment(withValue(network(), '/optimizer', { name: 'sgd', momentum: 0.5 }));
    assert.ok(r.experiment);
    assert.deepEqual(r.issues.map((i) => [i.path, i.severity]), [['/optimizer/momentum', 'warning']]);
  });

  it('flags epochs and batchSize on objectives', () => {
    const r = validateExperiment(withValue(objective(), '/training', { epochs: 3, batchSize: 4 }));
    assert.ok(r.experiment);
    assert.deepEqual(r.issues.map((i) => i.path).sort(), ['/training/batchSize', '/training/epochs']);
  });
});

describe('spec: JSONC syntax errors', () => {
  it('names line and column', () => {
    const r = parseExperiment('{\n  "name": "x",\n  "seed" 3\n}');
    assert.equal(r.experiment, undefined);
    assert.equal(r.issues[0].path, '');
    assert.match(r.issues[0].message, /line 3:10/);
  });

  it('rejects empty text and non-objects', () => {
    assert.equal(parseExperiment('').issues[0].path, '');
    assert.match(parseExperiment('[1, 2]').issues[0].message, /must hold a JSON object, got an array/);
    assert.match(parseExperiment('42').issues[0].message, /got 42/);
  });

  it('never throws on exotic inputs', () => {
    const exotic: unknown[] = [undefined, null, NaN, 'text', [], () => 1, Symbol('s'), Object.create(null), { data: { synthetic: 'spiral', constructor: 1 }, model: { __proto__: null } }];
    for (const v of exotic) assert.ok(Array.isArray(validateExperiment(v).issues));
    const throwing = { get data(): never { throw new Error('boom'); }, model: {} };
    const r = validateExperiment(throwing);
    assert.equal(r.experiment, undefined);
    assert.match(r.issues[r.issues.length - 1].message, /boom/);
  });
});
