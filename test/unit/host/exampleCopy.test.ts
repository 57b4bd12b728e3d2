import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { findExample } from '../../../src/engine/examples';
import { parseExperiment } from '../../../src/engine/spec/parse';
import { planExampleCopy } from '../../../src/host/exampleCopy';

const ex = findExample('backprop-exercise-buggy')!;
const shipped = path.join(path.dirname(ex.path), 'backprop-exercise-buggy.js');
const moduleOf = (text: string) => {
  const exp = parseExperiment(text).experiment;
  return exp?.kind === 'network' ? exp.model.module : undefined;
};

function fakeFs(files: Record<string, string>) {
  const read = (p: string) => files[p] ?? readFileSync(p, 'utf8');
  return { exists: (p: string) => p in files, sameContent: (a: string, b: string) => read(a) === read(b) };
}

describe('planExampleCopy (new experiment from an example with a model module)', () => {
  it('copies the module into the workspace folder and points the experiment at the copy', () => {
    const plan = planExampleCopy(ex.text, ex.path, '/ws', fakeFs({}));
    assert.deepEqual(plan.copies, [{ from: shipped, to: '/ws/backprop-exercise-buggy.js' }]);
    assert.equal(moduleOf(plan.text), './backprop-exercise-buggy.js');
    assert.equal(plan.text.replace('./backprop-exercise-buggy.js', ''), ex.text.replace('./backprop-exercise-buggy.js', ''), 'only the path changes: comments kept');
  });

  it('never overwrites: a different file of that name gets a numbered copy; an identical one is reused', () => {
    const other = planExampleCopy(ex.text, ex.path, '/ws', fakeFs({ '/ws/backprop-exercise-buggy.js': 'my own edits' }));
    assert.deepEqual(other.copies, [{ from: shipped, to: '/ws/backprop-exercise-buggy-2.js' }]);
    assert.equal(moduleOf(other.text), './backprop-exercise-buggy-2.js');
    const same = planExampleCopy(ex.text, ex.path, '/ws', fakeFs({ '/ws/backprop-exercise-buggy.js': readFileSync(shipped, 'utf8') }));
    assert.deepEqual(same.copies, []);
    assert.equal(moduleOf(same.text), './backprop-exercise-buggy.js');
  });

  it('without a workspace folder writes nothing and uses the shipped module by absolute path', () => {
    const plan = planExampleCopy(ex.text, ex.path, undefined, fakeFs({}));
    assert.deepEqual(plan.copies, []);
    assert.equal(moduleOf(plan.text), shipped);
    assert.equal(parseExperiment(plan.text).issues.filter((i) => i.severity === 'error').length, 0, 'still a valid experiment');
  });

  it('leaves examples without a module alone', () => {
    const d = findExample('default')!;
    assert.deepEqual(planExampleCopy(d.text, d.path, '/ws', fakeFs({})), { text: d.text, copies: [] });
  });
});
