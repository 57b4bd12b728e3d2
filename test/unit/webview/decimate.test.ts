import { strict as assert } from 'node:assert';
import { decimateIndices, strideIndices } from '../../../webview/decimate';

function noisy(n: number): number[] {
  let s = 12345;
  return Array.from({ length: n }, (_, i) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return Math.exp(-i / 3000) + (s / 2147483648) * 0.1;
  });
}

describe('webview decimation', () => {
  it('returns every index when the series is short', () => {
    assert.deepEqual(decimateIndices([5, 4, 3], 2000), [0, 1, 2]);
  });

  it('bounds the size, keeps first/last and the global extremes, ascending', () => {
    const ys = noisy(100_000);
    ys[51_234] = 50; // a spike that must survive
    ys[77_777] = -3;
    const idx = decimateIndices(ys, 2000);
    assert.ok(idx.length <= 2000, `size ${idx.length}`);
    assert.ok(idx.length > 1000, 'uses most of the budget');
    assert.equal(idx[0], 0);
    assert.equal(idx[idx.length - 1], ys.length - 1);
    assert.ok(idx.includes(51_234) && idx.includes(77_777));
    for (let i = 1; i < idx.length; i++) assert.ok(idx[i] > idx[i - 1]);
  });

  it('keeps a gap marker where the series becomes non-finite and still bounds the size', () => {
    const ys = noisy(10_000);
    for (let i = 9000; i < 10_000; i++) ys[i] = NaN;
    const idx = decimateIndices(ys, 500);
    assert.ok(idx.length <= 500);
    assert.ok(idx.some((i) => Number.isNaN(ys[i])), 'a NaN survives so the line breaks');
  });

  it('strides 2-D paths with both ends', () => {
    const idx = strideIndices(10_001, 101);
    assert.equal(idx.length, 101);
    assert.equal(idx[0], 0);
    assert.equal(idx[100], 10_000);
  });
});

describe('zoomed decimation', () => {
  it('visibleIndices covers the range plus one record each side, with the full point budget', async () => {
    const { visibleIndices } = await import('../../../webview/decimate');
    const xs = Array.from({ length: 100_000 }, (_, i) => i * 2);
    const ys = xs.map((x) => Math.sin(x / 100));
    const idx = visibleIndices(xs, ys, 1000, [20_000, 40_000]);
    assert.equal(xs[idx[0]], 19_998);
    assert.equal(xs[idx[idx.length - 1]], 40_002);
    assert.ok(idx.length > 900 && idx.length <= 1000, `${idx.length}`);
    assert.deepEqual(visibleIndices(xs, ys, 1000), visibleIndices(xs, ys, 1000, undefined));
    assert.deepEqual(visibleIndices([0, 1, 2, 3], [1, 2, 3, 4], 100, [1.2, 1.8]), [1, 2]);
  });
});
