import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../../src/engine/examples';
import { validateExperiment } from '../../../src/engine/spec/parse';
import { DEFAULTS, LIMITS } from '../../../src/engine/spec/defaults';
import { ACTIVATIONS, INIT_SCHEMES, OBJECTIVES, OPTIMIZERS, OUTPUTS, SCHEDULES, SYNTHETIC_DATASETS } from '../../../src/engine/spec/names';
import { MiniSchema, Schema } from './miniSchema';
import { exampleValues, network, objective, withValue } from './fixtures';

const schemaJson = JSON.parse(readFileSync(join(packageRoot(), 'schemas', 'optim.schema.json'), 'utf8')) as Record<string, unknown>;
const schema = new MiniSchema(schemaJson);

function prop(...keys: string[]): Record<string, unknown> {
  let s = schemaJson as Schema;
  for (const k of keys) {
    const r = schema.resolve(s) as Record<string, unknown>;
    s = (r.properties as Record<string, Schema>)[k];
    assert.ok(s !== undefined, `schema has no property ${keys.join('.')}`);
  }
  return schema.resolve(s) as Record<string, unknown>;
}
const defs = schemaJson.definitions as Record<string, Record<string, unknown>>;
const synthProps = defs.syntheticData.properties as Record<string, Record<string, unknown>>;

describe('spec: JSON schema', () => {
  it('is draft-07, tolerant of JSONC, and uses only keywords the test understands', () => {
    assert.equal(schemaJson.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.equal(schemaJson.allowTrailingCommas, true);
    assert.deepEqual(schema.unsupportedKeywords(), []);
  });

  it('describes every property', () => {
    const missing: string[] = [];
    const walk = (s: Schema, path: string): void => {
      const r = schema.resolve(s);
      if (typeof r === 'boolean') return;
      for (const [k, sub] of Object.entries((r.properties ?? {}) as Record<string, Schema>)) {
        const rs = schema.resolve(sub);
        if (typeof rs === 'object' && typeof rs.description !== 'string') missing.push(`${path}/${k}`);
        walk(sub, `${path}/${k}`);
      }
      for (const key of ['oneOf', 'anyOf'] as const) for (const alt of (r[key] as Schema[] | undefined) ?? []) walk(alt, path);
      if (r.items && !Array.isArray(r.items)) walk(r.items as Schema, `${path}/*`);
    };
    walk(schemaJson, '');
    assert.deepEqual(missing, []);
  });

  it('has the same enums as the validator', () => {
    assert.deepEqual(synthProps.synthetic.enum, [...SYNTHETIC_DATASETS]);
    assert.deepEqual(defs.layer.properties && (defs.layer.properties as Record<string, Record<string, unknown>>).activation.enum, [...ACTIVATIONS]);
    assert.deepEqual(prop('model', 'output').enum, [...OUTPUTS]);
    assert.deepEqual(prop('model', 'init', 'scheme').enum, [...INIT_SCHEMES]);
    assert.deepEqual(prop('objective', 'function').enum, [...OBJECTIVES]);
    assert.deepEqual(prop('optimizer', 'name').enum, [...OPTIMIZERS]);
    assert.deepEqual(defs.scheduleName.enum, [...SCHEDULES]);
  });

  it('has the same defaults and limits as the validator', () => {
    assert.equal(prop('name').default, DEFAULTS.name);
    assert.equal(prop('seed').default, DEFAULTS.seed);
    assert.equal(synthProps.samples.default, DEFAULTS.samples);
    assert.equal(synthProps.samples.maximum, LIMITS.samplesMax);
    assert.equal(synthProps.noise.default, DEFAULTS.noise);
    assert.equal(synthProps.classes.default, DEFAULTS.classes);
    assert.equal(defs.validation.default, DEFAULTS.validation);
    assert.equal(defs.validation.maximum, LIMITS.validationMax);
    assert.equal(prop('model', 'layers').maxItems, LIMITS.layersMax);
    assert.equal(((defs.layer.properties as Record<string, Record<string, unknown>>).units).maximum, LIMITS.unitsMax);
    assert.equal(prop('model', 'init', 'scale').default, DEFAULTS.initScale);
    assert.equal(prop('model', 'init', 'bias').default, DEFAULTS.initBias);
    assert.equal(prop('objective', 'condition').default, DEFAULTS.condition);
    assert.equal(prop('optimizer', 'name').default, DEFAULTS.optimizer);
    for (const k of ['momentum', 'beta1', 'beta2', 'rho', 'epsilon'] as const) assert.equal(prop('optimizer', k).default, DEFAULTS[k], k);
    assert.equal(prop('training', 'steps').maximum, LIMITS.stepsMax);
    assert.equal(prop('training', 'histogramEvery').default, DEFAULTS.histogramEvery);
    const sched = defs.schedule.properties as Record<string, Record<string, unknown>>;
    for (const k of ['decay', 'gamma', 'every', 'factor'] as const) assert.equal(sched[k].default, DEFAULTS[k], k);
  });

  it('accepts every built-in example, as the validator does', () => {
    for (const { id, value } of exampleValues()) {
      assert.deepEqual(schema.validate(value), [], id);
      assert.deepEqual(validateExperiment(value).issues, [], id);
    }
  });

  const agreeCases: [string, Record<string, unknown>][] = [
    ['optimizer typo', withValue(network(), '/optimizer/name', 'adma')],
    ['lr 0', withValue(network(), '/optimizer/learningRate', 0)],
    ['momentum 1', withValue(network(), '/optimizer/momentum', 1)],
    ['epsilon 2', withValue(network(), '/optimizer/epsilon', 2)],
    ['units 4097', withValue(network(), '/model/layers/0/units', 4097)],
    ['units 1.5', withValue(network(), '/model/layers/0/units', 1.5)],
    ['validation 0.91', withValue(network(), '/data/validation', 0.91)],
    ['samples 0', withValue(network(), '/data/samples', 0)],
    ['classes 101', withValue(network(), '/data/classes', 101)],
    ['dataset typo', withValue(network(), '/data/synthetic', 'spirals')],
    ['two data variants', withValue(network(), '/data/csv', 'a.csv')],
    ['csv without target', withValue(network(), '/data', { csv: 'a.csv' })],
    ['steps 0', withValue(objective(), '/training/steps', 0)],
    ['start of 3', withValue(objective(), '/objective/start', [1, 2, 3])],
    ['start string', withValue(objective(), '/objective/start', ['a', 2])],
    ['condition 0', withValue(objective(), '/objective/condition', 0)],
    ['gamma 1.5', withValue(objective(), '/optimizer/schedule', { name: 'exponential', gamma: 1.5 })],
    ['schedule typo', withValue(objective(), '/optimizer/schedule', 'exponental')],
    ['objective and data', { ...objective(), data: { synthetic: 'xor' } }],
    ['neither', { name: 'x' }],
  ];
  for (const [title, value] of agreeCases) {
    it(`rejects like the validator: ${title}`, () => {
      assert.notDeepEqual(schema.validate(value), [], 'schema accepts');
      assert.ok(validateExperiment(value).issues.some((i) => i.severity === 'error'), 'validator accepts');
    });
  }

  it('warns where the schema forbids an unknown property', () => {
    const value = withValue(network(), '/optimizer/lr', 0.1);
    assert.deepEqual(schema.validate(value), ['/optimizer/lr: additionalProperties']);
    assert.deepEqual(validateExperiment(value).issues.map((i) => [i.path, i.severity]), [['/optimizer/lr', 'warning']]);
  });

  it('accepts what the validator accepts (schedule shorthand and object, csv, idx)', () => {
    const ok = [
      withValue(objective(), '/optimizer/schedule', 'inverseTime'),
      withValue(objective(), '/optimizer/schedule', { name: 'step', every: 2, factor: 3 }),
      withValue(network(), '/data', { csv: 'a.csv', target: 't', normalize: true }),
      withValue(network(), '/data', { idx: { images: 'i', labels: 'l' }, limit: 5 }),
      withValue(network(), '/model/layers', []),
    ];
    for (const v of ok) {
      assert.deepEqual(schema.validate(v), []);
      assert.ok(validateExperiment(v).experiment);
    }
  });

  it('agrees with the validator on thousands of single-field mutations of the examples', () => {
    const garbage: unknown[] = [null, -1, 0, 1e300, 0.5, 2.5, 'x', '', 'adam', [], [1], [1, 2], [1, 'a'], {}, { a: 1 }, true, false, 1e9, 4097, 33, 'relu', 'spiral', 'constant', 0.95, 1];
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const keyPaths = (v: unknown, p: (string | number)[] = []): (string | number)[][] => {
      const out = [p];
      if (Array.isArray(v)) v.forEach((x, i) => out.push(...keyPaths(x, [...p, i])));
      else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) out.push(...keyPaths(x, [...p, k]));
      return out;
    };
    const examples = exampleValues();
    const disagreements: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const v = JSON.parse(JSON.stringify(examples[i % examples.length].value)) as Record<string | number, unknown>;
      const all = keyPaths(v).filter((p) => p.length > 0);
      const target = all[Math.floor(rand() * all.length)];
      let parent = v;
      for (const k of target.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
      const key = target[target.length - 1];
      const g = structuredClone(garbage[Math.floor(rand() * garbage.length)]);
      if (rand() < 0.3 && !Array.isArray(parent)) delete parent[key];
      else parent[key] = g;
      // Unknown properties are schema errors but validator warnings: compare the rest.
      const schemaErrors = schema.validate(v).filter((e) => !e.endsWith('additionalProperties'));
      const validatorErrors = validateExperiment(v).issues.filter((x) => x.severity === 'error');
      if ((schemaErrors.length > 0) !== (validatorErrors.length > 0)) {
        disagreements.push(`${target.join('/')} = ${JSON.stringify(g)}: schema ${JSON.stringify(schemaErrors)}, validator ${JSON.stringify(validatorErrors)}`);
      }
    }
    assert.deepEqual(disagreements.slice(0, 5), []);
  });
});
