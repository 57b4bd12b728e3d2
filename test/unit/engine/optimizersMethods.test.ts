/**
 * The lectures' worked examples for the methods PyTorch does not have (normalized GD, line
 * searches, conjugate gradient, Newton), iterate averaging and the warm-up cosine schedule.
 */
import * as assert from 'assert';
import { selectBackend } from '../../../src/engine/backend';
import { createOptimizer, NEWTON_MAX_PARAMS, type Optimizer, type StepContext } from '../../../src/engine/optimizers';
import { learningRateAt } from '../../../src/engine/schedules';
import { makeVariable, tf } from '../../../src/engine/tf';
import { hessian } from '../../../src/engine/train/hessian';
import { brent, lineSearch } from '../../../src/engine/train/lineSearch';
import { dampedNewtonDirection } from '../../../src/engine/train/linalg';
import type { OptimizerSpec } from '../../../src/shared/experiment';
import { collect, networkExp, objectiveExp, optimizer } from './fixtures';

/** ½θᵀAθ − bᵀθ in n dimensions, A symmetric positive definite with the given eigenvalues. */
function quadratic(eigen: number[], seed = 3) {
  const n = eigen.length;
  // A = Q·diag(λ)·Qᵀ with Q from Gram–Schmidt on a fixed pseudo-random matrix.
  let s = seed;
  const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const q: number[][] = [];
  for (let i = 0; i < n; i++) {
    let v = Array.from({ length: n }, rnd);
    for (const u of q) {
      const d = v.reduce((a, x, k) => a + x * u[k], 0);
      v = v.map((x, k) => x - d * u[k]);
    }
    const len = Math.hypot(...v);
    q.push(v.map((x) => x / len));
  }
  const A = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => q.reduce((a, u, k) => a + eigen[k] * u[i] * u[j], 0)));
  const b = Array.from({ length: n }, rnd);
  return { A, b, n };
}

/** Runs `steps` updates of `opt` on loss(θ) from θ₀ through the optimizer module alone. */
function runOn(opt: Optimizer, theta0: number[], loss: (t: tf.Tensor) => tf.Scalar, steps: number, lr: number) {
  const theta = makeVariable(() => tf.tensor1d(theta0));
  const path: number[][] = [Array.from(theta.dataSync())];
  const lrs: number[] = [];
  for (let k = 0; k < steps; k++) {
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => loss(theta), [theta]);
      const ctx: StepContext = { loss: () => loss(theta), value };
      const out = opt.step([theta], [grads[theta.name]], lr, ctx);
      lrs.push(out ? out.lr : lr);
    });
    path.push(Array.from(theta.dataSync()));
  }
  opt.dispose();
  theta.dispose();
  return { path, lrs };
}

const spec = (o: Partial<OptimizerSpec>) => optimizer(o);
const dist = (a: number[], b: number[]) => Math.hypot(...a.map((x, i) => x - b[i]));

function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((r, i) => [...r, b[i]]);
  for (let c = 0; c < n; c++) {
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) x[r] = (M[r][n] - M[r].slice(r + 1, n).reduce((a, v, k) => a + v * x[r + 1 + k], 0)) / M[r][r];
  return x;
}

describe('engine: normalized GD, line searches, CG, Newton, averaging', () => {
  before(async () => {
    await selectBackend('cpu');
  });

  it('normalizedGd: every step has length exactly α, whatever the gradient (lecture 004)', () => {
    const { path } = runOn(createOptimizer(spec({ name: 'normalizedGd' })), [-1.5, 2], rosenbrockT, 20, 0.05);
    for (let k = 1; k < path.length; k++) assert.ok(Math.abs(dist(path[k], path[k - 1]) - 0.05) < 1e-6, `step ${k}: ${dist(path[k], path[k - 1])}`);
  });

  it('Brent finds the minimum of a 1-D function, exactly on a parabola', () => {
    const r = lineSearch('brent', (a) => (a - 3.7) ** 2 + 1, 3.7 ** 2 + 1, -2 * 3.7, 1);
    assert.ok(Math.abs(r.alpha - 3.7) < 1e-6, `${r.alpha}`);
    const c = brent((a) => Math.cos(a), 2, 5, 3, Math.cos(3));
    assert.ok(Math.abs(c.alpha - Math.PI) < 1e-3, `${c.alpha}`);
  });

  it('backtracking halves α until the Armijo condition holds', () => {
    // φ(α) = (1 − α)²·10 from φ(0) = 10, slope −20: α = 4 and 2 fail, 1 passes.
    const r = lineSearch('backtracking', (a) => 10 * (1 - a) ** 2, 10, -20, 4);
    assert.deepStrictEqual([r.alpha, r.evaluations], [1, 3]);
  });

  it('gradient descent with an exact line search zig-zags at right angles (lecture 004)', () => {
    const { path } = runOn(createOptimizer(spec({ name: 'sgd', lineSearch: 'brent' })), [10, 1], quadraticT(10), 6, 1);
    for (let k = 2; k < path.length; k++) {
      const d1 = path[k - 1].map((x, i) => x - path[k - 2][i]);
      const d2 = path[k].map((x, i) => x - path[k - 1][i]);
      const cos = (d1[0] * d2[0] + d1[1] * d2[1]) / (Math.hypot(...d1) * Math.hypot(...d2));
      assert.ok(Math.abs(cos) < 1e-3, `steps ${k - 1}, ${k}: cos ${cos}`);
    }
    assert.ok(Math.hypot(...path[6]) > 1e-2, 'GD needs many more than n steps on a conditioned quadratic');
  });

  it('backtracking gradient descent decreases the loss at every step and records the α it took', () => {
    const { path, lrs } = runOn(createOptimizer(spec({ name: 'sgd', lineSearch: 'backtracking' })), [-1.5, 2], rosenbrockT, 50, 1);
    const f = (p: number[]) => (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2;
    for (let k = 1; k < path.length; k++) assert.ok(f(path[k]) < f(path[k - 1]), `step ${k}`);
    assert.ok(lrs.every((a) => a > 0 && a < 1 && Math.log2(a) === Math.round(Math.log2(a))), `α are halvings of 1: ${lrs.slice(0, 5).join(', ')}`);
  });

  for (const beta of ['fletcherReeves', 'polakRibiere'] as const) {
    it(`CG (${beta}) with exact line search: 2-D quadratic in ≤ 2 steps, through a run`, async () => {
      const run = await collect(objectiveExp({ function: 'quadratic', start: [10, 1], condition: 10 }, { name: 'cg', beta, lineSearch: 'brent', learningRate: 1 }, 2));
      assert.strictEqual(run.summary.reason, 'completed');
      const last = run.steps[run.steps.length - 1];
      assert.ok(last.loss < 1e-8 * run.steps[0].loss, `loss after 2 steps ${last.loss}`);
      assert.ok(run.steps[0].lr > 0 && run.steps[0].lr !== 1, 'the recorded learning rate is the α the line search chose');
    });

    // Float32 loss values pin Brent's α down to about √ε (3e-4) relative, which is what limits
    // "exact" here: with condition 100 the lost conjugacy costs a couple of extra steps.
    it(`CG (${beta}): an 8-D quadratic (condition 8) in ≤ 8 steps, where GD + line search is far off`, () => {
      const { A, b, n } = quadratic([1, 1.5, 2, 3, 4, 5, 6, 8]);
      const At = tf.tensor2d(A);
      const bt = tf.tensor1d(b);
      const loss = (t: tf.Tensor): tf.Scalar =>
        tf.tidy(() => tf.sub(tf.mul(0.5, tf.sum(tf.mul(t, tf.squeeze(tf.matMul(At, tf.reshape(t, [n, 1])))))), tf.sum(tf.mul(bt, t))) as tf.Scalar);
      const xStar = solve(A, b);
      const start = new Array<number>(n).fill(0);
      const cg = runOn(createOptimizer(spec({ name: 'cg', beta, lineSearch: 'brent' })), start, loss, n, 1);
      const gd = runOn(createOptimizer(spec({ name: 'sgd', lineSearch: 'brent' })), start, loss, n, 1);
      At.dispose();
      bt.dispose();
      const rel = (p: number[]) => dist(p, xStar) / Math.hypot(...xStar);
      assert.ok(rel(cg.path[n]) < 2e-3, `CG after ${n} steps: ${rel(cg.path[n])}`);
      assert.ok(rel(gd.path[n]) > 0.05, `GD after ${n} steps: ${rel(gd.path[n])}`);
    });
  }

  it('Polak–Ribière resets β to 0 instead of going uphill (PR+)', () => {
    // On Rosenbrock CG with backtracking stays a descent method: the loss never increases.
    const { path } = runOn(createOptimizer(spec({ name: 'cg', beta: 'polakRibiere', lineSearch: 'backtracking' })), [-1.5, 2], rosenbrockT, 60, 1);
    const f = (p: number[]) => (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2;
    for (let k = 1; k < path.length; k++) assert.ok(f(path[k]) <= f(path[k - 1]), `step ${k}`);
    assert.ok(f(path[60]) < 0.05 * f(path[0]));
  });

  it('Newton: a quadratic in one step; Rosenbrock to its minimum in a few', async () => {
    const q = await collect(objectiveExp({ function: 'quadratic', start: [7, -3], condition: 50 }, { name: 'newton', learningRate: 1 }, 1));
    const [x, y] = q.steps[1].point ?? [NaN, NaN];
    assert.ok(Math.abs(x) < 1e-5 && Math.abs(y) < 1e-5, `after one step ${x}, ${y}`);
    const r = await collect(objectiveExp({ function: 'rosenbrock', start: [-1.2, 1] }, { name: 'newton', learningRate: 1, lineSearch: 'backtracking' }, 30));
    const end = r.summary.point ?? [NaN, NaN];
    assert.ok(dist(end, [1, 1]) < 1e-3, `ended at ${end.join(', ')}`);
  });

  it('Newton is damped where the Hessian is not positive definite (saddle): it still goes downhill', () => {
    const h = Float64Array.from([2, 0, 0, -2]);
    const nd = dampedNewtonDirection(h, [2, -0.002], 2);
    assert.ok(nd && nd.shift > 2, `shift ${nd?.shift}`);
    const d = nd?.direction ?? new Float64Array(2);
    assert.ok(2 * d[0] - 0.002 * d[1] < 0, 'a descent direction');
    const plain = dampedNewtonDirection(Float64Array.from([4, 1, 1, 3]), [1, 2], 2);
    assert.strictEqual(plain?.shift, 0);
    // [4 1; 1 3]·d = −[1, 2] ⇒ d = [−1/11, −7/11].
    assert.ok(Math.abs((plain?.direction[0] ?? 0) + 1 / 11) < 1e-12 && Math.abs((plain?.direction[1] ?? 0) + 7 / 11) < 1e-12);
  });

  it('Hessians: exact autodiff on polynomials; finite differences agree with it; tfjs cannot differentiate tanh/exp twice', () => {
    const w1 = makeVariable(() => tf.tensor2d([0.3, -0.7, 0.5, 0.2, -0.4, 0.9], [2, 3]));
    const w2 = makeVariable(() => tf.tensor2d([0.6, -0.2, 0.1], [3, 1]));
    const x = tf.tensor2d([0.5, -1, 1.5, 0.3, -0.2, 0.8], [3, 2]);
    // A network with a square activation: only ops whose tfjs gradients are differentiable again.
    const poly = () => tf.tidy(() => tf.mean(tf.square(tf.sub(tf.matMul(tf.square(tf.matMul(x, w1)), w2), 0.25))) as tf.Scalar);
    const exact = hessian([w1, w2], poly, 'exact');
    const fd = hessian([w1, w2], poly, 'finiteDifference');
    const scale = Math.max(...exact.map(Math.abs));
    const worst = Math.max(...exact.map((v, i) => Math.abs(v - fd[i])));
    assert.ok(worst < 1e-3 * scale, `max |exact − FD| ${worst} of ${scale}`);
    // w2 enters linearly: its own block of the exact Hessian is 2/3·Σ a·aᵀ, a = (x·W1)² per row.
    const a = (x.arraySync() as number[][]).map((r) => [0, 1, 2].map((j) => (r[0] * [0.3, -0.7, 0.5][j] + r[1] * [0.2, -0.4, 0.9][j]) ** 2));
    const h77 = (2 / 3) * a.reduce((sum, r) => sum + r[1] * r[1], 0);
    assert.ok(Math.abs(exact[7 * 9 + 7] - h77) < 1e-5 * h77, `${exact[7 * 9 + 7]} vs ${h77}`);
    // Why networks use finite differences: tanh saves its output, which tfjs does not differentiate again.
    const tanhLoss = () => tf.tidy(() => tf.sum(tf.tanh(w2)) as tf.Scalar);
    assert.throws(() => hessian([w2], tanhLoss, 'exact'), /connection/);
    const fdTanh = hessian([w2], tanhLoss, 'finiteDifference');
    const t = Math.tanh(0.6);
    assert.ok(Math.abs(fdTanh[0] - -2 * t * (1 - t * t)) < 1e-3, `d²tanh at 0.6: ${fdTanh[0]}`);
    [w1, w2, x].forEach((v) => v.dispose());
  });

  it(`newton above ${NEWTON_MAX_PARAMS} parameters fails before the run with a SpecError at /optimizer/name`, async () => {
    const run = await collect(networkExp({ model: { layers: [{ units: 32, activation: 'relu' }, { units: 32, activation: 'relu' }] }, optimizer: { name: 'newton' } }));
    assert.strictEqual(run.summary.reason, 'error');
    const failed = run.events.find((e) => e.type === 'failed');
    assert.ok(failed && failed.type === 'failed' && failed.path === '/optimizer/name', JSON.stringify(failed));
    assert.match(failed.message, /newton.*400 parameters.*this model has 1251/);
    assert.ok(!run.events.some((e) => e.type === 'started'));
  });

  it('newton trains a small MLP (a few hundred parameters) and its loss drops fast', async () => {
    const run = await collect(
      networkExp({
        data: { samples: 150, synthetic: 'blobs' },
        model: { layers: [{ units: 6, activation: 'tanh' }] },
        optimizer: { name: 'newton', learningRate: 1, lineSearch: 'backtracking' },
        training: { epochs: 8, batchSize: undefined },
      }),
    );
    assert.strictEqual(run.summary.reason, 'completed', run.summary.message);
    assert.ok(run.steps[8].loss < 0.3 * run.steps[0].loss, `${run.steps[0].loss} → ${run.steps[8].loss}`);
  });

  it('polyak averaging is the mean of the iterates after each update; avgLoss is the loss there', async () => {
    // sgd on the sphere from 10 with α = 0.2: θ_k = 10·0.6^k; θ̄_k = mean(θ_1..θ_k).
    const run = await collect(objectiveExp({ function: 'sphere', start: [10, 0] }, { name: 'sgd', learningRate: 0.2, averaging: { kind: 'polyak' } }, 5));
    const xs = [1, 2, 3, 4, 5].map((k) => 10 * 0.6 ** k);
    assert.ok(Math.abs((run.steps[0].avgLoss ?? NaN) - 100) < 1e-4, 'before any update θ̄ = θ₀');
    for (let k = 1; k <= 5; k++) {
      const mean = xs.slice(0, k).reduce((a, b) => a + b, 0) / k;
      assert.ok(Math.abs((run.steps[k].avgLoss ?? NaN) - mean * mean) < 1e-4 * mean * mean, `step ${k}: ${run.steps[k].avgLoss} vs ${mean * mean}`);
    }
  });

  it('ema averaging smooths a fluctuating minibatch loss (lecture 001: fluctuations ⇒ iterate averaging)', async () => {
    const exp = networkExp({ optimizer: { name: 'sgd', learningRate: 0.5, averaging: { kind: 'ema', decay: 0.95 } }, training: { epochs: 6, batchSize: 8 } });
    const run = await collect(exp);
    const tail = run.steps.slice(-200);
    const sd = (v: number[]) => {
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
    };
    const raw = sd(tail.map((r) => r.loss));
    const avg = sd(tail.map((r) => r.avgLoss ?? NaN));
    assert.ok(avg < raw, `sd of the loss at θ̄ ${avg} vs at θ ${raw}`);
  });

  for (const name of ['cg', 'newton', 'sgd+brent', 'adam+polyak'] as const) {
    it(`${name}: no tensor leaks over a run`, async () => {
      const o: Partial<OptimizerSpec> =
        name === 'sgd+brent' ? { name: 'sgd', lineSearch: 'brent', learningRate: 1 } : name === 'adam+polyak' ? { name: 'adam', averaging: { kind: 'polyak' } } : { name, learningRate: 1 };
      const before = tf.memory().numTensors;
      let at10 = -1;
      await collect(objectiveExp({ function: 'rosenbrock' }, o, 40), {
        onStep: (r) => {
          if (r.step === 10) at10 = tf.memory().numTensors;
        },
      });
      assert.strictEqual(tf.memory().numTensors, before);
      assert.ok(at10 > 0);
    });
  }
});

describe('engine: warmupCosine schedule', () => {
  const s = { name: 'warmupCosine' as const, decay: 0, gamma: 1, every: 1, factor: 10, warmup: 4, floor: 0.01 };
  it('warms up linearly to α₀, then follows a cosine down to the floor at the end of the run', () => {
    const lrs = Array.from({ length: 24 }, (_, e) => learningRateAt(1, s, e, 24));
    assert.deepStrictEqual(lrs.slice(0, 4), [0.25, 0.5, 0.75, 1]);
    assert.strictEqual(lrs[4], 1);
    assert.ok(Math.abs(lrs[14] - (0.01 + 0.99 * 0.5)) < 1e-12, 'halfway through the cosine: the mean of α₀ and the floor');
    for (let e = 5; e < 24; e++) assert.ok(lrs[e] < lrs[e - 1]);
    assert.ok(lrs[23] > 0.01 && lrs[23] < 0.02);
    assert.strictEqual(learningRateAt(1, s, 100, 24), 0.01, 'past the end it stays at the floor');
  });

  it('a run records it per epoch', async () => {
    const run = await collect(objectiveExp({ function: 'sphere', start: [10, 0] }, { name: 'sgd', learningRate: 0.1, schedule: s }, 24));
    run.steps.slice(0, 4).forEach((r, e) => assert.ok(Math.abs(r.lr - 0.025 * (e + 1)) < 1e-12, `${r.lr}`));
    assert.ok(run.steps[23].lr > 0.01 && run.steps[23].lr < 0.011, `last ${run.steps[23].lr}: just above the (absolute) floor`);
  });
});

function rosenbrockT(t: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const [x, y] = tf.split(t, 2);
    return tf.sum(tf.add(tf.square(tf.sub(1, x)), tf.mul(100, tf.square(tf.sub(y, tf.square(x)))))) as tf.Scalar;
  });
}

function quadraticT(c: number) {
  return (t: tf.Tensor): tf.Scalar =>
    tf.tidy(() => {
      const [x, y] = tf.split(t, 2);
      return tf.sum(tf.mul(0.5, tf.add(tf.square(x), tf.mul(c, tf.square(y))))) as tf.Scalar;
    });
}
