/** Validation and JSON schema of the optimizer fields added with the new methods. */
import * as assert from 'assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../../src/engine/examples';
import { validateExperiment } from '../../../src/engine/spec/parse';
import { MiniSchema } from '../spec/miniSchema';

const schema = new MiniSchema(JSON.parse(readFileSync(join(packageRoot(), 'schemas', 'optim.schema.json'), 'utf8')) as Record<string, unknown>);

const withOptimizer = (optimizer: unknown, kind: 'objective' | 'network' = 'objective') =>
  kind === 'objective'
    ? { objective: { function: 'rosenbrock' }, optimizer, training: { steps: 10 } }
    : { data: { synthetic: 'xor' }, model: { layers: [] }, optimizer };

const issues = (v: unknown) => validateExperiment(v).issues.map((i) => `${i.severity} ${i.path}`);

describe('spec: optimizer fields of the optimizers issue', () => {
  it('fills the new defaults: lr 1 for newton/cg/line searches, rmsprop momentum 0, cg beta PR + brent', () => {
    const opt = (o: unknown) => validateExperiment(withOptimizer(o)).experiment?.optimizer;
    assert.strictEqual(opt({ name: 'newton' })?.learningRate, 1);
    assert.deepStrictEqual([opt({ name: 'cg' })?.beta, opt({ name: 'cg' })?.lineSearch, opt({ name: 'cg' })?.learningRate], ['polakRibiere', 'brent', 1]);
    assert.strictEqual(opt({ name: 'sgd', lineSearch: 'backtracking' })?.learningRate, 1);
    assert.strictEqual(opt({ name: 'sgd' })?.learningRate, 0.001);
    assert.strictEqual(opt({ name: 'sgd' })?.lineSearch, undefined);
    assert.strictEqual(opt({ name: 'rmsprop' })?.momentum, 0);
    assert.strictEqual(opt({ name: 'momentum' })?.momentum, 0.9);
    assert.strictEqual(opt({ name: 'rmsprop', centered: true })?.centered, true);
    assert.strictEqual(opt({ name: 'adam', amsgrad: true })?.amsgrad, true);
    assert.deepStrictEqual(opt({ name: 'adam', averaging: 'polyak' })?.averaging, { kind: 'polyak' });
    assert.deepStrictEqual(opt({ name: 'adam', averaging: { ema: 0.95 } })?.averaging, { kind: 'ema', decay: 0.95 });
    assert.deepStrictEqual(opt({ schedule: 'warmupCosine' })?.schedule, { name: 'warmupCosine', decay: 0, gamma: 1, every: 1, factor: 10, warmup: 0, floor: 0 });
    assert.deepStrictEqual(opt({ schedule: { name: 'warmupCosine', warmup: 3, floor: 1e-5 } })?.schedule.warmup, 3);
  });

  const bad: [string, unknown, string][] = [
    ['an unknown line search', { name: 'sgd', lineSearch: 'wolfe' }, '/optimizer/lineSearch'],
    ['a cg beta typo', { name: 'cg', beta: 'polakRibier' }, '/optimizer/beta'],
    ['centered not boolean', { name: 'rmsprop', centered: 'yes' }, '/optimizer/centered'],
    ['amsgrad not boolean', { name: 'adam', amsgrad: 1 }, '/optimizer/amsgrad'],
    ['averaging name', { averaging: 'swa' }, '/optimizer/averaging'],
    ['averaging ema 1', { averaging: { ema: 1 } }, '/optimizer/averaging/ema'],
    ['averaging without ema', { averaging: {} }, '/optimizer/averaging'],
    ['averaging a number', { averaging: 0.9 }, '/optimizer/averaging'],
    ['warmup negative', { schedule: { name: 'warmupCosine', warmup: -1 } }, '/optimizer/schedule/warmup'],
    ['warmup fractional', { schedule: { name: 'warmupCosine', warmup: 1.5 } }, '/optimizer/schedule/warmup'],
    ['floor negative', { schedule: { name: 'warmupCosine', floor: -0.1 } }, '/optimizer/schedule/floor'],
  ];
  for (const [title, o, path] of bad) {
    it(`rejects ${title} at ${path}, as the schema does`, () => {
      const v = withOptimizer(o);
      assert.ok(issues(v).includes(`error ${path}`), issues(v).join('; '));
      assert.notDeepStrictEqual(schema.validate(v), [], 'the schema accepts it');
    });
  }

  it('warns (does not fail) when a method ignores a field, and on unknown fields', () => {
    assert.deepStrictEqual(issues(withOptimizer({ name: 'adam', centered: true, lineSearch: 'brent', beta: 'fletcherReeves' })), [
      'warning /optimizer/centered',
      'warning /optimizer/beta',
      'warning /optimizer/lineSearch',
    ]);
    assert.deepStrictEqual(issues(withOptimizer({ name: 'rmsprop', amsgrad: true })), ['warning /optimizer/amsgrad']);
    assert.deepStrictEqual(issues(withOptimizer({ averaging: { ema: 0.9, bias: 1 } })), ['warning /optimizer/averaging/bias']);
    assert.deepStrictEqual(issues(withOptimizer({ schedule: { name: 'step', warmup: 2 } })), ['warning /optimizer/schedule/warmup']);
    assert.deepStrictEqual(issues(withOptimizer({ name: 'rmsprop', momentum: 0.9, centered: true })), []);
  });

  it('the schema accepts every new field the validator accepts', () => {
    for (const o of [
      { name: 'cg', beta: 'fletcherReeves', lineSearch: 'backtracking' },
      { name: 'newton', lineSearch: 'brent' },
      { name: 'normalizedGd', learningRate: 0.1 },
      { name: 'rmsprop', centered: true, momentum: 0.9 },
      { name: 'adam', amsgrad: true, averaging: { ema: 0.99 } },
      { name: 'sgd', averaging: 'polyak', schedule: { name: 'warmupCosine', warmup: 5, floor: 0.0001 } },
    ]) {
      for (const kind of ['objective', 'network'] as const) {
        const v = withOptimizer(o, kind);
        assert.deepStrictEqual(schema.validate(v), [], JSON.stringify(o));
        assert.ok(validateExperiment(v).experiment, JSON.stringify(validateExperiment(v).issues));
      }
    }
  });
});
