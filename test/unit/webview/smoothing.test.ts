import { strict as assert } from 'node:assert';
import { EmaCache, emaSmooth } from '../../../webview/smoothing';

describe('webview smoothing (EMA with debiasing)', () => {
  it('matches hand-computed TensorBoard values on a known series', () => {
    const w = 0.5;
    const out = emaSmooth([4, 0, 2], w);
    // acc: 2, 1, 1.5; debias: 0.5, 0.75, 0.875
    assert.ok(Math.abs(out[0] - 4) < 1e-12, `first point equals the data, got ${out[0]}`);
    assert.ok(Math.abs(out[1] - 1 / 0.75) < 1e-12);
    assert.ok(Math.abs(out[2] - 1.5 / 0.875) < 1e-12);
  });

  it('is the identity at weight 0 and a constant stays constant at any weight', () => {
    assert.deepEqual(emaSmooth([3, 1, 2], 0), [3, 1, 2]);
    for (const v of emaSmooth([7, 7, 7, 7, 7], 0.99)) assert.ok(Math.abs(v - 7) < 1e-9);
  });

  it('turns non-finite values into gaps without poisoning later points', () => {
    const out = emaSmooth([1, NaN, Infinity, 1], 0.9);
    assert.equal(out[0], 1);
    assert.ok(Number.isNaN(out[1]) && Number.isNaN(out[2]));
    assert.ok(Math.abs(out[3] - 1) < 1e-12);
  });

  it('extends incrementally with the same result as a full recompute', () => {
    const series = Array.from({ length: 50 }, (_, i) => Math.sin(i) + i * 0.1);
    const cache = new EmaCache();
    const grow = series.slice(0, 20);
    cache.update(grow, 0.8);
    grow.push(...series.slice(20));
    const incremental = cache.update(grow, 0.8);
    assert.deepEqual([...incremental], emaSmooth(series, 0.8));
    const other = cache.update(grow, 0.3);
    assert.deepEqual([...other], emaSmooth(series, 0.3), 'a new weight recomputes');
  });
});
