import * as assert from 'assert';
import { Coalescer } from '../../../src/engine/coalescer';
import { histogram, unitHealth } from '../../../src/engine/instruments/histogram';
import { Rng } from '../../../src/engine/random';
import type { Histogram, MetricsBatch, StepRecord } from '../../../src/shared/protocol';

/** The histogram's definition, written plainly: what the faster loops must reproduce exactly. */
function definition(values: ArrayLike<number>, bins = 30): Histogram {
  const finite = Array.from(values).filter((v) => Number.isFinite(v));
  const counts = new Array<number>(bins).fill(0);
  if (finite.length === 0) return { min: 0, max: 0, counts };
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  if (min === max) {
    counts[Math.floor(bins / 2)] = finite.length;
    return { min: min - 0.5, max: max + 0.5, counts };
  }
  const width = (max - min) / bins;
  for (const v of finite) counts[Math.min(bins - 1, Math.floor((v - min) / width))]++;
  return { min, max, counts };
}

const rec = (step: number): StepRecord => ({ step, epoch: 0, loss: 1, lr: 0.1, gradNorm: 1, layerGradNorms: [], updateRatios: [] });

describe('engine: instruments', () => {
  it('histogram: 30 equal-width bins over [min, max], non-finite skipped', () => {
    const h = histogram([0, 1, 2, 3, NaN, Infinity, 29.999, 30]);
    assert.strictEqual(h.counts.length, 30);
    assert.strictEqual(h.min, 0);
    assert.strictEqual(h.max, 30);
    assert.deepStrictEqual(h.counts.slice(0, 4), [1, 1, 1, 1]);
    assert.strictEqual(h.counts[29], 2, 'the max lands in the last bin');
    assert.strictEqual(h.counts.reduce((a, b) => a + b, 0), 6);
    const flat = histogram([0, 0, 0]);
    assert.strictEqual(flat.counts.reduce((a, b) => a + b, 0), 3);
    assert.ok(flat.min < 0 && flat.max > 0);
  });

  it('histogram = its definition on float32 data: ReLU zeros, bin edges, non-finite values, constants, other bin counts', () => {
    const rng = new Rng(11);
    const cases: Float32Array[] = [
      Float32Array.from({ length: 4096 }, () => Math.max(0, rng.normal())),
      Float32Array.from({ length: 1000 }, () => Math.tanh(3 * rng.normal())),
      // Every value on a bin edge of [0, 30] (width exactly 1), and of [-1, 2] (width 0.1, inexact).
      Float32Array.from({ length: 31 }, (_, i) => i),
      Float32Array.from({ length: 31 }, (_, i) => -1 + i / 10),
      Float32Array.from([NaN, -Infinity, 2.5, Infinity, -0.5, NaN, 1e-30, -0]),
      Float32Array.from([NaN, Infinity]),
      new Float32Array(7).fill(-2),
      new Float32Array(0),
    ];
    for (const [i, values] of cases.entries()) {
      assert.deepStrictEqual(histogram(values), definition(values), `case ${i}`);
      assert.deepStrictEqual(histogram(values, 7), definition(values, 7), `case ${i}, 7 bins`);
      assert.deepStrictEqual(histogram(Array.from(values)), definition(values), `case ${i}, a plain array`);
    }
  });

  it('unitHealth: dead ReLU units and saturated sigmoid/tanh units', () => {
    // 4 rows × 2 units: unit 0 never positive, unit 1 positive once.
    const pre = [-1, -2, -0.5, 3, 0, -1, -3, -1];
    assert.deepStrictEqual(unitHealth(pre, pre, 4, 2, 'relu'), { deadFraction: 0.5, saturatedFraction: 0 });
    const act = [0.999, 0.5, 0.001, 0.5, 0.995, 0.5, 0.9999, 0.5];
    assert.deepStrictEqual(unitHealth(act, act, 4, 2, 'sigmoid'), { deadFraction: 0, saturatedFraction: 0.5 });
    const tanh = [-0.995, 0.2, 0.999, 0.9, 0.2, 0.1, 0.99, 0.5];
    assert.deepStrictEqual(unitHealth(tanh, tanh, 4, 2, 'tanh'), { deadFraction: 0, saturatedFraction: 0 });
  });

  it('coalescer: one batch per interval, nothing lost, flush sends the rest', () => {
    let now = 0;
    const sent: MetricsBatch[] = [];
    const c = new Coalescer(50, (b) => sent.push(b), () => now);
    for (let i = 0; i < 1000; i++) {
      now = i; // one step per ms
      c.step(rec(i));
    }
    c.flush();
    c.flush(); // nothing pending: no empty batch
    assert.ok(sent.length >= 19 && sent.length <= 21, `${sent.length} batches`);
    assert.deepStrictEqual(
      sent.flatMap((b) => b.steps.map((s) => s.step)),
      Array.from({ length: 1000 }, (_, i) => i),
    );
  });
});
