import { strict as assert } from 'node:assert';
import { buildHeatMap, commonRange, rebin, total } from '../../../webview/heatmapBins';

describe('webview histogram heat-map rebinning', () => {
  it('conserves counts when spreading onto a wider common range', () => {
    const h = { min: -1, max: 2, counts: [3, 0, 5, 1, 7, 2, 9] };
    for (const bins of [1, 7, 10, 33, 64]) {
      const out = rebin(h, -4, 5, bins);
      assert.ok(Math.abs(total(out) - total(h.counts)) < 1e-9, `bins=${bins}`);
    }
  });

  it('clamps values outside the range into the edge bins instead of dropping them', () => {
    const out = rebin({ min: -2, max: 2, counts: [4, 4] }, -1, 1, 4);
    assert.equal(total(out), 8);
    // [-2, 0] holds 4 uniformly: half of it lies below -1 and goes to the bottom bin.
    assert.deepEqual([...out], [3, 1, 1, 3]);
  });

  it('puts counts where the values are', () => {
    const out = rebin({ min: 0, max: 1, counts: [10] }, 0, 4, 4);
    assert.deepEqual([...out], [10, 0, 0, 0]);
    const split = rebin({ min: 0, max: 2, counts: [8] }, 0, 4, 4);
    assert.deepEqual([...split], [4, 4, 0, 0]);
  });

  it('handles a degenerate histogram (all values equal, e.g. dead ReLUs)', () => {
    const dead = { min: 0, max: 0, counts: [0, 100, 0] };
    const range = commonRange([dead]);
    assert.ok(range && range.hi > range.lo);
    const out = rebin(dead, range.lo, range.hi, 9);
    assert.equal(total(out), 100);
    assert.equal(out[4], 100, 'the single value lands in the middle bin');
  });

  it('builds columns over a common range and conserves each column', () => {
    const snaps = [
      { step: 0, hist: { min: -0.5, max: 0.5, counts: [1, 2, 3, 2, 1] } },
      { step: 10, hist: { min: -3, max: 1, counts: [4, 4, 4, 4] } },
      { step: 20, hist: { min: NaN, max: NaN, counts: [] } },
    ];
    const map = buildHeatMap(snaps, 40);
    assert.ok(map);
    assert.equal(map.lo, -3);
    assert.equal(map.hi, 1);
    assert.equal(map.columns.length, 3);
    assert.ok(Math.abs(total(map.columns[0].counts) - 9) < 1e-9);
    assert.ok(Math.abs(total(map.columns[1].counts) - 16) < 1e-9);
    assert.equal(total(map.columns[2].counts), 0);
    assert.ok(map.maxCount > 0);
  });
});
