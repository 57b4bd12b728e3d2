import * as assert from 'node:assert/strict';
import { decimate } from '../../../src/host/decimate';

describe('decimate', () => {
  it('returns short series unchanged (as a copy)', () => {
    const xs = [1, 2, 3];
    const out = decimate(xs, 5);
    assert.deepEqual(out, xs);
    assert.notEqual(out, xs);
  });
  for (const [n, max] of [[10_001, 5000], [5001, 5000], [12_345, 100], [7, 2], [1000, 3]] as const) {
    it(`keeps ≤ ${max} of ${n}, first and last included, order preserved`, () => {
      const xs = Array.from({ length: n }, (_, i) => i);
      const out = decimate(xs, max);
      assert.ok(out.length <= max, `${out.length}`);
      assert.ok(out.length >= Math.min(max, n) / 2, `not over-thinned: ${out.length}`);
      assert.equal(out[0], 0);
      assert.equal(out[out.length - 1], n - 1);
      for (let i = 1; i < out.length; i++) assert.ok(out[i] > out[i - 1]);
    });
  }
});
