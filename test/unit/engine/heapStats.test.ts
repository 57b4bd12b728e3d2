import * as assert from 'node:assert/strict';
import { selectBackend } from '../../../src/engine/backend';
import { stepSums, stepSumsJs, sumSquaresJs, tensorSumSquares, type StepSums } from '../../../src/engine/fused/heapStats';
import { tf } from '../../../src/engine/tf';

describe('engine: step sums over the WASM heap (SIMD) = the JS loops', () => {
  it('every length 1–9 and 1,001, bit for bit', async () => {
    await selectBackend('wasm');
    assert.equal(tf.getBackend(), 'wasm');
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 4 - 2;
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 1001]) {
      const [g, a, b] = [0, 1, 2].map(() => Float32Array.from({ length: n }, rand));
      const t = [g, a, b].map((x) => tf.tensor1d(x));
      const simd: StepSums = { grad: 0, diff: 0, before: 0 };
      const js: StepSums = { grad: 0, diff: 0, before: 0 };
      stepSums(t[0], t[1], t[2], simd);
      stepSumsJs(g, a, b, js);
      assert.deepEqual(simd, js, `n = ${n}`);
      assert.ok(Math.abs(tensorSumSquares(t[0]) - sumSquaresJs(g)) <= 1e-12 * sumSquaresJs(g), `n = ${n}`);
      t.forEach((x) => x.dispose());
    }
  });
});
