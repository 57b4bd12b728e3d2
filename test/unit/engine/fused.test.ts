/**
 * The fused paths (dense.ts on WASM, the closed-form cross-entropy gradients in loss.ts, the JS
 * small-net step in engine/fused/) must give the numbers of the general one: same values and gradients on the same inputs, and the PyTorch
 * reference training runs (test/fixtures/reference/mlp.json) on both paths and both backends.
 */
import * as assert from 'assert';
import type { Activation, NetworkExperiment, OptimizerSpec } from '../../../src/shared/experiment';
import type { StepRecord } from '../../../src/shared/protocol';
import { selectBackend } from '../../../src/engine/backend';
import type { Dataset } from '../../../src/engine/data/dataset';
import { loadDataset } from '../../../src/engine/data/load';
import { FusedStepper } from '../../../src/engine/fused/step';
import { networkProblem } from '../../../src/engine/train/network';
import { trainStep } from '../../../src/engine/train/step';
import { networkExp, optimizer } from './fixtures';
import { activate, affine, dense } from '../../../src/engine/model/dense';
import { Head } from '../../../src/engine/model/loss';
import { Mlp } from '../../../src/engine/model/mlp';
import { createOptimizer } from '../../../src/engine/optimizers';
import { Rng } from '../../../src/engine/random';
import { tf } from '../../../src/engine/tf';
import { assertMlpFixture } from './mlpFixtureSteps';
import { label, loadFixture, optimizerSpec, type MlpFixture } from './referenceFixtures';

function randomTensor(rng: Rng, shape: [number, number] | [number]): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => rng.normal()), shape);
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.strictEqual(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return m;
}

/** Loss value and gradients with respect to every input, read back. */
function valueAndGrads(f: (...xs: tf.Tensor[]) => tf.Scalar, xs: tf.Tensor[]): Float32Array[] {
  return tf.tidy(() => {
    const { value, grads } = tf.valueAndGrads(f)(xs);
    return [value, ...grads].map((t) => t.dataSync() as Float32Array);
  });
}

const ACTIVATIONS: Activation[] = ['relu', 'tanh', 'sigmoid', 'leakyRelu', 'linear'];

describe('engine: fused dense layer and loss gradients', function () {
  this.timeout(60000);
  after(() => selectBackend('cpu'));

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`${backend}: fused dense = plain dense (value and gradients), every activation, first and inner layer`, async () => {
      await selectBackend(backend);
      const rng = new Rng(7);
      const before = tf.memory().numTensors;
      for (const act of ACTIVATIONS) {
        const x = randomTensor(rng, [9, 5]);
        const W = randomTensor(rng, [5, 4]);
        const b = randomTensor(rng, [4]);
        const up = randomTensor(rng, [9, 4]);
        // A non-trivial upstream gradient: Σ up ⊙ a.
        const through = (fused: boolean, first: boolean) => (xi: tf.Tensor, Wi: tf.Tensor, bi: tf.Tensor): tf.Scalar =>
          tf.sum(tf.mul(up, dense(xi as tf.Tensor2D, Wi, bi, act, { fused, first })));
        const plain = valueAndGrads(through(false, false), [x, W, b]);
        const inner = valueAndGrads(through(true, false), [x, W, b]);
        const first = valueAndGrads(through(true, true), [x, W, b]);
        const xT = tf.transpose(x) as tf.Tensor2D;
        const givenT = valueAndGrads((xi, Wi, bi) => tf.sum(tf.mul(up, dense(xi as tf.Tensor2D, Wi, bi, act, { fused: true, first: true, xT }))), [x, W, b]);
        xT.dispose();
        [0, 2, 3].forEach((i) => assert.ok(maxRelDiff(givenT[i], plain[i]) < 1e-5, `${act} first with xT, output ${i}: ${maxRelDiff(givenT[i], plain[i])}`));
        plain.forEach((p, i) => assert.ok(maxRelDiff(inner[i], p) < 1e-5, `${act} inner, output ${i}: ${maxRelDiff(inner[i], p)}`));
        // The first layer's data gradient is deliberately zero; the rest must agree.
        assert.ok(first[1].every((v) => v === 0), `${act}: first layer returns no data gradient`);
        [0, 2, 3].forEach((i) => assert.ok(maxRelDiff(first[i], plain[i]) < 1e-5, `${act} first, output ${i}`));
        // And the plain path is the textbook formula.
        const textbook = tf.tidy(() => tf.sum(tf.mul(up, activate(affine(x as tf.Tensor2D, W, b), act))).dataSync());
        assert.ok(maxRelDiff(plain[0], textbook) < 1e-5);
        tf.dispose([x, W, b, up]);
      }
      assert.strictEqual(tf.memory().numTensors, before, 'no tensor leaked');
    });

    it(`${backend}: cross-entropy closed-form gradients = autodiff of the formula`, async () => {
      await selectBackend(backend);
      const rng = new Rng(3);
      const cases: { output: 'softmax' | 'sigmoid'; classes: number; units: number }[] = [
        { output: 'softmax', classes: 4, units: 4 },
        { output: 'sigmoid', classes: 2, units: 1 },
        { output: 'sigmoid', classes: 3, units: 3 },
      ];
      for (const c of cases) {
        const head = new Head(c.output, 'crossentropy', { classes: Array.from({ length: c.classes }, String), nOutputs: c.classes });
        assert.strictEqual(head.units, c.units);
        const labels = Float32Array.from({ length: 12 }, (_, i) => i % c.classes);
        const y = tf.tensor2d(head.encodeTargets(labels), [12, c.units]);
        const z = tf.mul(randomTensor(rng, [12, c.units]), 4);
        const reference = (zi: tf.Tensor): tf.Scalar => {
          const l = zi as tf.Tensor2D;
          if (c.output === 'softmax') return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(l)), 1))) as tf.Scalar;
          return tf.mean<tf.Scalar>(tf.add(tf.sub(tf.relu(l), tf.mul(l, y)), tf.log1p(tf.exp(tf.neg(tf.abs(l))))));
        };
        const want = valueAndGrads(reference, [z]);
        const got = valueAndGrads((zi) => head.lossOf(zi as tf.Tensor2D, y as tf.Tensor2D), [z]);
        want.forEach((w, i) => assert.ok(maxRelDiff(got[i], w) < 1e-5, `${c.output}/${c.units}, output ${i}: ${maxRelDiff(got[i], w)}`));
        tf.dispose([y, z]);
      }
    });
  }

  // The PyTorch reference: a 2-6(tanh)-3 softmax MLP from torch's own initial weights, full batch.
  const fixture = loadFixture<MlpFixture>('mlp');
  const supported = new Set(['sgd', 'momentum', 'nesterov', 'adam']);
  const cases = fixture.cases.filter((c) => supported.has(String(c.optimizer.name)) && !c.optimizer.amsgrad);
  for (const backend of ['wasm', 'cpu'] as const) {
    for (const fused of [true, false]) {
      it(`${backend}, ${fused ? 'fused' : 'plain'}: the PyTorch MLP loss series (${cases.map((c) => label(c.optimizer)).join(', ')})`, async () => {
        await selectBackend(backend);
        const n = fixture.x.length;
        for (const c of cases) {
          const spec = { layers: fixture.layers, output: 'softmax' as const, loss: 'crossentropy' as const, init: { scheme: 'zeros' as const, scale: 1, bias: 0 } };
          const head = new Head('softmax', 'crossentropy', { classes: Array.from({ length: fixture.classes }, String), nOutputs: fixture.classes });
          const model = new Mlp(spec, 2, fixture.classes, new Rng(1), fused);
          model.params.forEach((p, i) => p.assign(tf.tensor(fixture.init[i], p.shape)));
          const x = tf.tensor2d(fixture.x.flat(), [n, 2]);
          const y = tf.tensor2d(head.encodeTargets(Float32Array.from(fixture.y)), [n, fixture.classes]);
          const opt = createOptimizer(optimizerSpec(c.optimizer));
          const spec0 = optimizerSpec(c.optimizer);
          const losses: number[] = [];
          for (let s = 0; s < c.steps; s++) {
            const loss = tf.tidy(() => {
              const { value, grads } = tf.variableGrads(() => head.lossOf(model.forward(x), y), model.params);
              opt.step(model.params, model.params.map((p) => grads[p.name]), spec0.learningRate);
              return value;
            });
            losses.push(loss.dataSync()[0]);
            loss.dispose();
          }
          const d = maxRelDiff(losses, c.losses.slice(0, c.steps));
          assert.ok(d < 2e-4, `${label(c.optimizer)}: loss series differs from PyTorch by ${d}`);
          opt.dispose();
          model.dispose();
          tf.dispose([x, y]);
        }
      });
    }
  }
});

/**
 * The fused JS step for small dense nets (engine/fused/) against the general tfjs path: the same
 * problem and seed, ≥ 100 steps, every optimizer with an array form and every head it handles;
 * and the PyTorch reference fixture on the fused step alone.
 */
describe('engine: fused small-net step = the general tfjs path', function () {
  this.timeout(120000);
  after(() => selectBackend('cpu'));

  const optimizers: Partial<OptimizerSpec>[] = [
    { name: 'sgd', learningRate: 0.1 },
    { name: 'momentum', learningRate: 0.05 },
    { name: 'nesterov', learningRate: 0.05 },
    { name: 'adagrad', learningRate: 0.05, epsilon: 1e-10 },
    { name: 'rmsprop', learningRate: 0.003, momentum: 0 },
    { name: 'rmsprop', learningRate: 0.003, centered: true, momentum: 0.5 },
    { name: 'adam', learningRate: 0.01 },
    { name: 'adam', learningRate: 0.01, amsgrad: true },
  ];
  const nets: { title: string; exp: NetworkExperiment }[] = [
    { title: 'spiral 2-16-16-3 relu softmax', exp: networkExp() },
    {
      title: 'circles 2-8-8-1 tanh/leakyRelu sigmoid',
      exp: networkExp({
        data: { synthetic: 'circles', classes: 2 },
        model: { layers: [{ units: 8, activation: 'tanh' }, { units: 8, activation: 'leakyRelu' }], output: 'sigmoid', init: { scheme: 'glorot' } },
      }),
    },
    {
      title: 'linear regression 2-8-1 sigmoid mse',
      exp: networkExp({
        data: { synthetic: 'linear', classes: 0 },
        model: { layers: [{ units: 8, activation: 'sigmoid' }], output: 'linear', loss: 'mse', init: { scheme: 'glorot' } },
      }),
    },
  ];

  function lossSeries(exp: NetworkExperiment, ds: Dataset, backend: string, smallNetPath: 'auto' | 'never', steps: number): { losses: number[]; fusedSteps: number; last: StepRecord } {
    const problem = networkProblem(exp, ds, backend === 'wasm', smallNetPath);
    const opt = createOptimizer(exp.optimizer, problem.paramCount);
    const losses: number[] = [];
    let fusedSteps = 0;
    // Counts the updates the fused path makes (only it calls the array form).
    const arrays = opt.stepArrays?.bind(opt);
    if (arrays) opt.stepArrays = (p, g, lr) => (fusedSteps++, arrays(p, g, lr));
    let last: StepRecord | undefined;
    try {
      for (let k = 0; k <= steps; k++) {
        const input = { step: k, epoch: 0, lr: exp.optimizer.learningRate, update: k < steps };
        last = trainStep(problem, opt, input);
        losses.push(last.loss);
      }
    } finally {
      opt.dispose();
      problem.dispose();
    }
    return { losses, fusedSteps, last: last as StepRecord };
  }

  for (const backend of ['cpu', 'wasm'] as const) {
    for (const net of nets) {
      it(`${backend}: ${net.title}, 120 steps, every optimizer with an array form`, async () => {
        await selectBackend(backend);
        const ds = loadDataset(net.exp.data, { seed: 1, baseDir: process.cwd(), output: net.exp.model.output, warn: () => undefined });
        for (const o of optimizers) {
          const exp = { ...net.exp, optimizer: optimizer({ ...o }) };
          const before = tf.memory().numTensors;
          const fused = lossSeries(exp, ds, backend, 'auto', 120);
          const general = lossSeries(exp, ds, backend, 'never', 120);
          assert.strictEqual(tf.memory().numTensors, before, `${label(exp.optimizer as unknown as Record<string, unknown>)}: no tensor leaked`);
          assert.strictEqual(fused.fusedSteps, 120, 'the small net takes the fused path');
          assert.strictEqual(general.fusedSteps, 0, 'and the general one does not');
          const d = maxRelDiff(fused.losses, general.losses);
          // The CPU backend rounds exactly as the fused loops do; WASM's XNNPACK sums in float32.
          const tol = backend === 'cpu' ? 2e-5 : 2e-4;
          assert.ok(d < tol, `${label(exp.optimizer as unknown as Record<string, unknown>)}: loss series differ by ${d}`);
          assert.ok(general.losses[120] < general.losses[0], 'the run makes progress');
          const [a, b] = [fused.last, general.last];
          assert.ok(maxRelDiff(a.layerGradNorms, b.layerGradNorms) < 10 * tol, 'final gradient norms agree');
        }
      });
    }
  }

  it('the fused step is used only for small nets and optimizers with an array form', async () => {
    // Without native kernels: with them, big nets take the BLAS step (fusedBlas.test.ts).
    await selectBackend('cpu', [], false);
    const ds = loadDataset(nets[0].exp.data, { seed: 1, baseDir: process.cwd(), output: 'softmax', warn: () => undefined });
    const uses = (exp: NetworkExperiment) => {
      const problem = networkProblem(exp, ds, false);
      const opt = createOptimizer(exp.optimizer, problem.paramCount);
      try {
        return problem.fusedStep?.(opt, { step: 0, epoch: 0, lr: 0.01, update: true }) !== undefined;
      } finally {
        opt.dispose();
        problem.dispose();
      }
    };
    assert.ok(uses(nets[0].exp));
    assert.ok(!uses({ ...nets[0].exp, optimizer: optimizer({ name: 'adam', averaging: { kind: 'polyak' } }) }), 'averaging needs tfjs');
    assert.ok(!uses({ ...nets[0].exp, optimizer: optimizer({ name: 'sgd', lineSearch: 'backtracking' }) }), 'line searches need tfjs');
    const wide = networkExp({ model: { layers: [{ units: 512, activation: 'relu' }, { units: 512, activation: 'relu' }] } });
    assert.ok(!uses(wide), 'a 2-512-512-3 net at batch 32 is tfjs work without native kernels');
  });

  // The PyTorch reference on the fused step: every array-form optimizer the fixture has.
  const fixture = loadFixture<MlpFixture>('mlp');
  it(`the PyTorch MLP fixture on the fused step (${fixture.cases.length} optimizer settings), losses and final weights to 1e-5`, async () => {
    await selectBackend('cpu');
    assertMlpFixture(fixture, (shape, rows, model) => new FusedStepper(shape, 'softmaxCrossEntropy', rows, model.params, model.layerParamIndices));
  });
});
