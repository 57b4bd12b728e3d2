import { strict as assert } from 'node:assert';
import { isAbsolute } from 'node:path';
import { examplesDir, findExample, listExamples } from '../../../src/engine/examples';
import { parseExperiment } from '../../../src/engine/spec/parse';

const REQUIRED = [
  'default', 'parabola-lr-0.2', 'parabola-lr-0.05', 'rosenbrock-gd', 'rosenbrock-momentum', 'rosenbrock-adam',
  'ravine-unnormalized', 'ravine-normalized', 'spiral-healthy', 'spiral-dead-relu', 'saddle', 'ill-conditioned-quadratic',
];

describe('built-in examples', () => {
  it('lists every required example, default first', () => {
    const ids = listExamples().map((e) => e.id);
    for (const id of REQUIRED) assert.ok(ids.includes(id), `missing example ${id}`);
    assert.equal(ids[0], 'default');
    assert.ok(isAbsolute(examplesDir()));
  });

  for (const e of listExamples()) {
    it(`${e.id}: parses without issues, has a title, a description and a leading comment`, () => {
      const r = parseExperiment(e.text);
      assert.deepEqual(r.issues, []);
      assert.ok(r.experiment);
      assert.ok(e.text.startsWith('//'), 'starts with a // comment');
      assert.equal(e.title, r.experiment.name);
      assert.ok(e.title !== 'Untitled experiment' && e.description.length > 20);
    });
  }

  it('the parabola examples are the lecture f(x) = x² from x = 10', () => {
    for (const [id, lr] of [['parabola-lr-0.2', 0.2], ['parabola-lr-0.05', 0.05]] as const) {
      const exp = parseExperiment(findExample(id)?.text ?? '').experiment;
      assert.ok(exp && exp.kind === 'objective');
      assert.equal(exp.objective.function, 'sphere');
      assert.deepEqual(exp.objective.start, [10, 0]);
      assert.equal(exp.optimizer.name, 'sgd');
      assert.equal(exp.optimizer.learningRate, lr);
    }
  });

  it('the ravine pair differs only in normalization and learning rate', () => {
    const un = parseExperiment(findExample('ravine-unnormalized')?.text ?? '').experiment;
    const no = parseExperiment(findExample('ravine-normalized')?.text ?? '').experiment;
    assert.ok(un?.kind === 'network' && no?.kind === 'network');
    assert.equal(un.data.normalize, false);
    assert.equal(no.data.normalize, true);
    assert.deepEqual(un.model.layers, []);
    assert.deepEqual({ ...un.data, normalize: true }, no.data);
  });

  it('findExample refuses unknown ids and paths', () => {
    assert.equal(findExample('nope'), undefined);
    assert.equal(findExample('../package'), undefined);
    assert.equal(findExample('default')?.id, 'default');
  });
});
