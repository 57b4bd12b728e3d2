import * as assert from 'node:assert/strict';
import { fourDigits, weightsRecord } from '../../../src/engine/instruments/symmetry';
import { WEIGHTS_MAX } from '../../../src/shared/protocol';
import { Rng } from '../../../src/engine/random';

/** The heat map's definition: block means of W, each printed to 4 significant digits. */
function blockMeans(w: Float32Array, fanIn: number, units: number): number[] {
  const rows = Math.min(fanIn, WEIGHTS_MAX);
  const cols = Math.min(units, WEIGHTS_MAX);
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    const [r0, r1] = [Math.floor((r * fanIn) / rows), Math.floor(((r + 1) * fanIn) / rows)];
    for (let c = 0; c < cols; c++) {
      const [c0, c1] = [Math.floor((c * units) / cols), Math.floor(((c + 1) * units) / cols)];
      let sum = 0;
      for (let i = r0; i < r1; i++) for (let j = c0; j < c1; j++) sum += w[i * units + j];
      out.push(Number((sum / ((r1 - r0) * (c1 - c0))).toPrecision(4)));
    }
  }
  return out;
}

describe('engine: weights snapshot', () => {
  it('fourDigits is Number(x.toPrecision(4)) across magnitudes, signs and edge values', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 200_000; i++) {
      const x = (rng.next() - 0.5) * 10 ** (rng.int(60) - 30);
      assert.equal(fourDigits(x), Number(x.toPrecision(4)), `x = ${x}`);
    }
    for (const x of [0, -0, 1, -1, 1000, 9999, 9999.6, 0.001, 123456789, 1e-18, 1e18, 5e-300, 3e300, Math.PI, -Math.E]) {
      assert.ok(Object.is(fourDigits(x), Number(x.toPrecision(4))), `x = ${x}`);
    }
    assert.ok(Number.isNaN(fourDigits(NaN)));
    assert.equal(fourDigits(Infinity), Infinity);
    assert.equal(fourDigits(-Infinity), -Infinity);
  });

  it('weightsRecord gives the block means of W at 4 digits, for shapes below, at and above the cell limit', () => {
    const rng = new Rng(11);
    for (const [fanIn, units] of [[2, 3], [64, 64], [784, 128], [130, 65], [5, 200], [100, 1]]) {
      const w = Float32Array.from({ length: fanIn * units }, () => rng.normal() * 0.1);
      const rec = weightsRecord(w, fanIn, units, 1, 7);
      assert.equal(rec.rows, Math.min(fanIn, WEIGHTS_MAX));
      assert.equal(rec.cols, Math.min(units, WEIGHTS_MAX));
      assert.deepEqual(rec.values, blockMeans(w, fanIn, units), `${fanIn}×${units}`);
    }
  });
});
