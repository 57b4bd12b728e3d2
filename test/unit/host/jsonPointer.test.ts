import * as assert from 'node:assert/strict';
import { locatePointer, pointerSegments } from '../../../src/host/jsonPointer';

const text = `// spiral, badly tuned
{
  "name": "x",
  "optimizer": { "name": "sgd", "learningRate": -1 },
  "model": { "layers": [ { "units": 16 }, { "units": 0, "activation": "relu" } ] },
  "a/b": { "c~d": true }
}
`;

const at = (pointer: string) => {
  const s = locatePointer(text, pointer);
  return { text: text.slice(s.offset, s.offset + s.length), exact: s.exact };
};

describe('locatePointer', () => {
  it('finds values by pointer', () => {
    assert.deepEqual(at('/optimizer/learningRate'), { text: '-1', exact: true });
    assert.deepEqual(at('/model/layers/1/units'), { text: '0', exact: true });
    assert.deepEqual(at('/a~1b/c~0d'), { text: 'true', exact: true });
  });
  it('points a missing field at its nearest existing parent key', () => {
    assert.deepEqual(at('/optimizer/momentum'), { text: '"optimizer"', exact: false });
    // An array element has no key: the element itself is underlined.
    assert.deepEqual(at('/model/layers/0/activation'), { text: '{ "units": 16 }', exact: false });
    assert.equal(at('/model/layers/7/units').text, '"layers"');
  });
  it('falls back to the first line for the root, unknown top-level fields and unparsable text', () => {
    assert.deepEqual(at(''), { text: '// spiral, badly tuned', exact: false });
    assert.deepEqual(at('/training'), { text: '// spiral, badly tuned', exact: false });
    const s = locatePointer('not json at all\nsecond', '/x');
    assert.equal(s.offset, 0);
    assert.equal(s.length, 'not json at all'.length);
  });
  it('decodes RFC 6901 escapes', () => {
    assert.deepEqual(pointerSegments('/a~1b/c~0d/0'), ['a/b', 'c~d', '0']);
    assert.deepEqual(pointerSegments(''), []);
  });
});
