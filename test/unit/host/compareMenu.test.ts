import { strict as assert } from 'node:assert';
import { compareOptions, withCompare } from '../../../src/host/compareMenu';
import { parseExperiment } from '../../../src/engine/spec/parse';

const text = `// my experiment
{
  "name": "spiral",
  "data": { "synthetic": "spiral", "samples": 200 },
  "model": { "layers": [{ "units": 8, "activation": "relu" }] },
  "optimizer": { "name": "sgd", "learningRate": 0.3 }, // tuned
  "training": { "epochs": 2 }
}`;

describe('host: Compare… variants', () => {
  it('offers α/3, α×3, momentum, Nesterov, RMSprop and Adam, four picked by default', () => {
    const exp = parseExperiment(text).experiment!;
    const opts = compareOptions(exp);
    assert.deepEqual(opts.map((o) => o.id), ['lr/3', 'lr*3', 'momentum', 'nesterov', 'rmsprop', 'adam']);
    assert.deepEqual(opts.filter((o) => o.picked).map((o) => o.label), ['sgd α=0.1', 'sgd α=0.9', 'momentum μ=0.9 α=0.3', 'adam α=0.001']);
  });

  it('the variants become a valid compare group in memory, comments kept, base untouched', () => {
    const exp = parseExperiment(text).experiment!;
    const picked = compareOptions(exp).filter((o) => o.picked);
    const out = withCompare(text, picked.map((o) => o.entry));
    assert.match(out, /\/\/ my experiment/);
    assert.match(out, /\/\/ tuned/);
    const parsed = parseExperiment(out);
    assert.deepEqual(parsed.issues.filter((i) => i.severity === 'error'), []);
    const v = parsed.experiment!.compare!;
    assert.deepEqual(v.map((c) => c.name), ['sgd α=0.1', 'sgd α=0.9', 'momentum μ=0.9 α=0.3', 'adam α=0.001']);
    assert.equal(parsed.experiment!.optimizer.learningRate, 0.3);
    assert.equal(v[2].experiment.optimizer.learningRate, 0.3, 'momentum keeps the base learning rate');
    // A file that already has `compare` gets it replaced, not appended to.
    const again = parseExperiment(withCompare(out, [picked[3].entry])).experiment!;
    assert.equal(again.compare!.length, 1);
  });

  it('leaves out the variant equal to the current optimizer', () => {
    const exp = parseExperiment(text.replace('"sgd", "learningRate": 0.3', '"adam", "learningRate": 0.001')).experiment!;
    assert.ok(!compareOptions(exp).some((o) => o.id === 'adam'));
  });
});
