import * as assert from 'assert';
import { selectBackend } from '../../../src/engine/backend';
import { createOptimizer, type Optimizer } from '../../../src/engine/optimizers';
import { learningRateAt } from '../../../src/engine/schedules';
import { makeVariable, tf } from '../../../src/engine/tf';
import { optimizer } from './fixtures';

/** Runs `steps` updates of a 1-parameter problem with a constant gradient g; returns the deltas. */
function deltasOnConstantGradient(opt: Optimizer, g: number, lr: number, steps: number): number[] {
  const p = makeVariable(() => tf.tensor1d([0]));
  const grad = tf.tensor1d([g]);
  const out: number[] = [];
  let prev = 0;
  for (let i = 0; i < steps; i++) {
    opt.step([p], [grad], lr);
    const now = p.dataSync()[0];
    out.push(now - prev);
    prev = now;
  }
  opt.dispose();
  p.dispose();
  grad.dispose();
  return out;
}

/** Float64 reference implementations of the PyTorch update rules, for a gradient sequence. */
function reference(name: string, gs: number[], lr: number, h = { mu: 0.9, rho: 0.99, b1: 0.9, b2: 0.999, eps: 1e-8 }): number[] {
  let theta = 0;
  let v = 0;
  let s = 0;
  let m = 0;
  const out: number[] = [];
  gs.forEach((g, i) => {
    const t = i + 1;
    switch (name) {
      case 'nesterov':
        v = h.mu * v + g;
        theta -= lr * (g + h.mu * v);
        break;
      case 'rmsprop':
        s = h.rho * s + (1 - h.rho) * g * g;
        theta -= (lr * g) / (Math.sqrt(s) + h.eps);
        break;
      case 'adam':
        m = h.b1 * m + (1 - h.b1) * g;
        v = h.b2 * v + (1 - h.b2) * g * g;
        theta -= ((lr / (1 - h.b1 ** t)) * m) / (Math.sqrt(v) / Math.sqrt(1 - h.b2 ** t) + h.eps);
        break;
    }
    out.push(theta);
  });
  return out;
}

describe('engine: optimizers (PyTorch semantics)', () => {
  before(async () => {
    await selectBackend('cpu');
  });

  it('momentum reaches terminal velocity α/(1−μ)·g on a plane', () => {
    const lr = 0.1;
    const mu = 0.9;
    const g = 2;
    const d = deltasOnConstantGradient(createOptimizer(optimizer({ name: 'momentum', momentum: mu })), g, lr, 200);
    assert.ok(Math.abs(d[0] - -lr * g) < 1e-6, `first step ${d[0]}`);
    const terminal = (-lr / (1 - mu)) * g;
    assert.ok(Math.abs(d[199] - terminal) / Math.abs(terminal) < 1e-3, `step 200 moved ${d[199]}, terminal ${terminal}`);
    // Still accelerating early on: the 10th step is clearly shorter than terminal.
    assert.ok(Math.abs(d[9]) < 0.7 * Math.abs(terminal));
  });

  it("Adam's first step has magnitude α whatever the gradient scale", () => {
    for (const g of [1e-3, 1, 1e3]) {
      const d = deltasOnConstantGradient(createOptimizer(optimizer({ name: 'adam' })), g, 0.01, 1);
      assert.ok(Math.abs(Math.abs(d[0]) - 0.01) < 1e-6, `g=${g}: first step ${d[0]}`);
      assert.ok(d[0] < 0);
    }
  });

  it("AdaGrad's effective step on a constant gradient decays as 1/√k", () => {
    const lr = 0.5;
    const d = deltasOnConstantGradient(createOptimizer(optimizer({ name: 'adagrad', epsilon: 1e-10 })), 3, lr, 100);
    for (const k of [1, 4, 25, 100]) {
      const expected = -lr / Math.sqrt(k);
      assert.ok(Math.abs(d[k - 1] - expected) / Math.abs(expected) < 1e-4, `step ${k}: ${d[k - 1]} vs ${expected}`);
    }
  });

  it('sgd is θ ← θ − α·g', () => {
    const d = deltasOnConstantGradient(createOptimizer(optimizer({ name: 'sgd' })), 4, 0.25, 3);
    assert.deepStrictEqual(d, [-1, -1, -1]);
  });

  for (const name of ['nesterov', 'rmsprop', 'adam'] as const) {
    it(`${name} matches a float64 reference of torch.optim on a varying gradient`, () => {
      const gs = [1, -0.5, 2, 0.3, -1.2, 0.8, 0.1, -2, 1.5, 0.7];
      // rmsprop's own momentum (PyTorch's, default 0) is off here; the torch fixtures cover it.
      const opt = createOptimizer(optimizer({ name, momentum: name === 'rmsprop' ? 0 : 0.9, rho: 0.99, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }));
      const p = makeVariable(() => tf.tensor1d([0]));
      const got: number[] = [];
      for (const g of gs) {
        const grad = tf.tensor1d([g]);
        opt.step([p], [grad], 0.05);
        grad.dispose();
        got.push(p.dataSync()[0]);
      }
      opt.dispose();
      p.dispose();
      const want = reference(name, gs, 0.05);
      got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-5 * Math.max(1, Math.abs(want[i])), `${name} step ${i + 1}: ${v} vs ${want[i]}`));
    });
  }

  it('optimizer state is freed by dispose()', () => {
    const before = tf.memory().numTensors;
    deltasOnConstantGradient(createOptimizer(optimizer({ name: 'adam' })), 1, 0.1, 5);
    assert.strictEqual(tf.memory().numTensors, before);
  });
});

describe('engine: schedules', () => {
  const base = { name: 'constant' as const, decay: 0.5, gamma: 0.9, every: 3, factor: 2 };
  it('computes constant, inverseTime, exponential and step decay by epoch', () => {
    assert.strictEqual(learningRateAt(0.1, base, 7), 0.1);
    assert.ok(Math.abs(learningRateAt(1, { ...base, name: 'inverseTime' }, 2) - 0.5) < 1e-12);
    assert.ok(Math.abs(learningRateAt(1, { ...base, name: 'exponential' }, 2) - 0.81) < 1e-12);
    assert.deepStrictEqual(
      [0, 2, 3, 5, 6].map((e) => learningRateAt(1, { ...base, name: 'step' }, e)),
      [1, 1, 0.5, 0.5, 0.25],
    );
  });
});
