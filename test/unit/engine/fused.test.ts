/**
 * The fused paths (dense.ts on WASM, the closed-form cross-entropy gradients in loss.ts) must give
 * the numbers of the general one: same values and gradients on the same inputs, and the PyTorch
 * reference training runs (test/fixtures/reference/mlp.json) on both paths and both backends.
 */
import * as assert from 'assert';
import type { Activation } from '../../../src/shared/experiment';
import { selectBackend } from '../../../src/engine/backend';
import { activate, affine, dense } from '../../../src/engine/model/dense';
import { Head } from '../../../src/engine/model/loss';
import { Mlp } from '../../../src/engine/model/mlp';
import { createOptimizer } from '../../../src/engine/optimizers';
import { Rng } from '../../../src/engine/random';
import { tf } from '../../../src/engine/tf';
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
