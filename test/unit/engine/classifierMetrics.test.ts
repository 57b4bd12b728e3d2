import { strict as assert } from 'node:assert';
import { classifierMetrics, roc } from '../../../src/engine/train/classifierMetrics';

describe('classifier metrics', () => {
  it('counts the confusion matrix from softmax probabilities (rows actual, columns predicted)', () => {
    const probs = [0.8, 0.1, 0.1, 0.2, 0.7, 0.1, 0.1, 0.2, 0.7, 0.6, 0.3, 0.1];
    const { confusion, binary } = classifierMetrics(probs, 3, [0, 1, 2, 2], 3);
    assert.deepEqual(confusion, [[1, 0, 0], [0, 1, 0], [1, 0, 1]]);
    assert.equal(binary, undefined, 'no binary metrics for three classes');
  });

  it('gives sensitivity, specificity and AUC for one sigmoid output', () => {
    // actual: 1 1 0 0 1 0; scores put one negative above one positive.
    const { confusion, binary } = classifierMetrics([0.9, 0.8, 0.7, 0.2, 0.4, 0.1], 1, [1, 1, 0, 0, 1, 0], 2);
    assert.deepEqual(confusion, [[2, 1], [1, 2]]);
    assert.ok(binary);
    assert.equal(binary.sensitivity, 2 / 3);
    assert.equal(binary.specificity, 2 / 3);
    // 9 positive-negative pairs, 8 ordered correctly.
    assert.ok(Math.abs(binary.auc - 8 / 9) < 1e-12, `AUC ${binary.auc}`);
    assert.deepEqual([binary.rocFpr[0], binary.rocTpr[0]], [0, 0]);
    assert.deepEqual([binary.rocFpr.at(-1), binary.rocTpr.at(-1)], [1, 1]);
  });

  it('treats tied scores as one threshold and thins long curves', () => {
    const r = roc([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0]);
    assert.deepEqual(r.rocFpr, [0, 1]);
    assert.equal(r.auc, 0.5);
    const n = 1000;
    const big = roc(Array.from({ length: n }, (_, i) => i / n), Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 0)));
    assert.equal(big.rocFpr.length, 101);
    assert.ok(Math.abs(big.auc - 0.5) < 0.01);
  });
});
