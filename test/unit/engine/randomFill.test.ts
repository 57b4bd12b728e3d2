import * as assert from 'node:assert/strict';
import { Rng } from '../../../src/engine/random';

describe('engine: Rng.fillNormal', () => {
  it('gives the same float32 values as as many normal() calls, whatever the lengths and the pending spare value', () => {
    for (const seed of [1, 7, 123]) {
      for (const lengths of [[0], [1], [2], [5], [1, 1, 1], [3, 4, 5, 0, 2], [109_386, 128, 8_192]]) {
        const calls = new Rng(seed);
        const filled = new Rng(seed);
        for (const [k, n] of lengths.entries()) {
          const want = new Float32Array(n);
          for (let i = 0; i < n; i++) want[i] = calls.normal();
          const got = new Float32Array(n);
          filled.fillNormal(got);
          assert.deepEqual(got, want, `seed ${seed}, lengths ${lengths}, part ${k}`);
        }
        assert.equal(filled.normal(), calls.normal(), 'the stream continues alike');
        assert.equal(filled.next(), calls.next());
      }
    }
  });
});
