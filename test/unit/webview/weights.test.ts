import { strict as assert } from 'node:assert';
import { weightsRecord } from '../../../src/engine/instruments/symmetry';
import type { WeightsRecord } from '../../../src/shared/protocol';
import { cellColor, layerSnapshots } from '../../../webview/weightsScale';

describe('weight heat map', () => {
  it('small matrices are sent whole, row-major inputs × units', () => {
    const w = weightsRecord([1, 2, 3, 4, 5, 6], 2, 3, 1, 7);
    assert.deepEqual(w, { kind: 'weights', step: 7, layer: 1, fanIn: 2, units: 3, rows: 2, cols: 3, values: [1, 2, 3, 4, 5, 6] });
  });

  it('large matrices are block-averaged to at most 64 × 64 and keep every entry in some block', () => {
    const fanIn = 130;
    const units = 100;
    const w = Float32Array.from({ length: fanIn * units }, (_, k) => (Math.floor(k / units) < 65 ? 1 : -1));
    const r = weightsRecord(w, fanIn, units, 0, 0);
    assert.equal(r.rows, 64);
    assert.equal(r.cols, 64);
    assert.equal(r.values.length, 64 * 64);
    assert.equal(r.values[0], 1);
    assert.equal(r.values[63 * 64], -1);
    // Mean of the cells weighted by block size equals the mean of W (0 here: half +1, half −1).
    let sum = 0;
    for (let row = 0; row < 64; row++) {
      const h = Math.floor(((row + 1) * fanIn) / 64) - Math.floor((row * fanIn) / 64);
      for (let c = 0; c < 64; c++) sum += r.values[row * 64 + c] * h * (Math.floor(((c + 1) * units) / 64) - Math.floor((c * units) / 64));
    }
    assert.ok(Math.abs(sum) < 1e-9, `sum ${sum}`);
  });

  it('the colour scale diverges around zero: sign picks the colour, |w|/max the opacity', () => {
    const neg = [0, 0, 255];
    const pos = [255, 128, 0];
    const bad = [9, 9, 9];
    assert.deepEqual(cellColor(-2, 2, neg, pos, bad), [0, 0, 255, 255]);
    assert.deepEqual(cellColor(1, 2, neg, pos, bad), [255, 128, 0, 128]);
    assert.deepEqual(cellColor(0, 2, neg, pos, bad)[3], 0);
    assert.deepEqual(cellColor(NaN, 2, neg, pos, bad), [9, 9, 9, 255]);
    const snap = (step: number, layer: number, v: number): WeightsRecord => ({ kind: 'weights', step, layer, fanIn: 1, units: 1, rows: 1, cols: 1, values: [v] });
    const { snaps, maxAbs } = layerSnapshots([snap(10, 0, 1), snap(0, 0, -3), snap(0, 1, 9)], 0);
    assert.deepEqual(snaps.map((s) => s.step), [0, 10]);
    assert.equal(maxAbs, 3);
  });
});
